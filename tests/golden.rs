//! Golden cases: every directory under `testdata/` (except `charts/`) holds
//! `input.yaml`, optional `args` (one argument per line), and the expectations:
//! `expected.yaml` (stdout), optional `expected.stderr`, optional `exit` (default 0).
//! The binary runs in the case's directory, so `args` can name files there.
//!
//! Every mismatch is printed as a unified diff before the test fails. To re-bless
//! after an intended change: `BLESS=1 cargo test --test golden`, then read the diff.

use similar::TextDiff;
use std::fs;
use std::path::Path;

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

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let bless = std::env::var_os("BLESS").is_some();
    let mut dirs: Vec<_> = fs::read_dir(&root)
        .expect("testdata/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.join("input.yaml").exists())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= MIN_CASES,
        "only {} golden cases found under {} (want at least {MIN_CASES})",
        dirs.len(),
        root.display()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let input = fs::read(dir.join("input.yaml")).unwrap();
        let args: Vec<String> = read(&dir.join("args"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let out = assert_cmd::Command::cargo_bin("ameide-tilt-render")
            .unwrap()
            .current_dir(dir)
            .env_clear()
            .args(&args)
            .write_stdin(input)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let code = out.status.code().unwrap_or(-1);
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
            continue;
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
            problems.push(diff(&name, "expected.yaml", &want_out, &stdout));
        }
        if let Some(want_err) = read(&dir.join("expected.stderr"))
            && stderr != want_err
        {
            problems.push(diff(&name, "expected.stderr", &want_err, &stderr));
        }
        // A failed filter writes nothing; `check` lists its findings on stdout.
        if code != 0 && !stdout.is_empty() && args.first().map(String::as_str) != Some("check") {
            problems.push(format!("{name}: failed run wrote to stdout"));
        }
        for p in &problems {
            eprintln!("{p}");
        }
        failures.extend(problems.into_iter().map(|_| name.clone()));
    }
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} of {} golden cases differ: {}",
        failures.len(),
        dirs.len(),
        failures.join(", ")
    );
    eprintln!("{} golden cases passed", dirs.len());
}
