//! The binary: flags → config, stdin → library → stdout, errors → stderr + exit code.
//! Output is written only when the whole stream succeeded.

use ameide_tilt_render::{Config, cli::Given, run};
use std::io::{Read, Write};
use std::process::ExitCode;

const NAME: &str = "ameide-tilt-render";

fn main() -> ExitCode {
    let given = match Given::parse_from(std::env::args_os()) {
        Ok(g) => g,
        Err(e) => e.exit(),
    };
    let cfg = match Config::resolve(given) {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string(), e.exit_code()),
    };
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut input) {
        return fail(&format!("cannot read stdin: {e}"), 1);
    }
    match run(&input, &cfg) {
        Ok(r) => {
            let mut err = std::io::stderr().lock();
            for n in &r.notes {
                let _ = writeln!(err, "{NAME}: {n}");
            }
            if cfg.verbose {
                for line in &r.report {
                    let _ = writeln!(err, "{NAME}: {line}");
                }
            }
            let mut out = std::io::stdout().lock();
            if out
                .write_all(r.output.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return fail("cannot write stdout", 1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e.to_string(), e.exit_code()),
    }
}

fn fail(message: &str, code: i32) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "{NAME}: error: {message}");
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
