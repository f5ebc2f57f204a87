//! The whole pipeline on arbitrary bytes: never a panic; a success writes a stream
//! that parses, that a second run leaves unchanged and that `check` accepts; `check`,
//! `diff` and `diff --stat` never panic on the input either. Objects are neither
//! lost nor made up: the output holds one object for every input object that is
//! not dropped (two documents joined into one would pass every other assertion),
//! and `check --baseline` finds no collision between the input and its copy but
//! old names, each of which rule 11 reported or kept by a named exception. One
//! configuration makes a partial copy (`--fork image=*`): it holds as many
//! objects as it says it forked, and passes the same checks.
#![no_main]

use ameide_tilt_render::cli::Settings;
use ameide_tilt_render::yaml::{self, Doc};
use ameide_tilt_render::diff::{self, diff_stream};
use ameide_tilt_render::redact::redact_secrets;
use ameide_tilt_render::pipeline::plan_stream;
use ameide_tilt_render::plan::Status;
use ameide_tilt_render::{Config, check, check_baseline, run};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn configs() -> &'static [Config] {
    static C: OnceLock<Vec<Config>> = OnceLock::new();
    C.get_or_init(|| {
        let strict = Settings {
            strict_names: Some(true),
            no_redis: Some(true),
            ..Settings::default()
        };
        let other = Settings {
            suffix: Some("-dev".into()),
            host_map: Some(vec!["example.com=example.test".into(), "dev.ameide.io=local.ameide.io".into()]),
            no_string_refs: Some(true),
            ..Settings::default()
        };
        // A partial copy: every workload that is no hook, and what exists for it.
        let fork = Settings {
            fork: Some(vec!["image=*".into()]),
            ..Settings::default()
        };
        vec![
            Config::default(),
            Config::from_settings(strict, None).unwrap(),
            Config::from_settings(other, None).unwrap(),
            Config::from_settings(fork, None).unwrap(),
        ]
    })
}

/// How many documents of `text` are objects the filter emits.
fn objects(text: &str, cfg: &Config) -> usize {
    let planned = plan_stream(text, cfg, None).expect("a stream that ran once plans again");
    planned.plans.iter().filter(|p| p.status == Status::Object).count()
}

/// Does the selector quoted in a collision (`…`) have a term that renaming label
/// values cannot separate: `key` (Exists), `!key` (DoesNotExist), `notin`, or an
/// unknown operator? Rule 3 isolates pairs; such a term selects the other copy's
/// pods whatever they are called, and `check --baseline` rightly says so.
fn unisolable(what: &str) -> bool {
    let Some(selector) = what.split('`').nth(1) else {
        return false;
    };
    // Value lists `(a,b)` hold commas of their own.
    let mut flat = String::new();
    let mut depth = 0;
    for c in selector.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => flat.push(c),
            _ => {}
        }
    }
    flat.split(',').any(|part| {
        !part.contains('=') && !part.ends_with(" in ") && !part.contains("(everything)")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else {
        return;
    };
    let cfg = &configs()[usize::from(pick) % configs().len()];
    if let Ok(first) = run(input, cfg) {
        let parsed = yaml::for_each_doc(&first.output, |_: &Doc<'_>| -> Result<(), ()> { Ok(()) });
        assert!(parsed.is_ok(), "output does not parse");
        let second = run(first.output.as_bytes(), cfg).expect("a second run of our own output succeeds");
        assert_eq!(first.output, second.output, "not idempotent");
        let input_text = std::str::from_utf8(input).expect("a stream that ran is UTF-8");
        for stat in [false, true] {
            let opts = diff::Options { colour: stat, stat };
            let _ = diff_stream(input_text, &first, cfg, opts);
        }
        if cfg.fork.is_empty() {
            assert_eq!(objects(input_text, cfg), objects(&first.output, cfg), "objects lost or joined");
        } else {
            // A partial copy holds what it says it forked, and no more.
            let said = first
                .notes
                .iter()
                .find_map(|n| n.split_once("): ")?.1.split_once(" object(s) forked")?.0.parse::<usize>().ok())
                .expect("a partial copy says how many objects it forked");
            assert_eq!(said, objects(&first.output, cfg), "objects lost or joined in a partial copy");
        }
        // Our output is a fixed point, so check finds nothing the filter would change.
        // (Its "old name" findings need a baseline input: an input that already held
        // both `x` references and an `x-tilt` object legitimately keeps them.)
        let violations = check(first.output.as_bytes(), cfg).expect("check reads our own output");
        let fixable: Vec<_> = violations.iter().filter(|v| !v.rule.is_stale_name()).collect();
        assert!(fixable.is_empty(), "check rejects our own output: {}", fixable[0]);
        let _ = redact_secrets(&first.output, &cfg.redis_env);
        // The copy runs beside its input: `check --baseline` finds no collision.
        // An input that already holds the suffix or a target domain is (part of) a
        // copy itself, and a copy's empty selector (one that selects everything:
        // a NetworkPolicy no common pair can narrow, SPEC rule 3, or an empty
        // selector of another kind, which the SPEC does not narrow) is reported
        // by design.
        let baseline_like = !input_text.contains(cfg.suffix.as_str())
            && !cfg.host_map.iter().any(|(_, to)| input_text.contains(to.as_str()));
        if baseline_like {
            let report = check_baseline(input, first.output.as_bytes(), cfg)
                .expect("check --baseline reads a stream and its copy");
            let unnarrowable = |c: &&ameide_tilt_render::baseline::Collision| {
                c.rank == 4
                    && ((c.what.starts_with("the copy's")
                        && (c.what.contains("selector ``") || c.what.contains("(everything)")))
                        || unisolable(&c.what))
            };
            // An old name the model finds left in the copy (rank 7) was judged by
            // rule 11, never silently left: the filter reported it (a warning) or
            // kept it by a named exception (a `-v` line). The model reads strings
            // more strictly than the filter on purpose, so a kept one is allowed;
            // one the filter never saw is not.
            let verbose = Config {
                verbose: true,
                reasons: true,
                ..cfg.clone()
            };
            let told = run(input, &verbose).expect("the same run with -v succeeds");
            let lines: Vec<&String> = told.notes.iter().chain(&told.report).collect();
            for c in report.collisions.iter().filter(|c| c.rank == 7) {
                let judged = match c.what.split('`').nth(1) {
                    _ if c.what.contains("Secret value") => {
                        lines.iter().any(|l| l.contains("(a Secret value, not shown)"))
                    }
                    Some(old) => lines.iter().any(|l| {
                        l.contains(&format!("`{old}` equals the old name"))
                            || l.contains(&format!("`{old}` at "))
                            || l.contains(&format!("/{old}, which the copy renames"))
                    }),
                    None => false,
                };
                assert!(judged, "an old name left silently: {c}");
            }
            // A selector the filter could not narrow without guessing was told on
            // stderr (`this selector of the copy …`, same object and path): a
            // leak that is told is not silent.
            let told_selector = |c: &&ameide_tilt_render::baseline::Collision| {
                let object = c.tilt.object.strip_suffix(cfg.suffix.as_str()).unwrap_or(&c.tilt.object);
                c.rank == 4
                    && told.notes.iter().any(|n| {
                        n.contains("this selector of the copy")
                            && n.contains(&format!("({object})"))
                            && n.contains(&format!(" at {}:", c.tilt.path))
                    })
            };
            let real: Vec<_> = report
                .collisions
                .iter()
                .filter(|c| !unnarrowable(c) && !told_selector(c) && c.rank != 7)
                .collect();
            assert!(real.is_empty(), "the copy collides with its input: {}", real[0]);
        }
    }
    let _ = check(input, cfg);
});
