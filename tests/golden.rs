//! Golden cases, one directory per case under `testdata/` (all but `charts/`):
//!
//! | file | meaning |
//! | --- | --- |
//! | `input.yaml` | stdin |
//! | `args` | optional; one argument per line (flags, `check`, `diff`) |
//! | `expected.yaml` | stdout when it is the filtered stream: a filter run (no `check`/`diff` in `args`) that exits 0 |
//! | `expected.stdout` | any other stdout: `diff`, `check`'s report, a failed run's (empty) output |
//! | `expected.stderr` | stderr (notes, `-v` reports, errors); absent means stderr must be empty |
//! | `expected.exit` | the exit code, e.g. `1`; absent means 0 |
//!
//! Exactly one of `expected.yaml` / `expected.stdout` exists, as the table says;
//! any other file called `exit` or `expected*` is refused as misspelt. The binary
//! runs in the case's directory with an empty environment, so `args` can name files
//! there (`--config config.yaml`).
//!
//! Each case is its own trial (`cargo test --test golden -- --list`; one case with
//! `cargo test --test golden -- <case>`). A failing trial prints every mismatch of
//! its case, as a unified diff where it is text. The `case-count` trial fails when
//! fewer than [`MIN_CASES`] cases are found. To re-bless after an intended change:
//! `BLESS=1 cargo test --test golden` rewrites every expectation from the actual
//! run (and moves stdout between `expected.yaml` and `expected.stdout` if the exit
//! code changed), then checks the properties of what it wrote (trials run in order
//! on one thread under BLESS); then read `git diff`.
//!
//! A case with `expected.yaml` also has two property trials, so a failure names
//! what failed: `<case>::fixed-point` (the filter, run again with the same `args` on
//! `expected.yaml`, writes it byte for byte and exits 0) and `<case>::check`
//! (`ameide-tilt-render <args> check` on `expected.yaml` exits 0; the same `args`,
//! since a non-default config changes what a correct tilt copy is).
//!
//! The harness is `libtest-mimic` (`harness = false` in Cargo.toml; maintained,
//! 0.8.2): one named, filterable trial per case and property with libtest's output,
//! for two small crates beside the `clap` stack we already build. trycmd also gives
//! per-case results but brings snapbox, serde, toml_edit and rayon, wants its own
//! case files (`*.toml` with `bin.name`, `args`, `status`) and has no way to say
//! "this output, fed back in, is a fixed point".

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use similar::TextDiff;
use std::fs;
use std::path::{Path, PathBuf};

const MIN_CASES: usize = 231;

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

/// Whether `args` run the filter (stdin to stdout) rather than a subcommand. A
/// case's arguments are flags and their values, so a bare `check` or `diff` is the
/// subcommand.
fn filters(args: &[String]) -> bool {
    !args.iter().any(|a| a == "check" || a == "diff")
}

/// The files a case may hold that are not named by its `args`; anything else
/// called `exit` or `expected*` is a misspelt or old-style expectation.
const CASE_FILES: [&str; 6] = [
    "input.yaml",
    "args",
    "expected.yaml",
    "expected.stdout",
    "expected.stderr",
    "expected.exit",
];

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
    // Where stdout is expected, given the exit code: the filtered stream of a
    // successful filter run is YAML; everything else (diff, check, a failed run's
    // nothing) is not.
    let stdout_files = |code: i32| {
        if filters(&args) && code == 0 {
            ("expected.yaml", "expected.stdout")
        } else {
            ("expected.stdout", "expected.yaml")
        }
    };
    if bless {
        let (out_file, other_file) = stdout_files(code);
        let write = |file: &str, text: Option<&str>| match text {
            Some(t) => fs::write(dir.join(file), t).unwrap(),
            None => {
                let _ = fs::remove_file(dir.join(file));
            }
        };
        write(out_file, Some(&stdout));
        write(other_file, None);
        write("expected.stderr", (!stderr.is_empty()).then_some(&*stderr));
        write(
            "expected.exit",
            (code != 0).then(|| format!("{code}\n")).as_deref(),
        );
    }
    let mut problems = Vec::new();
    for entry in fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        if (file == "exit" || file.starts_with("expected")) && !CASE_FILES.contains(&file.as_str())
        {
            problems.push(format!(
                "{name}/{file}: not an expectation file (they are {})",
                CASE_FILES[2..].join(", ")
            ));
        }
    }
    let want_code = match read(&dir.join("expected.exit")) {
        None => 0,
        Some(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("{name}/expected.exit holds {s:?}, not an exit code"))?,
    };
    if code != want_code {
        problems.push(format!(
            "{name}: exit code {code}, expected {want_code}\nstderr:\n{stderr}"
        ));
    }
    let (out_file, other_file) = stdout_files(want_code);
    if dir.join(other_file).exists() {
        problems.push(format!(
            "{name}/{other_file}: this run's stdout belongs in {out_file} (expected.yaml \
             holds the filtered stream of an exit-0 filter run, expected.stdout any other stdout)"
        ));
    }
    match read(&dir.join(out_file)) {
        None => problems.push(format!(
            "{name}/{out_file} is missing (BLESS=1 writes it); stdout was:\n{stdout}"
        )),
        Some(want) if want != stdout => problems.push(diff(name, out_file, &want, &stdout)),
        Some(_) => {}
    }
    let want_err = read(&dir.join("expected.stderr")).unwrap_or_default();
    if stderr != want_err {
        problems.push(diff(name, "expected.stderr", &want_err, &stderr));
    }
    // A failed filter writes nothing; `check` lists its findings on stdout.
    if code != 0 && !stdout.is_empty() && !args.iter().any(|a| a == "check") {
        problems.push(format!("{name}: failed run wrote to stdout"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n\n").into())
    }
}

/// A property trial of `f` on the case's `expected.yaml`. Only under BLESS can the
/// file vanish after the trials were made (its stdout moved to `expected.stdout`):
/// then there is nothing to check until the next run.
fn property(
    name: String,
    case: Case,
    bless: bool,
    f: fn(&Case, String) -> Result<(), Failed>,
) -> Trial {
    Trial::ignorable_test(name, move || match read(&case.dir.join("expected.yaml")) {
        Some(output) => f(&case, output).map(|()| Completion::Completed),
        None if bless => Ok(Completion::ignored_with(
            "BLESS moved the stdout to expected.stdout",
        )),
        None => Err(format!("{}/expected.yaml is gone", case.name).into()),
    })
}

/// `<case>::fixed-point`: the filter, run again with the same args on
/// `expected.yaml`, writes `expected.yaml` byte for byte.
fn fixed_point(case: &Case, want: String) -> Result<(), Failed> {
    let (name, dir) = (&case.name, &case.dir);
    let again = run(dir, &case.args(), want.clone().into_bytes());
    let mut problems = Vec::new();
    if again.code != 0 {
        problems.push(format!(
            "{name}: the filter on expected.yaml exits {}\nstderr:\n{}",
            again.code, again.stderr
        ));
    }
    if again.stdout != want {
        let d = TextDiff::from_lines(&want, &again.stdout);
        problems.push(format!(
            "--- {name}/expected.yaml\n+++ {name}/expected.yaml filtered again\n{}",
            d.unified_diff().context_radius(3)
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n\n").into())
    }
}

/// `<case>::check`: `check` with the same args accepts `expected.yaml` (exit 0).
fn passes_check(case: &Case, output: String) -> Result<(), Failed> {
    let (name, dir) = (&case.name, &case.dir);
    // Settings are global flags, so `check` can follow them.
    let mut args = case.args();
    args.push("check".into());
    let r = run(dir, &args, output.into_bytes());
    if r.code == 0 {
        Ok(())
    } else {
        Err(format!(
            "{name}: `{}` on expected.yaml exits {}\nstdout:\n{}stderr:\n{}",
            args.join(" "),
            r.code,
            r.stdout,
            r.stderr
        )
        .into())
    }
}

fn main() {
    let mut args = Arguments::from_args();
    let bless = std::env::var_os("BLESS").is_some();
    if bless {
        // libtest-mimic runs trials in order on one thread: each case's own trial
        // (which re-blesses) before the properties of what it wrote.
        args.test_threads = Some(1);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut cases: Vec<Case> = fs::read_dir(&root)
        .expect("testdata/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        // A directory without input.yaml is still a case, and fails as one.
        .filter(|p| p.is_dir() && !p.ends_with("charts"))
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
        // Decided before BLESS may rewrite the case: a newly blessed filter case
        // gets these trials from the next run.
        let filtered_stream = case.dir.join("expected.yaml").exists();
        let (name, c) = (case.name.clone(), case.clone());
        trials.push(Trial::test(name.clone(), move || check_case(&c, bless)));
        if filtered_stream {
            let fixed = format!("{name}::fixed-point");
            trials.push(property(fixed, case.clone(), bless, fixed_point));
            trials.push(property(
                format!("{name}::check"),
                case,
                bless,
                passes_check,
            ));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
