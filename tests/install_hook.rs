//! The plugin's install hook, run the way Helm 4 runs it (`common/helm_plugin.rs`
//! ports Helm's rules), against a fake GitHub release that a small HTTP server in
//! this test serves on 127.0.0.1 and stops again. The release archives are made by
//! `scripts/release.sh`, the script the release workflow packages with, from the
//! binary cargo built for these tests, under the names the workflow's matrix
//! gives them: if the workflow, the hook or Cargo.toml's binstall section disagree
//! about a name, a test here fails.

#[path = "common/helm_plugin.rs"]
mod helm_plugin;

use ameide_tilt_render::yaml::{self, Doc};
use helm_plugin::{Helm, host_platform};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const NAME: &str = "ameide-tilt-render";
const BIN: &str = env!("CARGO_BIN_EXE_ameide-tilt-render");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh directory for one test. The space in it checks the hook's quoting:
/// HELM_PLUGIN_DIR is wherever the user's Helm data lives.
fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("install hook {test} {}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One top-level scalar of a YAML file.
fn yaml_str(path: &Path, key: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut value = None;
    yaml::for_each_doc(&text, |doc: &Doc<'_>| -> Result<(), ()> {
        value = doc
            .root()
            .and_then(|r| doc.get_str(r, key))
            .map(String::from);
        Ok(())
    })
    .unwrap()
    .unwrap();
    value.unwrap_or_else(|| panic!("{} has no {key}", path.display()))
}

fn plugin_version() -> String {
    yaml_str(&repo().join("plugin.yaml"), "version")
}

/// The release workflow's build matrix: one map of target/os/arch/runner per entry.
fn release_matrix() -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    let mut entries = Vec::new();
    yaml::for_each_doc(&text, |doc: &Doc<'_>| -> Result<(), ()> {
        let root = doc.root().unwrap();
        let include = doc
            .path(root, &["jobs", "build", "strategy", "matrix", "include"])
            .expect("release.yml has jobs.build.strategy.matrix.include");
        for entry in doc.children(include) {
            entries.push(
                doc.pairs(entry)
                    .map(|(k, v)| {
                        (
                            doc.str(k).unwrap().to_string(),
                            doc.str(v).unwrap().to_string(),
                        )
                    })
                    .collect(),
            );
        }
        Ok(())
    })
    .unwrap()
    .unwrap();
    entries
}

/// The matrix entry that builds for the machine these tests run on.
fn host_entry() -> BTreeMap<String, String> {
    let (goos, goarch) = host_platform();
    release_matrix()
        .into_iter()
        .find(|e| e["os"] == goos && e["arch"] == goarch)
        .unwrap_or_else(|| panic!("the release workflow builds nothing for {goos}/{goarch}"))
}

fn release_sh(args: &[&str]) -> Output {
    Command::new("sh")
        .arg(repo().join("scripts/release.sh"))
        .args(args)
        .output()
        .unwrap()
}

/// `release.sh package` for this host's matrix entry into `<root>/v<version>/`,
/// then `release.sh checksums`. Returns the archive's path.
fn publish(root: &Path, binary: &str) -> PathBuf {
    let e = host_entry();
    let version = plugin_version();
    let dir = root.join(format!("v{version}"));
    let out = release_sh(&[
        "package",
        binary,
        &version,
        &e["os"],
        &e["arch"],
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{:?}", text(&out));
    let archive = PathBuf::from(text(&out).0.trim());
    let out = release_sh(&["checksums", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{:?}", text(&out));
    archive
}

/// The SHA-256 that `release.sh checksums` lists for `file`.
fn listed_sha256(sums: &Path, file: &str) -> String {
    std::fs::read_to_string(sums)
        .unwrap()
        .lines()
        .find_map(|l| {
            let (hash, name) = l.split_once("  ")?;
            (name == file).then(|| hash.to_string())
        })
        .unwrap_or_else(|| panic!("{} does not list {file}", sums.display()))
}

/// A static file server on 127.0.0.1 for one test: GET of an existing file under
/// `root` is 200, anything else 404. It stops when dropped, and after five
/// minutes whatever happens.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (root, seen, halt) = (root.to_path_buf(), requests.clone(), stop.clone());
        let deadline = Instant::now() + Duration::from_secs(300);
        let thread = std::thread::spawn(move || {
            while !halt.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => serve(stream, &root, &seen),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    Err(_) => break,
                }
            }
        });
        Server {
            url,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut stream: TcpStream, root: &Path, seen: &Mutex<Vec<String>>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    seen.lock().unwrap().push(format!("{method} {path}"));
    let rel = path.trim_start_matches('/');
    let safe = !rel.is_empty() && rel.split('/').all(|c| !c.is_empty() && c != "..");
    let file = root.join(rel);
    let (status, body) = match std::fs::read(&file) {
        Ok(body) if method == "GET" && safe && file.is_file() => ("200 OK", body),
        _ => ("404 Not Found", b"not found\n".to_vec()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

/// A URL on 127.0.0.1 where nothing listens: connections are refused at once.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

/// One test's world: a checkout to install from (plugin.yaml and the hook script,
/// no Cargo.toml, so the cargo step has nothing to build), a plugins directory,
/// helm's working directory, and a directory for PATH with a stand-in
/// `ameide-tilt-render` that says where it came from.
struct World {
    root: PathBuf,
    src: PathBuf,
    plugins: PathBuf,
    cwd: PathBuf,
    path_bin: PathBuf,
}

const FROM_PATH: &str = "ameide-tilt-render (the stand-in on PATH)";

impl World {
    fn new(test: &str, plugin_yaml: &Path) -> World {
        let root = scratch(test);
        let src = root.join("checkout").join(NAME);
        std::fs::create_dir_all(src.join("scripts")).unwrap();
        std::fs::copy(plugin_yaml, src.join("plugin.yaml")).unwrap();
        std::fs::copy(
            repo().join("scripts/install-plugin.sh"),
            src.join("scripts/install-plugin.sh"),
        )
        .unwrap();
        let path_bin = root.join("path bin");
        std::fs::create_dir_all(&path_bin).unwrap();
        let cwd = root.join("helm cwd");
        std::fs::create_dir_all(&cwd).unwrap();
        World {
            plugins: root.join("helm data").join("plugins"),
            root,
            src,
            cwd,
            path_bin,
        }
    }

    fn stand_in_on_path(&self) {
        let fake = self.path_bin.join(NAME);
        std::fs::write(&fake, format!("#!/bin/sh\necho '{FROM_PATH}'\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// helm's environment: this process's, minus our own variables, with PATH
    /// = the stand-in's directory + every directory of PATH that holds no
    /// `ameide-tilt-render` (so a real one installed on this machine stays out).
    fn helm(&self, release_url: &str) -> Helm {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(self.path_bin.clone())
            .chain(std::env::split_paths(&path).filter(|d| !d.join(NAME).exists()));
        Helm::new(&self.cwd)
            .unset("AMEIDE_TILT_RENDER_BIN")
            .unset("AMEIDE_TILT_NO_DOWNLOAD")
            .set("AMEIDE_TILT_RELEASE_URL", release_url)
            .set("PATH", std::env::join_paths(dirs).unwrap())
            // A proxy must not stand between the hook and our loopback server.
            .unset("http_proxy")
            .unset("HTTP_PROXY")
            .unset("https_proxy")
            .unset("HTTPS_PROXY")
            .unset("all_proxy")
            .unset("ALL_PROXY")
    }

    fn installed(&self) -> PathBuf {
        self.plugins.join(NAME).join("bin").join(NAME)
    }

    /// What the hook left in the plugin directory besides bin/ and the checkout.
    fn leftovers(&self) -> Vec<String> {
        std::fs::read_dir(&self.src)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !["bin", "scripts", "plugin.yaml"].contains(&n.as_str()))
            .collect()
    }
}

fn version_of(bin: &Path) -> String {
    let out = Command::new(bin).arg("--version").output().unwrap();
    assert!(
        out.status.success(),
        "{} --version: {:?}",
        bin.display(),
        text(&out)
    );
    text(&out).0
}

#[test]
fn release_archive_is_downloaded_checked_and_installed() {
    let w = World::new("good", &repo().join("plugin.yaml"));
    let release = w.root.join("release");
    let archive = publish(&release, BIN);
    let server = Server::start(&release);
    w.stand_in_on_path();
    let (dir, out) = w.helm(&server.url).install_dir(&w.plugins, &w.src);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let installed = w.installed();
    assert!(
        !installed.symlink_metadata().unwrap().is_symlink(),
        "the release binary is copied into bin/, not linked: {stdout}"
    );
    assert_eq!(version_of(&installed), version_of(Path::new(BIN)));
    let file = archive.file_name().unwrap().to_string_lossy().into_owned();
    assert!(stdout.contains(&format!("{}/v", server.url)), "{stdout}");
    assert!(
        stdout.contains(&format!("{file} (SHA-256 checked)")),
        "{stdout}"
    );
    let version = plugin_version();
    assert_eq!(
        server.requests(),
        vec![
            format!("GET /v{version}/SHA256SUMS"),
            format!("GET /v{version}/{file}")
        ]
    );
    assert!(w.leftovers().is_empty(), "{:?}", w.leftovers());

    // `helm plugin update` runs the update hook: same sources, same result, and
    // the binary is replaced by a rename.
    let out = w.helm(&server.url).invoke_hook(&dir, "update");
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(version_of(&installed), version_of(Path::new(BIN)));
    assert_eq!(server.requests().len(), 4);
    assert!(w.leftovers().is_empty(), "{:?}", w.leftovers());
}

#[test]
fn corrupted_archive_is_refused() {
    let w = World::new("corrupt", &repo().join("plugin.yaml"));
    let release = w.root.join("release");
    let good = publish(&release, BIN);
    let file = good.file_name().unwrap().to_string_lossy().into_owned();
    let sums = good.parent().unwrap().join("SHA256SUMS");
    let expected = listed_sha256(&sums, &file);
    // Same name, other bytes (the archive of another program), old SHA256SUMS.
    w.stand_in_on_path();
    let other = w.root.join("other");
    let bad = publish(&other, w.path_bin.join(NAME).to_str().unwrap());
    let actual = listed_sha256(&bad.parent().unwrap().join("SHA256SUMS"), &file);
    assert_ne!(expected, actual);
    std::fs::copy(&bad, &good).unwrap();
    let server = Server::start(&release);
    let (_, out) = w.helm(&server.url).install_dir(&w.plugins, &w.src);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}\n{stderr}");
    let url = format!("{}/v{}/{file}", server.url, plugin_version());
    for want in [
        format!("SHA-256 mismatch for {url}"),
        format!("expected {expected}"),
        format!("actual   {actual}"),
        "refusing to install it".to_string(),
    ] {
        assert!(stderr.contains(&want), "stderr lacks {want:?}:\n{stderr}");
    }
    // Neither the bad download nor the next source (the stand-in on PATH).
    assert!(w.installed().symlink_metadata().is_err(), "{stdout}");
    assert!(w.leftovers().is_empty(), "{:?}", w.leftovers());
}

#[test]
fn missing_archive_falls_through_to_the_next_source() {
    let w = World::new("missing", &repo().join("plugin.yaml"));
    w.stand_in_on_path();
    let release = w.root.join("release");
    let archive = publish(&release, BIN);
    let file = archive.file_name().unwrap().to_string_lossy().into_owned();
    let server = Server::start(&release);
    let base = format!("{}/v{}", server.url, plugin_version());

    // SHA256SUMS is there, the archive is not (404).
    std::fs::remove_file(&archive).unwrap();
    let (dir, out) = w.helm(&server.url).install_dir(&w.plugins, &w.src);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!("cannot fetch {base}/{file}")) && stderr.contains("404"),
        "{stderr}"
    );
    assert!(stderr.contains("cargo build: no Cargo.toml"), "{stderr}");
    assert_eq!(version_of(&w.installed()), format!("{FROM_PATH}\n"));
    assert!(stdout.contains("from PATH"), "{stdout}");

    // No SHA256SUMS either: the archive is not even asked for.
    std::fs::remove_file(archive.with_file_name("SHA256SUMS")).unwrap();
    let before = server.requests().len();
    let out = w.helm(&server.url).invoke_hook(&dir, "update");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!("cannot fetch {base}/SHA256SUMS")),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), before + 1);
    assert_eq!(version_of(&w.installed()), format!("{FROM_PATH}\n"));
    assert!(w.leftovers().is_empty(), "{:?}", w.leftovers());
}

#[test]
fn no_network_falls_through_quickly() {
    let w = World::new("offline", &repo().join("plugin.yaml"));
    w.stand_in_on_path();
    let url = closed_port_url();
    let started = Instant::now();
    let (_, out) = w.helm(&url).install_dir(&w.plugins, &w.src);
    let took = started.elapsed();
    let (stdout, stderr) = text(&out);
    eprintln!("no-network install took {took:?}");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert!(
        stderr.contains(&format!("cannot fetch {url}/v")),
        "{stderr}"
    );
    assert_eq!(version_of(&w.installed()), format!("{FROM_PATH}\n"));
}

#[test]
fn no_source_at_all_says_what_was_tried() {
    let w = World::new("nothing", &repo().join("plugin.yaml"));
    let url = closed_port_url();
    let (_, out) = w.helm(&url).install_dir(&w.plugins, &w.src);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}\n{stderr}");
    for want in [
        "cannot install the Helm plugin's binary. Tried:",
        "- AMEIDE_TILT_RENDER_BIN: not set",
        "- release download: cannot fetch",
        "- cargo build: no Cargo.toml in",
        "- PATH: no ameide-tilt-render on PATH",
        "helm plugin uninstall ameide-tilt-render",
    ] {
        assert!(stderr.contains(want), "stderr lacks {want:?}:\n{stderr}");
    }
    assert!(w.installed().symlink_metadata().is_err());
    assert!(w.leftovers().is_empty(), "{:?}", w.leftovers());
}

#[test]
fn env_binary_wins_and_a_relative_path_is_taken_from_helms_directory() {
    let w = World::new("env", &repo().join("plugin.yaml"));
    w.stand_in_on_path();
    std::fs::create_dir_all(w.cwd.join("build")).unwrap();
    std::os::unix::fs::symlink(BIN, w.cwd.join("build").join(NAME)).unwrap();
    let url = closed_port_url();
    let (_, out) = w
        .helm(&url)
        .set("AMEIDE_TILT_RENDER_BIN", format!("build/{NAME}"))
        .install_dir(&w.plugins, &w.src);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(version_of(&w.installed()), version_of(Path::new(BIN)));
    assert!(
        stdout.contains("linked to AMEIDE_TILT_RENDER_BIN"),
        "{stdout}"
    );
}

#[test]
fn old_hook_fails_under_helms_rules() {
    // The plugin.yaml before this fix passed "${HELM_PLUGIN_DIR}/scripts/…" in
    // `args`, which Helm 4 hands to sh unexpanded. Everything else is set up so
    // that the script would succeed if it ran.
    let run = |yaml: &Path, test: &str| {
        let w = World::new(test, yaml);
        let (_, out) = w
            .helm(&closed_port_url())
            .set("AMEIDE_TILT_RENDER_BIN", BIN)
            .install_dir(&w.plugins, &w.src);
        (out, w.installed())
    };
    let (out, installed) = run(&repo().join("tests/helm/old-plugin.yaml"), "old");
    let (_, stderr) = text(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("${HELM_PLUGIN_DIR}/scripts/install-plugin.sh")
            && stderr.contains("No such file"),
        "{stderr}"
    );
    assert!(installed.symlink_metadata().is_err());
    // The same world with today's plugin.yaml installs.
    let (out, installed) = run(&repo().join("plugin.yaml"), "new");
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(version_of(&installed), version_of(Path::new(BIN)));
}

#[test]
fn every_platform_gets_a_hook_helm_can_run() {
    // What Helm 4 would execute on each platform the release builds for: a
    // shell or PowerShell that expands HELM_PLUGIN_DIR itself, since Helm does
    // not expand hook args.
    let w = World::new("platforms", &repo().join("plugin.yaml"));
    std::fs::create_dir_all(&w.plugins).unwrap();
    let dir = w.plugins.join(NAME);
    std::os::unix::fs::symlink(&w.src, &dir).unwrap();
    let helm = w.helm(&closed_port_url());
    for e in release_matrix() {
        for event in ["install", "update"] {
            let (cmd, args) = helm
                .prepare_hook(&dir, event, &e["os"], &e["arch"])
                .unwrap_or_else(|err| panic!("{}/{}: {err}", e["os"], e["arch"]));
            if e["os"] == "windows" {
                assert_eq!(cmd, "powershell");
                let script = args.last().unwrap();
                assert_eq!(args[args.len() - 2], "-Command");
                assert!(
                    script.contains("$env:HELM_PLUGIN_DIR")
                        && script.contains("install-plugin.ps1"),
                    "{script}"
                );
            } else {
                assert_eq!(
                    (cmd.as_str(), args.as_slice()),
                    (
                        "sh",
                        &[
                            "-c".to_string(),
                            "exec sh \"$HELM_PLUGIN_DIR/scripts/install-plugin.sh\"".to_string()
                        ][..]
                    ),
                    "{}/{}",
                    e["os"],
                    e["arch"]
                );
            }
        }
    }
}

#[test]
fn port_follows_helms_platform_choice() {
    use helm_plugin::{PlatformCommand, get_platform_command};
    let pc = |os: &str, arch: &str, command: &str| PlatformCommand {
        os: os.into(),
        arch: arch.into(),
        command: command.into(),
        args: vec![],
    };
    let pick = |cmds: &[PlatformCommand], os, arch| get_platform_command(cmds, os, arch).0;
    let cmds = [
        pc("", "", "any"),
        pc("linux", "", "linux"),
        pc("linux", "arm64", "linux-arm64"),
        pc("", "amd64", "arch-only"),
        pc("darwin", "", "darwin"),
        pc("Linux", "", "second-linux"),
    ];
    assert_eq!(pick(&cmds, "linux", "arm64"), ["linux-arm64"]);
    assert_eq!(pick(&cmds, "LINUX", "ARM64"), ["linux-arm64"]);
    // The first os match beats the empty os, a later os match does not replace it.
    assert_eq!(pick(&cmds, "linux", "amd64"), ["linux"]);
    assert_eq!(pick(&cmds, "darwin", "amd64"), ["darwin"]);
    // An arch without an os is never chosen (the code, not its doc comment).
    assert_eq!(pick(&cmds, "windows", "amd64"), ["any"]);
    assert!(pick(&cmds[3..4], "linux", "amd64").is_empty());
    // The command is split on every single space.
    assert_eq!(pick(&[pc("", "", "a  b")], "x", "y"), ["a", "", "b"]);
}

#[test]
fn port_expands_like_go_os_expand() {
    use helm_plugin::go_expand;
    let env = |k: &str| match k {
        "HELM_PLUGIN_DIR" => "/p d".to_string(),
        "1" => "one".to_string(),
        _ => String::new(),
    };
    for (input, want) in [
        ("${HELM_PLUGIN_DIR}/x", "/p d/x"),
        ("$HELM_PLUGIN_DIR/x", "/p d/x"),
        ("$HELM_PLUGIN_DIRx", ""),
        ("a$", "a$"),
        ("$/x", "$/x"),
        ("${}x", "x"),
        ("${x", "x"),
        ("$1$UNSET.", "one."),
        ("${1}", "one"),
        ("$$", ""),
        ("no dollar", "no dollar"),
    ] {
        assert_eq!(go_expand(input, env), want, "{input}");
    }
}

#[test]
fn release_names_agree() {
    // Workflow matrix: every platform the install hook maps to, once.
    let matrix = release_matrix();
    let mut platforms: Vec<(String, String)> = matrix
        .iter()
        .map(|e| (e["os"].clone(), e["arch"].clone()))
        .collect();
    platforms.sort();
    let want: Vec<(String, String)> = [
        ("darwin", "amd64"),
        ("darwin", "arm64"),
        ("linux", "amd64"),
        ("linux", "arm64"),
        ("windows", "amd64"),
    ]
    .iter()
    .map(|(o, a)| (o.to_string(), a.to_string()))
    .collect();
    assert_eq!(platforms, want);

    // release.sh names each archive; Cargo.toml's binstall override for the
    // entry's target points at that name.
    let version = plugin_version();
    let dist = scratch("names");
    let (repo_url, binstall) = binstall_overrides();
    for e in &matrix {
        let out = release_sh(&[
            "package",
            BIN,
            &version,
            &e["os"],
            &e["arch"],
            dist.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{:?}", text(&out));
        let archive = PathBuf::from(text(&out).0.trim());
        let file = archive.file_name().unwrap().to_string_lossy().into_owned();
        let ext = if e["os"] == "windows" {
            "zip"
        } else {
            "tar.gz"
        };
        assert_eq!(
            file,
            format!("{NAME}-v{version}-{}-{}.{ext}", e["os"], e["arch"])
        );
        let (url, fmt) = binstall
            .get(&e["target"])
            .unwrap_or_else(|| panic!("no binstall override for {}", e["target"]));
        let url = url
            .replace("{ repo }", &repo_url)
            .replace("{ version }", &version)
            .replace("{ name }", NAME);
        assert_eq!(
            url,
            format!("{repo_url}/releases/download/v{version}/{file}")
        );
        assert_eq!(fmt, if ext == "zip" { "zip" } else { "tgz" }, "{file}");
        assert_eq!(
            archive_listing(&archive),
            archive_contents(&e["os"]),
            "{file}"
        );
    }
    let out = release_sh(&["checksums", dist.to_str().unwrap()]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(
        std::fs::read_to_string(dist.join("SHA256SUMS"))
            .unwrap()
            .lines()
            .count(),
        matrix.len()
    );

    // The tag check: v<version> passes, anything else fails.
    let out = release_sh(&["version", &format!("v{version}")]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(text(&out).0.trim(), version);
    let out = release_sh(&["version", &format!("v{version}.1")]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("does not match"), "{:?}", text(&out));
}

/// What every archive holds: the binary at the top, its man page and its
/// completions, each non-empty (file names, sorted).
fn archive_contents(os: &str) -> Vec<String> {
    let exe = if os == "windows" {
        format!("{NAME}.exe")
    } else {
        NAME.to_string()
    };
    let mut want = vec![
        exe,
        format!("doc/{NAME}.1"),
        format!("complete/{NAME}.bash"),
        format!("complete/_{NAME}"),
        format!("complete/{NAME}.fish"),
        format!("complete/_{NAME}.ps1"),
        format!("complete/{NAME}.elv"),
    ];
    want.sort();
    want
}

/// The non-empty files of a release archive, sorted (Python's tarfile and
/// zipfile: python3 is a test requirement already).
fn archive_listing(archive: &Path) -> Vec<String> {
    let script = r#"
import sys, tarfile, zipfile
p = sys.argv[1]
if p.endswith(".zip"):
    z = zipfile.ZipFile(p)
    names = [i.filename for i in z.infolist() if not i.is_dir() and i.file_size > 0]
else:
    t = tarfile.open(p)
    names = [m.name for m in t.getmembers() if m.isfile() and m.size > 0]
print("\n".join(sorted(n.removeprefix("./") for n in names)))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(archive)
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    text(&out).0.lines().map(str::to_string).collect()
}

/// Cargo.toml's `repository`, and its `[package.metadata.binstall]` as target →
/// (pkg-url, pkg-fmt), read with Python's tomllib (python3 is a test requirement
/// already).
fn binstall_overrides() -> (String, BTreeMap<String, (String, String)>) {
    let script = r#"
import sys, tomllib
p = tomllib.load(open(sys.argv[1], "rb"))["package"]
b = p["metadata"]["binstall"]
print(p["repository"])
for target, o in b["overrides"].items():
    print(target, o["pkg-url"], o.get("pkg-fmt", b["pkg-fmt"]), sep="\t")
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(repo().join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    let stdout = text(&out).0;
    let mut lines = stdout.lines();
    let repository = lines.next().unwrap().to_string();
    let overrides = lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), (f[1].to_string(), f[2].to_string()))
        })
        .collect();
    (repository, overrides)
}
