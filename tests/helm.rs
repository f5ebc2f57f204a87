//! Real Helm 4, through its Go SDK embedded in PyPI `helm-python-sdk`: the plugin
//! is installed into a temporary HELM_PLUGINS the way `helm plugin install <dir>`
//! does it (a symlink to the directory, then plugin.yaml's install hook, run by
//! the port of Helm's hook rules in `common/helm_plugin.rs`), and
//! client-side dry-run installs of the charts in `testdata/charts/` go through
//! Helm's own plugin loader and post-render path.
//!
//! The SDK lives in a venv under the cargo target directory, created on first use
//! (`python3 -m venv` + `pip install helm-python-sdk==0.2.2 PyYAML`). The same venv's
//! PyYAML is the independent reader that checks every corpus output.

mod common;
#[path = "common/helm_plugin.rs"]
mod helm_plugin;
use ameide_tilt_render::yaml::{self, Doc};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const SDK: &str = "helm-python-sdk==0.2.2";
/// The independent YAML reader of `corpus_outputs_agree_with_pyyaml`.
const PYYAML: &str = "PyYAML==6.0.3";
const PLUGIN: &str = "ameide-tilt-render";
const TEE: &str = "ameide-tilt-render-tee";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

fn python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| common::venv("helm-venv", &[SDK, PYYAML], "import helm_python, yaml"))
}

/// One temporary Helm plugins directory with our plugin installed.
struct Plugins {
    dir: PathBuf,
    tee: PathBuf,
    log: PathBuf,
}

fn install(tag: &str) -> Plugins {
    let root = tmp().join(format!("helm-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // What a checkout holds that the plugin needs (the binary comes from the hook).
    let src = root.join(PLUGIN);
    std::fs::create_dir_all(src.join("scripts")).unwrap();
    std::fs::copy(repo().join("plugin.yaml"), src.join("plugin.yaml")).unwrap();
    std::fs::copy(
        repo().join("scripts/install-plugin.sh"),
        src.join("scripts/install-plugin.sh"),
    )
    .unwrap();
    let dir = root.join("plugins");
    // `helm plugin install <checkout>` run from an unrelated directory, through the
    // port of Helm's own hook rules.
    let cwd = root.join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let (plugin_dir, out) = helm_plugin::Helm::new(&cwd)
        .set(
            "AMEIDE_TILT_RENDER_BIN",
            env!("CARGO_BIN_EXE_ameide-tilt-render"),
        )
        .install_dir(&dir, &src);
    assert!(
        out.status.success(),
        "install hook failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(plugin_dir.join("bin").join(PLUGIN).exists());
    // A test-only recorder plugin to see what Helm sends per strategy.
    let tee = root.join("tee");
    std::fs::create_dir_all(&tee).unwrap();
    std::fs::create_dir_all(dir.join(TEE)).unwrap();
    std::fs::write(
        dir.join(TEE).join("plugin.yaml"),
        format!(
            "apiVersion: v1\ntype: postrenderer/v1\nname: {TEE}\nversion: 0.1.0\nruntime: subprocess\nruntimeConfig:\n  platformCommand:\n    - command: sh\n      args: [{}]\n",
            repo().join("tests/helm/tee.sh").display()
        ),
    )
    .unwrap();
    Plugins {
        dir,
        tee,
        log: root.join("error.log"),
    }
}

fn flat(s: &str) -> String {
    let mut out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.ends_with(char::is_whitespace) {
        out.push(' ');
    }
    out
}

struct Outcome {
    ok: bool,
    manifest: String,
    error: String,
    /// The driver process's stderr: where a failing plugin's message must show.
    stderr: String,
}

fn helm(p: &Plugins, chart: &str, strategy: &str, plugin: &str, args: &[&str]) -> Outcome {
    let out = Command::new(python())
        .arg(repo().join("tests/helm/driver.py"))
        .arg(repo().join("testdata/charts").join(chart))
        .args(["www", "ameide", strategy, plugin])
        .args(args)
        .env("HELM_PLUGINS", &p.dir)
        .env("TEE_DIR", &p.tee)
        .env(
            "AMEIDE_TILT_RENDER_BIN",
            env!("CARGO_BIN_EXE_ameide-tilt-render"),
        )
        .env("AMEIDE_TILT_ERROR_LOG", &p.log)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "driver failed: {stderr}\n{stdout}");
    // JSON is YAML: read it with the project's own parser.
    let mut o = Outcome {
        ok: false,
        manifest: String::new(),
        error: String::new(),
        stderr,
    };
    yaml::for_each_doc(&stdout, |doc: &Doc<'_>| -> Result<(), ()> {
        let root = doc.root().unwrap();
        o.ok = doc.get_str(root, "ok") == Some("true");
        o.manifest = doc.get_str(root, "manifest").unwrap_or("").to_string();
        o.error = doc.get_str(root, "error").unwrap_or("").to_string();
        Ok(())
    })
    .unwrap()
    .unwrap();
    o
}

fn recorded(p: &Plugins, prefix: &str) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&p.tee)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|f| f.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

fn clear_tee(p: &Plugins) {
    for e in std::fs::read_dir(&p.tee).unwrap().flatten() {
        std::fs::remove_file(e.path()).unwrap();
    }
}

#[test]
fn www_app_through_helm4_plugin() {
    let p = install("www");
    let o = helm(&p, "www-app", "combined", PLUGIN, &[]);
    assert!(o.ok, "{}", o.error);
    let m = &o.manifest;
    for want in [
        "# Source: www-app/templates/deployment.yaml",
        "  name: www-tilt\n",
        "  name: www-config-tilt\n",
        "app.kubernetes.io/name: www-tilt",
        "- www.local.ameide.io",
        "sectionName: https-local",
        "- name: www-tilt port: 3000",
        "name: www-config-tilt - secretRef: name: www-auth ",
        "PUBLIC_URL: https://www.local.ameide.io",
        "mode: \"0755\"",
        "name: \"REDIS_PASSWORD\"",
        "name: \"redis-auth\"",
    ] {
        // Helm 4 re-indents (kyaml), so compare with whitespace collapsed.
        assert!(
            flat(m).contains(&flat(want)),
            "manifest lacks {want:?}:\n{m}"
        );
    }
    assert!(!m.contains("ExternalSecret"), "{m}");
    assert!(
        !m.contains("postrenderer.helm.sh/postrender-filename"),
        "Helm strips its annotation: {m}"
    );
}

#[test]
fn post_renderer_args_reach_the_binary() {
    let p = install("args");
    let o = helm(
        &p,
        "www-app",
        "combined",
        PLUGIN,
        &["--suffix", "-dev", "--listener", "https-dev"],
    );
    assert!(o.ok, "{}", o.error);
    assert!(o.manifest.contains("  name: www-dev\n"), "{}", o.manifest);
    assert!(
        o.manifest.contains("sectionName: https-dev"),
        "{}",
        o.manifest
    );
}

#[test]
fn hooks_per_strategy() {
    let p = install("strategies");
    for strategy in ["combined", "separate", "nohooks"] {
        clear_tee(&p);
        let o = helm(&p, "www-app", strategy, TEE, &[]);
        assert!(o.ok, "{strategy}: {}", o.error);
        assert!(
            o.manifest.contains("  name: www-tilt\n"),
            "{strategy}: {}",
            o.manifest
        );
        let sent = recorded(&p, "in-").join("\n---\n");
        let answered = recorded(&p, "out-").join("\n---\n");
        let hook_sent = sent.contains("helm.sh/hook");
        if strategy == "nohooks" {
            assert!(!hook_sent, "nohooks sent a hook:\n{sent}");
            assert!(!answered.contains("www-migrate"), "{answered}");
        } else {
            assert!(hook_sent, "{strategy}: Helm 4 should send hooks:\n{sent}");
            assert!(
                answered.contains("name: www-migrate-tilt"),
                "{strategy}: hook not renamed:\n{answered}"
            );
            assert!(
                answered.contains("name: www-config-tilt"),
                "{strategy}: hook's reference not followed"
            );
        }
        // Helm 4 sends its filename annotation, and we keep it for Helm to regroup.
        assert!(
            sent.contains("postrenderer.helm.sh/postrender-filename"),
            "{sent}"
        );
        assert_eq!(
            sent.matches("postrenderer.helm.sh/postrender-filename")
                .count()
                - sent.matches("kind: ExternalSecret").count(),
            answered
                .matches("postrenderer.helm.sh/postrender-filename")
                .count(),
            "{strategy}"
        );
    }
}

#[test]
fn two_components_reference_each_other() {
    let p = install("two");
    let o = helm(&p, "two-components", "combined", PLUGIN, &[]);
    assert!(o.ok, "{}", o.error);
    let m = &o.manifest;
    for want in [
        "serviceAccountName: www-api-tilt",
        "--api=http://www-api-tilt:8080",
        "--platform=http://platform.ameide.svc:8080",
        "component: api-tilt",
        "component: worker-tilt",
        "name: www-worker-tilt",
    ] {
        assert!(m.contains(want), "manifest lacks {want:?}:\n{m}");
    }
}

#[test]
fn empty_chart_passes_helms_empty_output_check() {
    let p = install("empty");
    clear_tee(&p);
    let o = helm(&p, "empty", "combined", TEE, &[]);
    assert!(o.ok, "{}", o.error);
    assert!(
        o.manifest.trim().trim_matches('-').trim().is_empty(),
        "{:?}",
        o.manifest
    );
    assert_eq!(recorded(&p, "out-"), vec!["---\n".to_string()]);
}

#[test]
fn everything_dropped_passes_helms_empty_output_check() {
    let p = install("dropped");
    clear_tee(&p);
    let o = helm(&p, "only-dropped", "combined", TEE, &[]);
    assert!(o.ok, "{}", o.error);
    assert!(
        recorded(&p, "in-")
            .concat()
            .contains("kind: ExternalSecret")
    );
    assert_eq!(recorded(&p, "out-"), vec!["---\n".to_string()]);
    assert!(!o.manifest.contains("ExternalSecret"), "{}", o.manifest);
}

#[test]
fn refusal_reason_reaches_the_caller() {
    let p = install("refused");
    let o = helm(&p, "refused", "combined", PLUGIN, &[]);
    assert!(!o.ok, "an unmapped host must be refused: {}", o.manifest);
    assert!(o.error.contains(PLUGIN), "{}", o.error);
    // Helm 4 drops the plugin's stderr; the reason must still be visible.
    let why = "hostname \"shop.example.com\" is not covered by the host map";
    assert!(
        o.stderr.contains(why),
        "not on the caller's stderr:\n{}",
        o.stderr
    );
    let log = std::fs::read_to_string(&p.log).expect("error log written");
    assert!(log.contains(why), "{log}");
    assert!(log.contains("--host-map"), "{log}");
}

#[test]
fn corpus_outputs_agree_with_pyyaml() {
    // Every corpus stream through the binary, then read by PyYAML (YAML 1.1, as the
    // Kubernetes decoder reads it): objects line up, no scalar changes type
    // (`0755`, `"yes"`), and every changed value moves towards the tilt copy.
    let corpus = common::corpus_dir();
    let out_dir = tmp().join(format!("oracle-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut pairs = Vec::new();
    for dir in [corpus.clone(), corpus.join("helm4")] {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.extension().is_none_or(|x| x != "yaml") {
                continue;
            }
            let out = out_dir.join(format!(
                "{}-{}",
                dir.file_name().unwrap().to_string_lossy(),
                p.file_name().unwrap().to_string_lossy()
            ));
            let result = Command::new(env!("CARGO_BIN_EXE_ameide-tilt-render"))
                .stdin(std::fs::File::open(&p).unwrap())
                .stdout(std::fs::File::create(&out).unwrap())
                .status()
                .unwrap();
            assert!(result.success(), "{}", p.display());
            pairs.push(p);
            pairs.push(out);
        }
    }
    assert!(
        pairs.len() >= 32,
        "expected 16 corpus streams, found {}",
        pairs.len() / 2
    );
    let out = Command::new(python())
        .arg(repo().join("tests/helm/yaml_oracle.py"))
        .args(["-tilt", "local.ameide.io", "https-local"])
        .args(&pairs)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "PyYAML disagrees:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every stream found (the corpus grows: 26 in shared/ as of this writing).
    let want = format!("{} streams compared, 0 problems", pairs.len() / 2);
    assert!(report.contains(&want), "{report}");
}

#[test]
fn a_partial_copy_of_a_corpus_chart_through_helm4() {
    // A chart that renders a corpus stream as it is (`.Files.Get`, so no `{{` in
    // it is read as a template), post-rendered by the plugin with `--fork`: Helm
    // accepts the smaller release, and it holds the chosen workload and what
    // exists for it, and no other workload.
    let p = install("fork");
    let chart = tmp().join(format!("fork-chart-{}", std::process::id()));
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::create_dir_all(chart.join("files")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: podinfo-stream\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::copy(
        common::corpus_dir().join("podinfo.yaml"),
        chart.join("files/stream.yaml"),
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/stream.yaml"),
        "{{ .Files.Get \"files/stream.yaml\" }}\n",
    )
    .unwrap();
    let o = helm(
        &p,
        chart.to_str().unwrap(),
        "combined",
        PLUGIN,
        &["--fork", "Deployment/apps-podinfo"],
    );
    assert!(o.ok, "{}", o.error);
    let m = &o.manifest;
    for want in [
        "  name: apps-podinfo-tilt\n",
        "kind: HorizontalPodAutoscaler",
        "kind: ServiceMonitor",
        "podinfo.local.ameide.io",
    ] {
        assert!(m.contains(want), "manifest lacks {want:?}:\n{m}");
    }
    // The Redis Deployment and the test Pods stay the baseline's; the copy uses
    // Redis by its baseline name.
    assert!(!m.contains("name: apps-podinfo-redis-tilt"), "{m}");
    assert!(m.contains("apps-podinfo-redis"), "{m}");
    assert_eq!(m.matches("\nkind: Deployment\n").count(), 1, "{m}");
    assert!(!m.contains("kind: Pod\n"), "{m}");
}
