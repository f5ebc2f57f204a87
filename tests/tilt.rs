//! The Tilt extension in `tilt/ameide_tilt/`, without Tilt: `tests/tilt/test_tilt.py`
//! executes Tiltfiles that load it with starlark-rust (PyPI `starlark-pyo3`) and stub
//! Tilt built-ins that record their calls, and runs `cleanup-on-exit.sh` the way Tilt
//! runs and stops a serve_cmd, with a fake `helm` on PATH.
//!
//! The interpreter lives in a venv under the cargo target directory, created on first
//! use (`python3 -m venv` + `pip install starlark-pyo3==2026.1.3`), as tests/helm.rs
//! does for the Helm SDK.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const STARLARK: &str = "starlark-pyo3==2026.1.3";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| common::venv("tilt-venv", &[STARLARK], "import starlark; starlark.Module"))
}

/// Runs the named unittest classes of tests/tilt/test_tilt.py; fails unless they
/// all ran and passed, none skipped.
fn run(classes: &[&str]) {
    let out = Command::new(python())
        .arg(repo().join("tests/tilt/test_tilt.py"))
        .arg(repo())
        .args(classes)
        .env(
            "AMEIDE_TILT_RENDER_BIN",
            env!("CARGO_BIN_EXE_ameide-tilt-render"),
        )
        .output()
        .expect("python runs");
    // unittest reports on stderr.
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{report}");
    assert!(out.status.success(), "tests/tilt/test_tilt.py failed");
    let ran: usize = report
        .lines()
        .find_map(|l| l.strip_prefix("Ran ")?.split(' ').next()?.parse().ok())
        .expect("unittest's `Ran N tests` line");
    assert!(ran > 0, "no test ran");
    assert!(
        !report.contains("skipped"),
        "a test was skipped: every check must run here"
    );
}

#[test]
fn extension_passes_the_post_renderer_to_helm_resource() {
    run(&["Extension"]);
}

#[test]
fn example_tiltfile_and_readme_snippets_use_the_extension() {
    run(&["Example"]);
}

#[test]
fn cleanup_on_exit_uninstalls_when_tilt_stops_it() {
    run(&["CleanupOnExit"]);
}
