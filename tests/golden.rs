//! Golden cases: every directory under `testdata/` (except `charts/`) holds
//! `input.yaml`, optional `args` (one argument per line), and the expectations:
//! `expected.yaml` (stdout), optional `expected.stderr`, optional `exit` (default 0).
//! The binary runs in the case's directory, so `args` can name files there.
//!
//! Each case is its own trial (`cargo test --test golden -- --list`; run one with
//! `cargo test --test golden -- <case>`). A failing trial prints every mismatch of
//! its case as a unified diff. To re-bless after an intended change:
//! `BLESS=1 cargo test --test golden`, then read `git diff`.
//!
//! The harness is `libtest-mimic` (`harness = false` in Cargo.toml): it gives one
//! named, filterable trial per case with libtest's output, for two small crates on
//! top of `clap`'s; trycmd would pull in snapbox, serde and toml and want its own
//! case format, with no place for the properties checked here.

use libtest_mimic::{Arguments, Failed, Trial};
use similar::TextDiff;
use std::fs;
use std::path::{Path, PathBuf};

const MIN_CASES: usize = 25;

fn read(p: &Path) -> Option<String> {
    fs::read(p)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn diff(name: &str, what: &str, expected: &str, actual: &str) -> String {
    let d = TextDiff::from_lines(expected, actual);
    format!(
        "--- {name}/{what} (expected)\n+++ {name}/{what} (actual)\n{}",
        d.unified_diff().context_radius(3)
    )
}

/// One directory under `testdata/`.
#[derive(Clone)]
struct Case {
    name: String,
    dir: PathBuf,
}

impl Case {
    fn args(&self) -> Vec<String> {
        read(&self.dir.join("args"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// What one run of the binary did.
struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

/// Runs the binary in `dir` with `args`, `stdin` on standard input and an empty
/// environment.
fn run(dir: &Path, args: &[String], stdin: Vec<u8>) -> Run {
    let out = assert_cmd::Command::cargo_bin("ameide-tilt-render")
        .unwrap()
        .current_dir(dir)
        .env_clear()
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// The case's own trial: the run's stdout, stderr and exit code against its
/// expectations (after rewriting them first under BLESS).
fn check_case(case: &Case, bless: bool) -> Result<(), Failed> {
    let (name, dir) = (&case.name, &case.dir);
    let args = case.args();
    let input = fs::read(dir.join("input.yaml")).map_err(|e| format!("{name}/input.yaml: {e}"))?;
    let Run {
        stdout,
        stderr,
        code,
    } = run(dir, &args, input);
    if bless {
        fs::write(dir.join("expected.yaml"), &stdout).unwrap();
        if code != 0 {
            fs::write(dir.join("exit"), format!("{code}\n")).unwrap();
        } else {
            let _ = fs::remove_file(dir.join("exit"));
        }
        if code != 0 || dir.join("expected.stderr").exists() {
            fs::write(dir.join("expected.stderr"), &stderr).unwrap();
        }
        return Ok(());
    }
    let want_code: i32 = read(&dir.join("exit"))
        .map(|s| s.trim().parse().expect("exit holds a number"))
        .unwrap_or(0);
    let mut problems = Vec::new();
    if code != want_code {
        problems.push(format!(
            "{name}: exit code {code}, expected {want_code}\nstderr:\n{stderr}"
        ));
    }
    let want_out = read(&dir.join("expected.yaml")).unwrap_or_default();
    if stdout != want_out {
        problems.push(diff(name, "expected.yaml", &want_out, &stdout));
    }
    if let Some(want_err) = read(&dir.join("expected.stderr"))
        && stderr != want_err
    {
        problems.push(diff(name, "expected.stderr", &want_err, &stderr));
    }
    // A failed filter writes nothing; `check` lists its findings on stdout.
    if code != 0 && !stdout.is_empty() && args.first().map(String::as_str) != Some("check") {
        problems.push(format!("{name}: failed run wrote to stdout"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn main() {
    let args = Arguments::from_args();
    let bless = std::env::var_os("BLESS").is_some();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut cases: Vec<Case> = fs::read_dir(&root)
        .expect("testdata/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.join("input.yaml").exists())
        .map(|dir| Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir,
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));

    let found = cases.len();
    let mut trials = vec![Trial::test("case-count", move || {
        if found >= MIN_CASES {
            Ok(())
        } else {
            Err(format!(
                "only {found} golden cases found under {} (want at least {MIN_CASES})",
                root.display()
            )
            .into())
        }
    })];
    for case in cases {
        trials.push(Trial::test(case.name.clone(), move || {
            check_case(&case, bless)
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}
