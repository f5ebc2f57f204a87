//! Shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The real rendered charts: `../shared/corpus` beside the checkout (as on CI), or
/// AMEIDE_TILT_CORPUS.
#[allow(dead_code)]
pub fn corpus_dir() -> PathBuf {
    std::env::var_os("AMEIDE_TILT_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    )
}

/// Every corpus stream, both forms (`*.yaml` and `helm4/*.yaml`), but the big
/// benchmark stream, sorted.
#[allow(dead_code)]
pub fn corpus_files() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let mut files = Vec::new();
    for d in [dir.clone(), dir.join("helm4")] {
        let entries =
            std::fs::read_dir(&d).unwrap_or_else(|e| panic!("corpus {}: {e}", d.display()));
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "yaml")
                && !p.file_name().unwrap().to_string_lossy().starts_with("big")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 16, "corpus: {} streams", files.len());
    files
}

/// A venv under the tests' temporary directory with `packages` installed, made
/// once and reused while `import_check` (Python code) succeeds in it; returns its
/// python. The real-Helm and Tilt tests install what they need themselves, so
/// the one test command works on a fresh machine.
#[allow(dead_code)]
pub fn venv(name: &str, packages: &[&str], import_check: &str) -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let py = venv.join("bin/python");
    let ready = |py: &Path| {
        Command::new(py)
            .args(["-c", import_check])
            .status()
            .is_ok_and(|s| s.success())
    };
    if !ready(&py) {
        let ok = Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv)
            .status()
            .expect("python3 runs");
        assert!(ok.success(), "python3 -m venv failed");
        let ok = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(packages)
            .status()
            .expect("pip runs");
        assert!(ok.success(), "pip install {packages:?} failed");
        assert!(
            ready(&py),
            "`{import_check}` fails after installing {packages:?}"
        );
    }
    py
}
