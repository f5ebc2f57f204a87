//! The whole pipeline on arbitrary bytes: never a panic; a success writes a stream
//! that parses and that a second run leaves unchanged.
#![no_main]

use ameide_tilt_render::cli::Given;
use ameide_tilt_render::syntax::{self, Doc};
use ameide_tilt_render::{Config, run};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn configs() -> &'static [Config] {
    static C: OnceLock<Vec<Config>> = OnceLock::new();
    C.get_or_init(|| {
        let strict = Given {
            strict_names: Some(true),
            no_redis: Some(true),
            ..Given::default()
        };
        let other = Given {
            suffix: Some("-dev".into()),
            host_map: Some(vec!["example.com=example.test".into(), "dev.ameide.io=local.ameide.io".into()]),
            no_string_refs: Some(true),
            ..Given::default()
        };
        vec![Config::default(), Config::resolve(strict).unwrap(), Config::resolve(other).unwrap()]
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else {
        return;
    };
    let cfg = &configs()[usize::from(pick) % configs().len()];
    if let Ok(first) = run(input, cfg) {
        let parsed = syntax::for_each_doc(&first.output, |_: &Doc<'_>| -> Result<(), ()> { Ok(()) });
        assert!(parsed.is_ok(), "output does not parse");
        let second = run(first.output.as_bytes(), cfg).expect("a second run of our own output succeeds");
        assert_eq!(first.output, second.output, "not idempotent");
    }
});
