//! The binary's contract: stdin → stdout, exit codes, stderr text, and the
//! precedence flag > environment > config file > default.

mod common;
use assert_cmd::Command;
use std::fs;

const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
const ROUTE: &str = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  parentRefs:\n    - name: gw\n  hostnames:\n    - www.dev.ameide.io\n";

fn bin() -> Command {
    let mut c = Command::cargo_bin("ameide-tilt-render").unwrap();
    c.env_clear();
    c
}

fn run(cmd: &mut Command, input: &str) -> (i32, String, String) {
    let out = cmd.write_stdin(input.to_string()).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn filters_stdin_to_stdout() {
    let (code, out, err) = run(&mut bin(), SVC);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, SVC.replace("name: web", "name: web-tilt"));
}

#[test]
fn suffix_precedence_is_flag_then_env_then_file_then_default() {
    let dir = tempdir();
    let cfg = dir.join("c.yaml");
    fs::write(&cfg, "suffix: -file\n").unwrap();
    let name = |cmd: &mut Command| {
        let (code, out, err) = run(cmd, SVC);
        assert_eq!(code, 0, "{err}");
        out.lines()
            .find(|l| l.contains("name:"))
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(name(&mut bin()), "name: web-tilt");
    assert_eq!(name(bin().arg("--config").arg(&cfg)), "name: web-file");
    assert_eq!(
        name(
            bin()
                .arg("--config")
                .arg(&cfg)
                .env("AMEIDE_TILT_SUFFIX", "-env")
        ),
        "name: web-env"
    );
    assert_eq!(
        name(
            bin()
                .arg("--config")
                .arg(&cfg)
                .env("AMEIDE_TILT_SUFFIX", "-env")
                .args(["--suffix", "-flag"])
        ),
        "name: web-flag"
    );
    // The config file itself can come from the environment.
    assert_eq!(
        name(bin().env("AMEIDE_TILT_CONFIG", &cfg)),
        "name: web-file"
    );
}

#[test]
fn list_and_boolean_settings_from_env_and_file() {
    let dir = tempdir();
    let cfg = dir.join("c.yaml");
    fs::write(
        &cfg,
        "host_map: [dev.ameide.io=file.test]\nlistener: from-file\n",
    )
    .unwrap();
    let (code, out, err) = run(bin().arg("--config").arg(&cfg), ROUTE);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("- www.file.test"), "{out}");
    assert!(out.contains("sectionName: \"from-file\""), "{out}");
    let (code, out, _) = run(
        bin()
            .arg("--config")
            .arg(&cfg)
            .env(
                "AMEIDE_TILT_HOST_MAP",
                "x.test=y.test,dev.ameide.io=env.test",
            )
            .env("AMEIDE_TILT_LISTENER", "from-env"),
        ROUTE,
    );
    assert_eq!(code, 0);
    assert!(out.contains("- www.env.test"), "{out}");
    assert!(out.contains("sectionName: \"from-env\""), "{out}");
    // The host map may also be written as a mapping.
    fs::write(&cfg, "host_map:\n  dev.ameide.io: map.test\n").unwrap();
    let (code, out, err) = run(bin().arg("--config").arg(&cfg), ROUTE);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("- www.map.test"), "{out}");
    // A boolean from the file, overridden by the environment saying false.
    fs::write(&cfg, "no_redis: true\n").unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      env:\n        - name: REDIS_HOST\n          value: r\n";
    let (_, out, _) = run(bin().arg("--config").arg(&cfg), pod);
    assert!(!out.contains("REDIS_PASSWORD"), "{out}");
    let (_, out, _) = run(
        bin()
            .arg("--config")
            .arg(&cfg)
            .env("AMEIDE_TILT_NO_REDIS", "false"),
        pod,
    );
    assert!(out.contains("REDIS_PASSWORD"), "{out}");
    // A flag says false too (`--no-redis=false`), and a bare flag says true
    // without taking the next word as its value.
    let (_, out, _) = run(bin().arg("--config").arg(&cfg).arg("--no-redis=false"), pod);
    assert!(out.contains("REDIS_PASSWORD"), "{out}");
    let (code, out, err) = run(bin().args(["--no-redis", "check"]), pod);
    assert_eq!(code, 1, "{err}");
    assert!(!out.contains("rule 6"), "{out}");
}

#[test]
fn usage_errors_exit_2_with_nothing_on_stdout() {
    for args in [
        vec!["--bogus"],
        vec!["--suffix", "-UPPER"],
        vec!["--host-map", "no-equals-sign"],
        vec!["--redis-secret", "no-key"],
        vec!["--config", "/nonexistent/file.yaml"],
        // Several copies need a baseline to be checked beside.
        vec!["check", "a.yaml", "b.yaml"],
        vec![
            "check",
            "--baseline",
            "/nonexistent/base.yaml",
            "/nonexistent/copy.yaml",
        ],
    ] {
        let (code, out, err) = run(bin().args(&args), SVC);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?} wrote to stdout");
        assert!(!err.is_empty(), "{args:?} said nothing");
    }
}

#[test]
fn bad_config_file_names_file_and_line() {
    let dir = tempdir();
    let cfg = dir.join("c.yaml");
    // (file, line and key, what the message must say): an unknown key, a wrong
    // type, an unknown reference field, a reference whose path does not read, a
    // reference shape that says which keys it needs but not which holds the name,
    // an unknown shape field, a group default that is neither a group nor a
    // mapping, values the settings refuse.
    for (text, at, says) in [
        (
            "suffix: -x\nsufix: -typo\n",
            "line 2",
            "unknown key `sufix`",
        ),
        (
            "suffix: -x\nno_redis: maybe\n",
            "line 2 at no_redis",
            "invalid boolean",
        ),
        (
            "references:\n  - kind: A\n    path: a.b\n    target: Secret\n    tagret: x\n",
            "line 5 at references",
            "unknown field `tagret`",
        ),
        (
            "suffix: -x\nreferences:\n  - {kind: A, path: a..b, target: Secret}\n",
            "line 3 at references",
            "empty key in path",
        ),
        (
            "reference_shapes:\n  - {key: passwordSecret, target: Secret, requires: [password]}\n",
            "line 2 at reference_shapes",
            "needs `name`",
        ),
        (
            "reference_shapes:\n  - key: passwordSecret\n    target: Secret\n    nmae: secretName\n",
            "line 4 at reference_shapes",
            "unknown field `nmae`",
        ),
        (
            "references:\n  - {kind: A, path: a.b, target: Secret, group_default: x}\n",
            "line 2 at references",
            "group_default needs a <key>",
        ),
        (
            "references:\n  - {kind: A, path: a.b, target: <kind>, group_default: [x]}\n",
            "line 2 at references",
            "an API group, or a mapping of kinds to API groups",
        ),
        (
            "# the copy's settings\nlistener: \"\"\n",
            "line 2 at listener",
            "must not be empty",
        ),
        (
            "host_map:\n  - dev.ameide.io=local.ameide.io\n  - example.com\n",
            "line 1 at host_map",
            "\"example.com\" is not FROM=TO",
        ),
    ] {
        fs::write(&cfg, text).unwrap();
        let (code, out, err) = run(bin().arg("--config").arg(&cfg), SVC);
        assert_eq!(code, 2, "{text}: {err}");
        assert!(out.is_empty());
        let at = format!("config file {} {at}: ", cfg.display());
        assert!(err.contains(&at) && err.contains(says), "{text}: {err}");
        // The file, the line and the key once each; the parser's own position
        // is not repeated.
        let message = err.lines().next().unwrap();
        assert_eq!(message.matches("line ").count(), 1, "{message}");
        assert_eq!(message.matches(&*cfg.display().to_string()).count(), 1);
        assert!(!message.contains("column"), "{message}");
    }
}

/// A mistyped key is named once, with the key it seems to mean; renaming it as
/// the fix says makes the file one the binary accepts.
#[test]
fn config_key_typo_says_did_you_mean_and_the_fix_works() {
    let dir = tempdir();
    let cfg = dir.join("c.yaml");
    let shown = cfg.display().to_string();
    for (typo, key) in [
        ("hostmap", "host_map"),
        ("host-map", "host_map"),
        ("sufix", "suffix"),
        ("no_strng_refs", "no_string_refs"),
    ] {
        let value = if key == "host_map" {
            "[dev.ameide.io=alice.local.ameide.io]"
        } else if key == "suffix" {
            "-dev"
        } else {
            "true"
        };
        fs::write(&cfg, format!("listener: https-local\n{typo}: {value}\n")).unwrap();
        let (code, out, err) = run(bin().arg("--config").arg(&cfg), ROUTE);
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        assert_eq!(
            err,
            format!(
                "ameide-tilt-render: error: config file {shown} line 2: unknown key `{typo}`; did you mean `{key}`?\n  fix: in {shown}, rename `{typo}` to `{key}`\n"
            )
        );
        fs::write(&cfg, format!("listener: https-local\n{key}: {value}\n")).unwrap();
        let (code, _, err) = run(bin().arg("--config").arg(&cfg), ROUTE);
        assert_eq!(code, 0, "{err}");
    }
    // A key nothing is near: the keys there are.
    fs::write(&cfg, "colour: blue\n").unwrap();
    let (code, _, err) = run(bin().arg("--config").arg(&cfg), SVC);
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!(
            "ameide-tilt-render: error: config file {shown} line 1: unknown key `colour`\n  fix: in {shown}, use one of the keys suffix, host_map, listener,"
        )),
        "{err}"
    );
    fs::remove_dir_all(dir).unwrap();
}

/// A value the file gives is refused with the file, its line and key, and a fix
/// that edits the file, not a flag.
#[test]
fn config_value_errors_name_the_file_and_key_not_a_flag() {
    let dir = tempdir();
    let cfg = dir.join("c.yaml");
    let shown = cfg.display().to_string();
    for (text, says, fix) in [
        (
            "suffix: tilt\n",
            "line 1 at suffix: \"tilt\" must start with `-`: it is appended to every name (`web` would become `webtilt`)",
            "write `suffix: -tilt`",
        ),
        (
            "listener: https-local\nhost_map: [example.com]\n",
            "line 2 at host_map: \"example.com\" is not FROM=TO with two different lowercase domain names",
            "write the entry as `example.com=local.example.com`",
        ),
        (
            "redis_secret: redis-auth\n",
            "line 1 at redis_secret: \"redis-auth\" is not NAME/KEY",
            "write `redis_secret: redis-auth/password` (NAME/KEY)",
        ),
    ] {
        fs::write(&cfg, text).unwrap();
        let (code, out, err) = run(bin().arg("--config").arg(&cfg), SVC);
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        assert_eq!(
            err,
            format!(
                "ameide-tilt-render: error: config file {shown} {says}\n  fix: in {shown}, {fix}\n"
            )
        );
    }
    // The same value from a flag names the flag.
    let (code, _, err) = run(bin().args(["--suffix", "tilt"]), SVC);
    assert_eq!(code, 2);
    assert!(err.ends_with("\n  fix: --suffix -tilt\n"), "{err}");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn input_errors_exit_1_name_document_and_never_print_secret_values() {
    let input = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: TOPSECRET\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  hostnames: [a.example.com]\n";
    let (code, out, err) = run(bin().arg("-v"), input);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("document 2 (HTTPRoute/r) line 13"), "{err}");
    assert!(err.contains("--host-map"), "{err}");
    assert!(!err.contains("TOPSECRET"), "{err}");
}

#[test]
fn verbose_report_never_prints_secret_values() {
    let input = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  url: http://web:80/TOPSECRET\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
    let (code, _, err) = run(bin().arg("-v"), input);
    assert_eq!(code, 0);
    assert!(
        err.contains(
            "document 2 (Service/web) line 11 at metadata.name: `web` -> `web-tilt` (rename)\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("document 1 (Secret/s) line 6 at stringData.url: a hidden value changed (not shown) (string-ref)\n"),
        "{err}"
    );
    assert!(!err.contains("TOPSECRET"), "{err}");
}

#[test]
fn invalid_utf8_and_nul_are_input_errors() {
    for input in [
        &b"apiVersion: v1\nkind: \xff\n"[..],
        &b"apiVersion: v1\n\0kind: x\n"[..],
    ] {
        let out = bin().write_stdin(input.to_vec()).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("line "));
    }
}

#[test]
fn help_and_version() {
    let (code, out, _) = run(bin().arg("--help"), "");
    assert_eq!(code, 0);
    for flag in [
        "--suffix",
        "--host-map",
        "--listener",
        "--drop-kind",
        "--redis-secret",
        "--redis-env",
        "--no-redis",
        "--no-string-refs",
        "--strict-names",
        "--config",
        "AMEIDE_TILT_SUFFIX",
    ] {
        assert!(out.contains(flag), "--help lacks {flag}");
    }
    let (code, out, _) = run(bin().arg("--version"), "");
    assert_eq!(code, 0);
    assert!(out.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn helm3_exec_contract_one_arg_per_post_renderer_args() {
    // Helm 3 runs the binary with each --post-renderer-args value as one argv
    // element (no shell) and pipes `---\n# Source: …\n` documents.
    let input = format!(
        "---\n# Source: web/templates/svc.yaml\n{SVC}---\n# Source: web/templates/route.yaml\n{ROUTE}"
    );
    let (code, out, err) = run(
        bin().args(["--suffix", "-dev", "--listener", "https-dev"]),
        &input,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("---\n# Source: web/templates/svc.yaml\n"));
    assert!(out.contains("# Source: web/templates/route.yaml"));
    assert!(out.contains("name: web-dev"));
    assert!(out.contains("sectionName: \"https-dev\""));
}

/// `--generate` prints clap's man page and completions: each names every long
/// flag of `--help`, and the bash script is one bash can read.
#[test]
fn generate_man_page_and_completions() {
    let (_, help, _) = run(bin().arg("--help"), "");
    let flags: Vec<&str> = help
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("--"))
        // `--strict[=<BOOL>]`: the flag's name.
        .map(|w| {
            w.split('[')
                .next()
                .unwrap_or(w)
                .trim_end_matches([',', '.'])
        })
        .filter(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    assert!(flags.len() >= 14, "{flags:?}");
    let (code, man, err) = run(bin().args(["--generate", "man"]), "");
    assert_eq!(code, 0, "{err}");
    assert!(
        man.starts_with(".ie") && man.contains(".TH ameide-tilt-render 1"),
        "{man}"
    );
    for flag in &flags {
        // roff escapes the dashes of a flag (`\-\-host\-map`).
        let roff = format!("--{flag}").replace('-', "\\-");
        assert!(man.contains(&roff), "man page lacks --{flag}");
    }
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, err) = run(bin().args(["--generate", &format!("complete-{shell}")]), "");
        assert_eq!(code, 0, "{shell}: {err}");
        for flag in &flags {
            assert!(script.contains(flag), "{shell} completion lacks --{flag}");
        }
        assert!(
            script.contains("check") && script.contains("diff"),
            "{shell}"
        );
        if shell == "bash" {
            let dir = tempdir();
            let file = dir.join("complete.bash");
            fs::write(&file, &script).unwrap();
            let ok = std::process::Command::new("bash")
                .arg("-n")
                .arg(&file)
                .status()
                .unwrap();
            assert!(ok.success(), "bash cannot read the completion script");
            fs::remove_dir_all(dir).unwrap();
        }
    }
    let (code, out, err) = run(bin().args(["--generate", "complete-tcsh"]), "");
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("complete-elvish"), "{err}");
}

/// `check --format json` holds what the lines say: on every corpus stream as
/// Helm renders it (the baseline, so `check` finds plenty), the same exit code,
/// one finding per line with the line's message, and the copy's checks against
/// the baseline the same way.
#[test]
fn check_json_holds_the_same_findings_as_the_lines() {
    let mut findings = 0;
    for path in common::corpus_files() {
        let name = path.display().to_string();
        let input = fs::read_to_string(&path).unwrap();
        let (code, lines, _) = run(bin().arg("check"), &input);
        let (jcode, json, err) = run(bin().args(["check", "--format", "json"]), &input);
        assert_eq!(code, jcode, "{name}: {err}");
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        let found = doc["findings"].as_array().unwrap();
        assert_eq!(found.len(), lines.lines().count(), "{name}");
        assert_eq!(doc["ok"], code == 0, "{name}");
        for (f, line) in found.iter().zip(lines.lines()) {
            let message = f["message"].as_str().unwrap();
            let message = message.strip_suffix(')').unwrap_or(message);
            assert!(line.contains(message), "{name}: {line} / {f}");
            // The note on the settings a copy was made with has no place.
            if line.starts_with("note: ") {
                assert_eq!(f["severity"], "note", "{name}: {line}");
                continue;
            }
            let at = format!("document {} ", f["document"]);
            assert!(line.starts_with(&at), "{name}: {line} / {f}");
            assert_eq!(f["severity"], "violation");
        }
        findings += found.len();

        let (_, copy, _) = run(&mut bin(), &input);
        let dir = tempdir();
        fs::write(dir.join("baseline.yaml"), &input).unwrap();
        let (code, lines, _) = run(
            bin()
                .current_dir(&dir)
                .args(["check", "--baseline", "baseline.yaml"]),
            &copy,
        );
        let (jcode, json, err) = run(
            bin().current_dir(&dir).args([
                "check",
                "--baseline",
                "baseline.yaml",
                "--format",
                "json",
            ]),
            &copy,
        );
        fs::remove_dir_all(dir).unwrap();
        assert_eq!(code, jcode, "{name}: {err}");
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        let found = doc["findings"].as_array().unwrap();
        assert_eq!(found.len(), lines.lines().count(), "{name}");
        for (f, line) in found.iter().zip(lines.lines()) {
            assert!(
                line.contains(f["message"].as_str().unwrap()),
                "{name}: {line} / {f}"
            );
            let note = !line.starts_with("collision: ");
            assert_eq!(
                f["severity"],
                if note { "note" } else { "collision" },
                "{name}: {line}"
            );
        }
        findings += found.len();
    }
    assert!(findings > 100, "only {findings} findings over the corpus");
}

/// A Secret whose value the filter would rewrite is a finding; its value is in
/// neither the lines nor the JSON.
#[test]
fn check_json_never_prints_a_secret_value() {
    let input = format!(
        "{SVC}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: web-creds\nstringData:\n  url: http://S3CRET:pw@web:8080/x\n  REDIS_PASSWORD: S3CRET\n"
    );
    for format in ["text", "json"] {
        let (code, out, err) = run(bin().args(["check", "--format", format]), &input);
        assert_eq!(code, 1, "{err}");
        assert!(
            out.contains("web-creds") && out.contains("not shown"),
            "{format}: {out}"
        );
        assert!(
            !out.contains("S3CRET") && !err.contains("S3CRET"),
            "{format}: {out}{err}"
        );
    }
}

/// A reader that stops early (`… | head`) has what it wanted: exit 0, no
/// message. The binary's stdout is a pipe this test closes after 16 bytes.
#[test]
fn a_closed_pipe_exits_0_quietly() {
    let big: String = (0..3_000)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n"))
        .collect();
    let dir = tempdir();
    fs::write(dir.join("in.yaml"), big).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("ameide-tilt-render");
    let mut child = std::process::Command::new(&bin)
        .stdin(fs::File::open(dir.join("in.yaml")).unwrap())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .env_clear()
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    fs::remove_dir_all(dir).unwrap();
}

/// The example config file of docs/configuration.md is one the binary accepts, and its
/// `operator_objects:` entry does what the comment says.
#[test]
fn documented_config_example_is_accepted() {
    let readme = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/configuration.md"
    ))
    .unwrap();
    let start = readme
        .find("## Config file\n\n```yaml\n")
        .expect("docs/configuration.md has the section")
        + "## Config file\n\n```yaml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let dir = tempdir();
    let cfg = dir.join("tilt-render.yaml");
    fs::write(&cfg, &readme[start..end]).unwrap();
    let input = "apiVersion: db.example.com/v1\nkind: Database\nmetadata:\n  name: orders\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DB_HOST: orders-primary\n";
    let (code, out, err) = run(bin().arg("--config").arg(&cfg), input);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("DB_HOST: orders-tilt-primary"), "{out}");
    fs::remove_dir_all(dir).unwrap();
}

/// `diff`'s hunk headers name the document (and object) of their first
/// changed line, numbered as `check` and error messages number documents.
#[test]
fn diff_hunk_headers_name_the_document() {
    let ports: String = (0..8).map(|i| format!("    - port: 8{i}\n")).collect();
    let input = format!(
        "{SVC}spec:\n  ports:\n{ports}---\n# a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  URL: http://web:80\n"
    );
    let (code, out, err) = run(bin().arg("diff"), &input);
    assert_eq!(code, 0, "{err}");
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("@@")).collect();
    assert_eq!(
        headers,
        [
            "@@ -1,7 +1,7 @@ document 1 (Service/web)",
            "@@ -18,6 +18,6 @@ document 3 (ConfigMap/app)",
        ],
        "{out}"
    );
}

/// A Secret value the filter rewrote is a changed line (`<redacted>` against
/// `<redacted, changed>`); one it left alone is `<redacted>` context.
#[test]
fn diff_marks_a_changed_secret_value() {
    let ports: String = (0..8).map(|i| format!("    - port: 8{i}\n")).collect();
    let input = format!(
        "{SVC}spec:\n  ports:\n{ports}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  url: http://web:80/?token=S3CRET\n  pw: S3CRET\ndata:\n  URL: aHR0cDovL3dlYjo4MC8=\n"
    );
    let (code, out, err) = run(bin().arg("diff"), &input);
    assert_eq!(code, 0, "{err}");
    let secret_hunk: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.ends_with("document 2 (Secret/creds)"))
        .collect();
    assert_eq!(
        secret_hunk,
        [
            "@@ -16,9 +16,9 @@ document 2 (Secret/creds)",
            " apiVersion: v1",
            " kind: Secret",
            " metadata:",
            "-  name: creds",
            "+  name: creds-tilt",
            " stringData:",
            "-  url: <redacted>",
            "+  url: <redacted, changed>",
            "   pw: <redacted>",
            " data:",
            "-  URL: <redacted>",
            "+  URL: <redacted, changed>",
        ],
        "{out}"
    );
    assert!(!out.contains("S3CRET") && !err.contains("S3CRET"), "{out}");
}

/// A URL's password and the value of an env var named like a secret are
/// redacted; `KEYCLOAK_URL` and `REDIS_HOST` are no secrets, and a password
/// file's path shows.
#[test]
fn diff_redacts_url_passwords_and_secret_env_values() {
    let input = format!(
        "{SVC}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: DATABASE_URL\n              value: postgres://app:hunter2@web:5432/app\n            - name: DB_PASSWORD\n              value: hunter3\n            - {{name: apiKey, value: hunter4}}\n            - name: KEYCLOAK_URL\n              value: http://web:80\n            - name: REDIS_HOST\n              value: web\n            - name: POSTGRES_PASSWORD_FILE\n              value: /run/secrets/pw\n"
    );
    let (code, out, err) = run(bin().args(["diff", "--no-redis"]), &input);
    assert_eq!(code, 0, "{err}");
    let env: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.contains("- name: DATABASE_URL"))
        .collect();
    assert_eq!(
        env,
        [
            "             - name: DATABASE_URL",
            "-              value: postgres://app:<redacted>@web:5432/app",
            "+              value: postgres://app:<redacted>@web-tilt:5432/app",
            "             - name: DB_PASSWORD",
            "               value: <redacted>",
            "             - {name: apiKey, value: <redacted>}",
            "             - name: KEYCLOAK_URL",
            "-              value: http://web:80",
            "+              value: http://web-tilt:80",
            "             - name: REDIS_HOST",
            "-              value: web",
            "+              value: web-tilt",
            "             - name: POSTGRES_PASSWORD_FILE",
            "               value: /run/secrets/pw",
        ],
        "{out}"
    );
    for secret in ["hunter2", "hunter3", "hunter4"] {
        assert!(!out.contains(secret), "{secret}: {out}");
    }
    // A ConfigMap's key becomes an env var through `envFrom`: one that says
    // secret hides its value, changed or not; the others show.
    let cm = format!(
        "{SVC}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: env\ndata:\n  DB_PASSWORD: hunter5-web\n  DB_URL: postgres://web:5432/app\n"
    );
    let (code, out, err) = run(bin().args(["diff"]), &cm);
    assert_eq!(code, 0, "{err}");
    let data: Vec<&str> = out.lines().skip_while(|l| *l != " data:").collect();
    assert_eq!(
        data,
        [
            " data:",
            "   DB_PASSWORD: <redacted>",
            "-  DB_URL: postgres://web:5432/app",
            "+  DB_URL: postgres://web-tilt:5432/app",
        ],
        "{out}"
    );
}

/// `diff --stat`: one line per changed document, redacted values counted as
/// the lines they show as, and a summary.
#[test]
fn diff_stat_counts_changed_lines_per_document() {
    let input = format!(
        "{SVC}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  url: http://web:80/?token=S3CRET\n  pw: S3CRET\n---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: creds\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same-tilt\n"
    );
    let (code, out, err) = run(bin().args(["diff", "--stat"]), &input);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        concat!(
            " document 1 (Service/web)          | 2 +-\n",
            " document 2 (Secret/creds)         | 4 ++--\n",
            " document 3 (ExternalSecret/creds) | 5 -----\n",
            " 3 documents changed, 3 insertions(+), 8 deletions(-)\n",
        )
    );
    let (code, out, _) = run(
        bin().args(["diff", "--stat"]),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-tilt\n",
    );
    assert_eq!((code, out.as_str()), (0, ""));
}

/// The values of every Secret's `data` and `stringData` in a stream, read line
/// by line as the corpus writes them (block mappings; a value on its key's line
/// or a block scalar below it), as written and, for `data`, decoded; and the
/// stream's other lines.
fn secret_values(stream: &str) -> (Vec<String>, String) {
    let (mut values, mut elsewhere) = (Vec::new(), String::new());
    for doc in stream.split("\n---") {
        let secret = doc.lines().any(|l| l.trim_end() == "kind: Secret");
        let mut section: Option<&str> = None;
        let mut block: Option<(bool, String)> = None;
        for line in doc.lines() {
            if !line.starts_with(' ') {
                section = ["data:", "stringData:"]
                    .into_iter()
                    .find(|s| secret && line.trim_end() == *s);
                values.extend(
                    block
                        .take()
                        .map(|(data, v)| decoded(data, &v))
                        .into_iter()
                        .flatten(),
                );
                if section.is_none() {
                    elsewhere.push_str(line);
                    elsewhere.push('\n');
                }
                continue;
            }
            let Some(sec) = section else {
                elsewhere.push_str(line);
                elsewhere.push('\n');
                continue;
            };
            let data = sec == "data:";
            if let Some((_, v)) = block.as_mut().filter(|_| line.starts_with("    ")) {
                v.push_str(line.trim());
                v.push('\n');
                continue;
            }
            values.extend(
                block
                    .take()
                    .map(|(data, v)| decoded(data, &v))
                    .into_iter()
                    .flatten(),
            );
            let value = line.split_once(": ").map_or("", |(_, v)| v.trim());
            if value.starts_with(['|', '>']) {
                block = Some((data, String::new()));
            } else {
                values.extend(decoded(data, value.trim_matches(['"', '\''])));
            }
        }
        values.extend(
            block
                .take()
                .map(|(data, v)| decoded(data, &v))
                .into_iter()
                .flatten(),
        );
    }
    (values, elsewhere)
}

/// A value as written, and decoded when it is `data` (base64), with each line
/// of a decoded text of more than one line.
fn decoded(data: bool, value: &str) -> Vec<String> {
    let mut out = vec![value.trim_end().to_string()];
    let text = data
        .then(|| ameide_tilt_render::k8s::base64::base64_text(value.trim()))
        .flatten();
    if let Some(text) = text {
        out.extend(
            text.lines()
                .filter(|l| l.trim().len() >= 16)
                .map(|l| l.trim().to_string()),
        );
        out.push(text);
    }
    out
}

/// The passwords of the URLs in `text` (`scheme://user:PASSWORD@host`), but
/// variables (`$(DB_PASSWORD)`), which are no values.
fn url_passwords(text: &str) -> Vec<String> {
    text.match_indices("://")
        .filter_map(|(at, _)| {
            let rest = &text[at + 3..];
            let authority = rest.split(['/', ' ', '"', '\n', '?', '#']).next()?;
            let info = &authority[..authority.rfind('@')?];
            let password = info.split_once(':')?.1;
            (!password.is_empty() && !password.starts_with('$')).then(|| password.to_string())
        })
        .collect()
}

/// `stream` with every one-line Secret value made to name the stream's first
/// Service, by URL with a password (`data` decoded, extended, encoded again),
/// so the filter rewrites each and `diff` shows each line as changed; and how
/// many it changed. None without a Service.
fn with_secret_values_changed(stream: &str) -> Option<(String, usize)> {
    use ameide_tilt_render::k8s::base64::{base64_encode, base64_text};
    let service = stream
        .split("\n---")
        .filter(|doc| doc.lines().any(|l| l.trim_end() == "kind: Service"))
        .find_map(|doc| doc.lines().find_map(|l| l.strip_prefix("  name: ")))?
        .trim()
        .trim_matches('"')
        .to_string();
    let (mut out, mut changed) = (String::new(), 0);
    for (i, doc) in stream.split_inclusive("\n---").enumerate() {
        let secret = doc.lines().any(|l| l.trim_end() == "kind: Secret");
        let mut section = None;
        for line in doc.split_inclusive('\n') {
            if !line.starts_with(' ') {
                section = ["data:", "stringData:"]
                    .into_iter()
                    .find(|s| secret && line.trim_end() == *s);
            }
            let pair = line
                .strip_prefix("  ")
                .and_then(|l| l.trim_end().split_once(": "));
            let Some((key, value)) = pair.filter(|(k, v)| {
                section.is_some() && !k.starts_with(' ') && !v.starts_with(['|', '>'])
            }) else {
                out.push_str(line);
                continue;
            };
            let url = format!(" postgres://app:S3cret-{i}-{changed}@{service}:5432/db");
            let value = value.trim_matches(['"', '\'']);
            let new = if section == Some("data:") {
                base64_encode(format!("{}{url}", base64_text(value).unwrap_or_default()).as_bytes())
            } else {
                format!("{value}{url}")
            };
            out.push_str(&format!("  {key}: \"{new}\"\n"));
            changed += 1;
        }
    }
    (changed > 0).then_some((out, changed))
}

/// `diff`, `diff --stat`, `-vv`, `check` (of the input and of its copy, as text
/// and as JSON) and `check --baseline` of `input` show no Secret value of the
/// input or of the copy (as written, decoded, and each long line of a decoded
/// text) and no URL password, but where the same text stands in the stream
/// outside every Secret value (a name, a placeholder), where an output may show
/// it as itself. Returns how many (value, output) pairs it checked, and how many
/// values `diff` marks changed.
fn assert_outputs_hide_secrets(name: &str, input: &str) -> (usize, usize) {
    let (_, copy, _) = run(&mut bin(), input);
    let (mut values, elsewhere) = secret_values(input);
    let (copy_values, copy_elsewhere) = secret_values(&copy);
    values.extend(copy_values);
    let mut urls = url_passwords(input);
    urls.extend(url_passwords(&copy));
    urls.extend(values.iter().flat_map(|v| url_passwords(v)));
    let values: Vec<&String> = values
        .iter()
        .filter(|v| v.len() >= 4 && !elsewhere.contains(v.as_str()))
        .filter(|v| !copy_elsewhere.contains(v.as_str()))
        .collect();
    let dir = tempdir();
    let (base, tilt) = (dir.join("baseline.yaml"), dir.join("copy.yaml"));
    fs::write(&base, input).unwrap();
    fs::write(&tilt, &copy).unwrap();
    let (mut changed, mut outputs) = (0, 0);
    let commands: [(&[&str], &str); 8] = [
        (&["diff"], input),
        (&["diff", "--stat"], input),
        (&["-vv"], input),
        (&["check"], input),
        (&["check", "--format", "json"], input),
        (&["check"], &copy),
        (&["check", "--format", "json"], &copy),
        (&["check", "--baseline"], ""),
    ];
    for (args, stdin) in commands {
        let mut cmd = bin();
        cmd.args(args);
        if stdin.is_empty() {
            cmd.arg(&base).arg(&tilt);
        }
        let (code, out, err) = run(&mut cmd, stdin);
        assert!(
            code == 0 || code == 1,
            "{name} {args:?} exits {code}: {err}"
        );
        // `-vv` writes the copy itself on stdout: its report is stderr.
        let shown: &[(&str, &String)] = if args[0] == "-vv" {
            &[("stderr", &err)]
        } else {
            &[("stdout", &out), ("stderr", &err)]
        };
        for &(what, text) in shown {
            for v in &values {
                assert!(
                    !text.contains(v.as_str()),
                    "{name} {args:?} shows a Secret value on {what}"
                );
            }
            for p in &urls {
                assert!(
                    !text.contains(&format!(":{p}@")),
                    "{name} {args:?} shows a URL password on {what}"
                );
            }
        }
        if args[0] == "diff" {
            changed += out.matches("<redacted, changed>").count();
        }
        outputs += 1;
    }
    fs::remove_dir_all(dir).unwrap();
    (values.len() * outputs, changed)
}

/// Over every corpus stream, and the same stream with every Secret value
/// rewritten by the filter (so every value is a changed line of the diff and
/// an edit of `-vv`), no output shows a Secret value or a URL password.
#[test]
fn no_output_shows_a_secret_value_or_a_url_password() {
    let (mut checked, mut changed_streams) = (0, 0);
    for path in common::corpus_files() {
        let name = path.display().to_string();
        let input = fs::read_to_string(&path).unwrap();
        checked += assert_outputs_hide_secrets(&name, &input).0;
        let Some((variant, rewritten)) = with_secret_values_changed(&input) else {
            continue;
        };
        let (n, changed) =
            assert_outputs_hide_secrets(&format!("{name} (values changed)"), &variant);
        assert!(
            changed >= rewritten,
            "{name}: {changed} of {rewritten} values marked changed"
        );
        checked += n;
        changed_streams += 1;
    }
    assert!(
        changed_streams >= 6,
        "only {changed_streams} corpus streams hold Secrets"
    );
    assert!(
        checked > 4000,
        "only {checked} (Secret value, output) pairs checked over the corpus"
    );
}

/// A route with a host outside the default map and one inside it.
const SHOP_ROUTE: &str = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: shop\nspec:\n  hostnames:\n    - shop.example.com\n    - www.dev.ameide.io\n";

/// The `fix:` line of a failed run, without `  fix: `.
fn fix_of(err: &str) -> &str {
    err.lines()
        .find_map(|l| l.strip_prefix("  fix: "))
        .unwrap_or_else(|| panic!("no fix line: {err}"))
}

/// The unmapped host's fix names the entry (no placeholder), and following it
/// as written, as a flag, a variable or a config file entry, makes the run
/// succeed: the entry adds to the default map instead of replacing it.
#[test]
fn unmapped_host_fix_works_when_followed_as_written() {
    let (code, out, err) = run(&mut bin(), SHOP_ROUTE);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(
        err,
        "ameide-tilt-render: error: document 1 (HTTPRoute/shop) line 7: hostname \"shop.example.com\" is not covered by the host map (dev.ameide.io=local.ameide.io): keeping it would make the tilt route compete with the baseline for the same host\n  fix: add --host-map example.com=local.example.com (or that entry to host_map in the config file)\n"
    );
    let fix = fix_of(&err);
    let words: Vec<&str> = fix.split_whitespace().collect();
    assert_eq!(words[..2], ["add", "--host-map"], "{fix}");
    let entry = words[2];
    let hosts = |out: &str| -> Vec<String> {
        out.lines()
            .filter_map(|l| l.trim().strip_prefix("- "))
            .map(str::to_string)
            .collect()
    };
    let expected = ["shop.local.example.com", "www.local.ameide.io"];
    let (code, out, err) = run(bin().args(["--host-map", entry]), SHOP_ROUTE);
    assert_eq!(code, 0, "{err}");
    assert_eq!(hosts(&out), expected);
    let (code, out, err) = run(bin().env("AMEIDE_TILT_HOST_MAP", entry), SHOP_ROUTE);
    assert_eq!(code, 0, "{err}");
    assert_eq!(hosts(&out), expected);
    let dir = tempdir();
    let cfg = dir.join("c.yaml");
    fs::write(&cfg, format!("host_map:\n  - {entry}\n")).unwrap();
    let (code, out, err) = run(bin().arg("--config").arg(&cfg), SHOP_ROUTE);
    assert_eq!(code, 0, "{err}");
    assert_eq!(hosts(&out), expected);
    fs::remove_dir_all(dir).unwrap();
}

/// Three unmapped domains in two documents: one error names every place, and
/// its fix holds an entry for each domain, so following it once is enough (as
/// flags, or as config file entries).
#[test]
fn several_unmapped_domains_get_one_fix_that_works() {
    let input = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: shop\nspec:\n  hostnames:\n    - shop.example.com\n    - api.other.org\n    - www.dev.ameide.io\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: web.third.net\n";
    let (code, out, err) = run(&mut bin(), input);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(
        err,
        "ameide-tilt-render: error: document 1 (HTTPRoute/shop) line 7: hostname \"shop.example.com\" is not covered by the host map (dev.ameide.io=local.ameide.io): keeping it would make the tilt route compete with the baseline for the same host; nor are \"api.other.org\" (line 8), \"web.third.net\" (document 2 (Ingress/web) line 17)\n  fix: add --host-map example.com=local.example.com --host-map other.org=local.other.org --host-map third.net=local.third.net (or those entries to host_map in the config file)\n"
    );
    let fix = fix_of(&err);
    let entries: Vec<&str> = fix
        .split_whitespace()
        .skip_while(|w| *w != "--host-map")
        .collect::<Vec<_>>()
        .chunks(2)
        .take_while(|c| c[0] == "--host-map")
        .map(|c| c[1])
        .collect();
    assert_eq!(entries.len(), 3, "{fix}");
    let mut cmd = bin();
    for e in &entries {
        cmd.args(["--host-map", e]);
    }
    let (code, out, err) = run(&mut cmd, input);
    assert_eq!(code, 0, "{err}");
    for host in [
        "shop.local.example.com",
        "api.local.other.org",
        "www.local.ameide.io",
        "web.local.third.net",
    ] {
        assert!(out.contains(host), "{host} missing:\n{out}");
    }
    let dir = tempdir();
    let cfg = dir.join("c.yaml");
    let listed: String = entries.iter().map(|e| format!("  - {e}\n")).collect();
    fs::write(&cfg, format!("host_map:\n{listed}")).unwrap();
    let (code, _, err) = run(bin().arg("--config").arg(&cfg), input);
    assert_eq!(code, 0, "{err}");
    fs::remove_dir_all(dir).unwrap();
}

/// A host map entry for a new FROM adds to the map; one for a FROM already
/// mapped replaces that entry, whichever of the default, the file, the
/// environment and the flags it comes from (flag > environment > file >
/// default, per FROM).
#[test]
fn host_map_entries_add_or_replace_by_from() {
    let hosts = |cmd: &mut Command| -> Vec<String> {
        let (code, out, err) = run(cmd, SHOP_ROUTE);
        assert_eq!(code, 0, "{err}");
        out.lines()
            .filter_map(|l| l.trim().strip_prefix("- "))
            .map(str::to_string)
            .collect()
    };
    let shop = "example.com=local.example.com";
    // Per developer: the default's FROM, replaced.
    assert_eq!(
        hosts(bin().args([
            "--host-map",
            shop,
            "--host-map",
            "dev.ameide.io=alice.local.ameide.io"
        ])),
        ["shop.local.example.com", "www.alice.local.ameide.io"]
    );
    // The environment's entry stays beside a flag for another FROM, and a flag
    // for the same FROM wins over it.
    assert_eq!(
        hosts(
            bin()
                .env(
                    "AMEIDE_TILT_HOST_MAP",
                    "dev.ameide.io=alice.local.ameide.io"
                )
                .args(["--host-map", shop])
        ),
        ["shop.local.example.com", "www.alice.local.ameide.io"]
    );
    assert_eq!(
        hosts(
            bin()
                .env(
                    "AMEIDE_TILT_HOST_MAP",
                    format!("{shop},dev.ameide.io=alice.local.ameide.io")
                )
                .args(["--host-map", "dev.ameide.io=bob.local.ameide.io"])
        ),
        ["shop.local.example.com", "www.bob.local.ameide.io"]
    );
    // The file's entries stay beside the flags'.
    let dir = tempdir();
    let cfg = dir.join("c.yaml");
    fs::write(&cfg, "host_map: {dev.ameide.io: carol.local.ameide.io}\n").unwrap();
    assert_eq!(
        hosts(bin().arg("--config").arg(&cfg).args(["--host-map", shop])),
        ["shop.local.example.com", "www.carol.local.ameide.io"]
    );
    fs::remove_dir_all(dir).unwrap();
}

/// The other fixes that name a flag work as written too: a suffix, a workload
/// to fork, the baseline of several copies.
#[test]
fn flag_fixes_work_when_followed_as_written() {
    let shop = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/shop/baseline.yaml"
    ))
    .unwrap();
    for (refused, says) in [
        (vec!["--suffix", "tilt"], "must start with `-`"),
        (vec!["--suffix", ".tilt"], "must not hold a `.`"),
        (vec!["--suffix", "-Tilt_Alice"], "must be lowercase"),
        (
            vec!["--suffix", "-tilt-"],
            "must end with a letter or digit",
        ),
        (vec!["--host-map", "example.com"], "is not FROM=TO"),
        (vec!["--fork", "wbe"], "no workload of the stream matches"),
    ] {
        let (code, out, err) = run(bin().args(&refused), &shop);
        assert!(code != 0 && out.is_empty(), "{refused:?}: {err}");
        assert!(err.contains(says), "{refused:?}: {err}");
        let fix = fix_of(&err);
        // `--flag VALUE`, maybe after a few words.
        let words: Vec<&str> = fix.split_whitespace().collect();
        let at = words.iter().position(|w| *w == refused[0]).expect(fix);
        let applied = [refused[0], words[at + 1]];
        let (code, _, err) = run(bin().args(applied), &shop);
        assert_eq!(code, 0, "{refused:?} → {applied:?}: {err}");
    }
    // `check a b`: the fix names the files.
    let dir = tempdir();
    fs::write(dir.join("base.yaml"), &shop).unwrap();
    let (_, copy, _) = run(&mut bin(), &shop);
    fs::write(dir.join("copy.yaml"), copy).unwrap();
    let (code, _, err) = run(
        bin()
            .current_dir(&dir)
            .args(["check", "base.yaml", "copy.yaml"]),
        "",
    );
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "ameide-tilt-render: error: check takes one FILE, not 2: several copies are checked beside their baseline\n  fix: if base.yaml is the baseline: check --baseline base.yaml copy.yaml\n"
    );
    let fix = fix_of(&err);
    let args: Vec<&str> = fix.split_once(": ").unwrap().1.split(' ').collect();
    let (code, _, err) = run(bin().current_dir(&dir).args(args), "");
    assert_eq!(code, 0, "{err}");
    fs::remove_dir_all(dir).unwrap();
}

/// No `fix:` line of any golden case holds a placeholder (`<its domain>`) or
/// an ellipsis where a value belongs.
#[test]
fn no_fix_line_holds_a_placeholder() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");
    let mut seen = 0;
    for case in fs::read_dir(root).unwrap().flatten() {
        for file in ["expected.stderr", "expected.stdout"] {
            let Ok(text) = fs::read_to_string(case.path().join(file)) else {
                continue;
            };
            for fix in text.split("fix: ").skip(1) {
                let fix = fix.lines().next().unwrap_or("");
                seen += 1;
                let placeholder = fix.split('<').skip(1).any(|s| {
                    s.split_once('>')
                        .is_some_and(|(w, _)| w.chars().all(|c| c.is_ascii_lowercase() || c == ' '))
                });
                assert!(
                    !placeholder && !fix.contains('…'),
                    "{}/{file}: {fix}",
                    case.path().display()
                );
            }
        }
    }
    assert!(seen > 20, "only {seen} fix lines");
}

/// `check` of a copy made with other settings says so once, after the
/// findings, with the flags that make the copy pass; in JSON it is the last
/// finding, a note. A baseline gets no such note.
#[test]
fn check_names_the_settings_a_copy_was_made_with() {
    let shop = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/shop/baseline.yaml"
    ))
    .unwrap();
    for (made_with, says, flags) in [
        (
            vec!["--suffix", "-dev"],
            "this looks like a copy made with other settings: 16 of its 16 distinct object names end with `-dev`, not `-tilt`; checked with --suffix -dev it has 0 findings, not 91",
            "--suffix -dev",
        ),
        (
            vec!["--host-map", "dev.ameide.io=dev.acme.io"],
            "this looks like a copy made with other settings: its hostnames are under `dev.acme.io`, which no host map entry targets (the map targets local.ameide.io); checked with --host-map dev.ameide.io=dev.acme.io it has 0 findings, not 3",
            "--host-map dev.ameide.io=dev.acme.io",
        ),
        (
            vec![
                "--suffix",
                "-tilt-alice",
                "--host-map",
                "dev.ameide.io=dev.acme.io",
            ],
            "this looks like a copy made with other settings: 16 of its 16 distinct object names end with `-tilt-alice`, not `-tilt`; its hostnames are under `dev.acme.io`, which no host map entry targets (the map targets local.ameide.io); checked with --suffix -tilt-alice --host-map dev.ameide.io=dev.acme.io it has 0 findings, not 85",
            "--suffix -tilt-alice --host-map dev.ameide.io=dev.acme.io",
        ),
    ] {
        let (code, copy, err) = run(bin().args(&made_with), &shop);
        assert_eq!(code, 0, "{err}");
        let (code, lines, _) = run(bin().arg("check"), &copy);
        assert_eq!(code, 1);
        let note = format!(
            "note: {says} (fix: check with the settings the copy was made with: {flags}, or its --config)"
        );
        assert_eq!(lines.lines().last(), Some(note.as_str()), "{made_with:?}");
        assert_eq!(lines.matches("note: ").count(), 1);
        let (_, json, _) = run(bin().args(["check", "--format", "json"]), &copy);
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        let found = doc["findings"].as_array().unwrap();
        assert_eq!(found.len(), lines.lines().count());
        let last = found.last().unwrap();
        assert_eq!(
            (&last["severity"], &last["category"], &last["message"]),
            (&"note".into(), &"settings".into(), &says.into())
        );
        // The fix, followed: the copy passes.
        let (code, _, err) = run(bin().arg("check").args(flags.split(' ')), &copy);
        assert_eq!(code, 0, "{made_with:?}: {err}");
    }
    // An entry added for a domain of the chart's own: the note names it.
    let (_, copy, _) = run(
        bin().args(["--host-map", "example.com=local.example.com"]),
        SHOP_ROUTE,
    );
    let (code, lines, _) = run(bin().arg("check"), &copy);
    assert_eq!(code, 1);
    assert!(
        lines.ends_with("(fix: check with the settings the copy was made with: --host-map example.com=local.example.com, or its --config)\n"),
        "{lines}"
    );
    // A baseline checked by mistake has findings, but no evidence of settings.
    let (code, lines, _) = run(bin().arg("check"), &shop);
    assert_eq!(code, 1);
    assert!(!lines.contains("note: "), "{lines}");
}

/// The filter reads FILE instead of stdin; `-` is stdin. Helm gives no
/// argument, and then it is stdin.
#[test]
fn filter_reads_a_file_argument_and_dash_is_stdin() {
    let dir = tempdir();
    let file = dir.join("in.yaml");
    fs::write(&file, SVC).unwrap();
    let expected = SVC.replace("name: web", "name: web-tilt");
    let (code, out, err) = run(bin().arg(&file), "");
    assert_eq!((code, out.as_str()), (0, expected.as_str()), "{err}");
    let (code, out, err) = run(bin().arg("-"), SVC);
    assert_eq!((code, out.as_str()), (0, expected.as_str()), "{err}");
    let (code, out, err) = run(bin().args(["diff", "-"]), SVC);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("+  name: web-tilt"), "{out}");
    // FILE before a command would be ignored by it: refused.
    let (code, out, err) = run(bin().arg(&file).arg("check"), SVC);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with(&format!(
            "error: FILE comes after the command: `check {}`",
            file.display()
        )),
        "{err}"
    );
    let (code, out, err) = run(bin().arg(dir.join("missing.yaml")), SVC);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("cannot read"), "{err}");
    fs::remove_dir_all(dir).unwrap();
}

/// An input without a document (a failed `helm template` upstream) gets a note
/// on stderr; the output stays the lone separator and the exit code 0.
#[test]
fn empty_input_says_so_on_stderr() {
    for input in [
        "",
        "\n  \n",
        "---\n---\n",
        "# only a comment\n---\n# and another\n",
    ] {
        let (code, out, err) = run(&mut bin(), input);
        assert_eq!((code, out.as_str()), (0, "---\n"), "{input:?}");
        assert_eq!(
            err,
            "ameide-tilt-render: note: the input has no Kubernetes objects (it is empty, or only comments and `---`): did `helm template` or the command before this one fail?\n",
            "{input:?}"
        );
    }
    // Documents that are all dropped are no empty input.
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.b.c\n";
    let (code, _, err) = run(&mut bin(), crd);
    assert_eq!(code, 0);
    assert!(!err.contains("no Kubernetes objects"), "{err}");
}

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "ameide-tilt-render-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn verbosity_counts_and_comes_from_flag_env_or_file() {
    // A Service whose selected pair no pod template carries: rule 3 keeps it
    // shared, a reason only -vv prints; its rename is a change -v prints.
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: other\n";
    let change = "document 1 (Service/web) line 4 at metadata.name: `web` -> `web-tilt` (rename)";
    let reason = "kept shared app=other in Service/web";
    let dir = tempdir();
    let cfg = dir.join("c.yaml");
    let levels = |cmd: &mut Command| {
        let (code, _, err) = run(cmd, svc);
        assert_eq!(code, 0, "{err}");
        (
            err.contains(change),
            err.contains(reason),
            err.contains("summary: 1 name renamed"),
        )
    };
    assert_eq!(levels(&mut bin()), (false, false, false));
    assert_eq!(levels(bin().arg("-v")), (true, false, true));
    assert_eq!(levels(bin().arg("-vv")), (true, true, true));
    assert_eq!(
        levels(bin().args(["--verbose", "--verbose"])),
        (true, true, true)
    );
    assert_eq!(
        levels(bin().env("AMEIDE_TILT_VERBOSE", "true")),
        (true, false, true)
    );
    assert_eq!(
        levels(bin().env("AMEIDE_TILT_VERBOSE", "2")),
        (true, true, true)
    );
    for (file, want) in [
        ("verbose: true\n", (true, false, true)),
        ("verbose: 2\n", (true, true, true)),
    ] {
        fs::write(&cfg, file).unwrap();
        assert_eq!(levels(bin().arg("--config").arg(&cfg)), want, "{file}");
        // The variable overrides the file, saying 0 as well.
        let off = levels(
            bin()
                .arg("--config")
                .arg(&cfg)
                .env("AMEIDE_TILT_VERBOSE", "0"),
        );
        assert_eq!(off, (false, false, false), "{file}");
    }
    let (code, out, err) = run(bin().env("AMEIDE_TILT_VERBOSE", "loud"), svc);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.contains("`loud` is no verbosity: write 0, 1 (as -v), 2 (as -vv), true or false"),
        "{err}"
    );
}
