//! A port of the rules by which Helm 4 runs a plugin's install/update hook, so the
//! tests run plugin.yaml's hooks the way `helm plugin install <dir>` and
//! `helm plugin update` do. The helm-python-sdk the other tests use exposes no
//! plugin install, so Helm's own code cannot run the hook here.
//!
//! Ported from helm/helm v4.2.4 (the Go SDK inside helm-python-sdk 0.2.2 is 4.2.x;
//! the same code is on main as of 2026-08):
//! - `internal/plugin/subprocess_commands.go`: `getPlatformCommand` (which entry
//!   runs on this os/arch) and `PrepareCommands` (the command is split on " ", its
//!   first word expanded; the other words and `args` only when `expandArgs`);
//! - `internal/plugin/runtime_subprocess.go`: `SubprocessPluginRuntime.InvokeHook`
//!   (environment = helm's own + `HELM_PLUGIN_NAME` + `HELM_PLUGIN_DIR`; `expandArgs`
//!   = `RuntimeConfig.expandHookArgs`; no working directory is set, so the hook
//!   runs in helm's; stdout/stderr are helm's; stdin is Go's default, the null
//!   device) and `runtime.go` `ParseEnv`;
//! - `internal/plugin/metadata.go`: only `buildLegacyRuntimeConfig` (a plugin.yaml
//!   without `apiVersion`) sets `expandHookArgs`; `fromMetadataV1` leaves it false,
//!   so an `apiVersion: v1` plugin's hook args are never expanded;
//! - `internal/plugin/installer/local_installer.go` `installFromDirectory` and
//!   `base.go` `Path`: installing from a directory symlinks it as
//!   `<plugins>/<basename of the directory>`, and that link is `HELM_PLUGIN_DIR`;
//! - Go's `os.Expand` and `getShellName` (`src/os/env.go`), the expansion used.
//!
//! Not ported: metadata validation (the real-Helm tests load the same plugin.yaml
//! through Helm's loader) and the VCS/HTTP/OCI installers.

// Each test crate that includes this file uses a different part of it.
#![allow(dead_code)]

use ameide_tilt_render::yaml::{self, Doc, NodeId};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// One entry of `platformCommand` / `platformHooks.<event>` (Go `PlatformCommand`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlatformCommand {
    pub os: String,
    pub arch: String,
    pub command: String,
    pub args: Vec<String>,
}

/// Go's `runtime.GOOS` / `runtime.GOARCH` for the platform these tests run on.
pub fn host_platform() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64",
        "s390x" => "s390x",
        other => other,
    };
    (os, arch)
}

/// plugin.yaml's `name`.
pub fn plugin_name(plugin_yaml: &str) -> String {
    let mut name = None;
    yaml::for_each_doc(plugin_yaml, |doc: &Doc<'_>| -> Result<(), ()> {
        name = doc
            .root()
            .and_then(|r| doc.get_str(r, "name"))
            .map(String::from);
        Ok(())
    })
    .expect("plugin.yaml parses")
    .unwrap();
    name.expect("plugin.yaml has a name")
}

/// `runtimeConfig.platformHooks.<event>` of a plugin.yaml, in file order; absent
/// keys are "" as after Go's YAML unmarshalling into `PlatformCommand`.
pub fn platform_hooks(plugin_yaml: &str, event: &str) -> Vec<PlatformCommand> {
    let mut out = Vec::new();
    yaml::for_each_doc(plugin_yaml, |doc: &Doc<'_>| -> Result<(), ()> {
        let Some(root) = doc.root() else {
            return Ok(());
        };
        let Some(list) = doc.path(root, &["runtimeConfig", "platformHooks", event]) else {
            return Ok(());
        };
        let text = |entry: NodeId, key: &str| doc.get_str(entry, key).unwrap_or("").to_string();
        for entry in doc.children(list) {
            out.push(PlatformCommand {
                os: text(entry, "os"),
                arch: text(entry, "arch"),
                command: text(entry, "command"),
                args: doc
                    .get(entry, "args")
                    .map(|a| {
                        doc.children(a)
                            .map(|i| doc.str(i).expect("args are strings").to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        Ok(())
    })
    .expect("plugin.yaml parses")
    .unwrap();
    out
}

/// `getPlatformCommand`, rule for rule (the code, not its doc comment: an entry
/// with an `arch` but no `os` is skipped, it does not match on arch alone).
pub fn get_platform_command(
    cmds: &[PlatformCommand],
    goos: &str,
    goarch: &str,
) -> (Vec<String>, Vec<String>) {
    // strings.EqualFold on ASCII names.
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    // strings.Split(c.Command, " "): every single space splits, empty words stay.
    let split = |c: &str| c.split(' ').map(String::from).collect::<Vec<_>>();
    let (mut command, mut args) = (Vec::new(), Vec::new());
    let mut found = false;
    let mut found_os = false;
    for c in cmds {
        if eq(&c.os, goos) && eq(&c.arch, goarch) {
            // An exact os+arch match wins at once.
            return (split(&c.command), c.args.clone());
        }
        if (!c.os.is_empty() && !eq(&c.os, goos)) || !c.arch.is_empty() {
            continue;
        }
        if !found_os && !c.os.is_empty() && eq(&c.os, goos) {
            // The first os match with no arch beats an entry with no os.
            command = split(&c.command);
            args = c.args.clone();
            found = true;
            found_os = true;
        } else if !found {
            command = split(&c.command);
            args = c.args.clone();
            found = true;
        }
    }
    (command, args)
}

/// Go's `os.Expand(s, mapping)` (src/os/env.go), byte for byte.
pub fn go_expand(s: &str, mapping: impl Fn(&str) -> String) -> String {
    fn special(c: u8) -> bool {
        matches!(
            c,
            b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-' | b'0'..=b'9'
        )
    }
    fn alnum(c: u8) -> bool {
        c == b'_' || c.is_ascii_alphanumeric()
    }
    // getShellName: the name after '$' and how many bytes it took.
    fn shell_name(s: &[u8]) -> (&[u8], usize) {
        if s[0] == b'{' {
            if s.len() > 2 && special(s[1]) && s[2] == b'}' {
                return (&s[1..2], 3);
            }
            for i in 1..s.len() {
                if s[i] == b'}' {
                    if i == 1 {
                        return (&[], 2); // Bad syntax; eat "${}"
                    }
                    return (&s[1..i], i + 1);
                }
            }
            return (&[], 1); // Bad syntax; eat "${"
        }
        if special(s[0]) {
            return (&s[0..1], 1);
        }
        let n = s.iter().take_while(|&&c| alnum(c)).count();
        (&s[..n], n)
    }
    let b = s.as_bytes();
    let mut buf: Vec<u8> = Vec::with_capacity(2 * b.len());
    let mut i = 0;
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'$' && j + 1 < b.len() {
            buf.extend_from_slice(&b[i..j]);
            let (name, w) = shell_name(&b[j + 1..]);
            if name.is_empty() && w > 0 {
                // Invalid syntax: the characters are eaten.
            } else if name.is_empty() {
                // '$' not followed by a name stays.
                buf.push(b'$');
            } else {
                buf.extend_from_slice(mapping(std::str::from_utf8(name).unwrap()).as_bytes());
            }
            j += w;
            i = j + 1;
        }
        j += 1;
    }
    buf.extend_from_slice(&b[i.min(b.len())..]);
    String::from_utf8(buf).expect("expansion of UTF-8 is UTF-8")
}

/// `PrepareCommands(cmds, expandArgs, extraArgs, env)` for a given GOOS/GOARCH.
pub fn prepare_commands(
    cmds: &[PlatformCommand],
    expand_args: bool,
    extra_args: &[String],
    env: &BTreeMap<String, String>,
    goos: &str,
    goarch: &str,
) -> Result<(String, Vec<String>), String> {
    let (parts, args) = get_platform_command(cmds, goos, goarch);
    if parts.first().is_none_or(|p| p.is_empty()) {
        return Err("no plugin command is applicable".into());
    }
    let mapping = |k: &str| env.get(k).cloned().unwrap_or_default();
    let main = go_expand(&parts[0], mapping);
    let mut argv = Vec::new();
    for word in parts[1..].iter().chain(&args) {
        argv.push(if expand_args {
            go_expand(word, mapping)
        } else {
            word.clone()
        });
    }
    argv.extend(extra_args.iter().cloned());
    Ok((main, argv))
}

/// The `helm` process a test pretends to be: its environment and working directory.
pub struct Helm {
    pub env: BTreeMap<String, String>,
    pub cwd: PathBuf,
}

impl Helm {
    /// This test process's environment (Go `os.Environ()` → `ParseEnv`), run from `cwd`.
    pub fn new(cwd: &Path) -> Self {
        Helm {
            env: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .filter(|(k, _)| !k.is_empty())
                .collect(),
            cwd: cwd.to_path_buf(),
        }
    }

    pub fn set(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.env.insert(
            key.to_string(),
            value.as_ref().to_string_lossy().into_owned(),
        );
        self
    }

    pub fn unset(mut self, key: &str) -> Self {
        self.env.remove(key);
        self
    }

    /// `helm plugin install <src>` for a directory: symlink it into `plugins`, then
    /// run the install hook. Returns the plugin directory and the hook's output.
    pub fn install_dir(&self, plugins: &Path, src: &Path) -> (PathBuf, Output) {
        std::fs::create_dir_all(plugins).unwrap();
        let dir = plugins.join(src.file_name().expect("a directory name"));
        assert!(
            std::fs::symlink_metadata(&dir).is_err(),
            "plugin already exists"
        );
        std::os::unix::fs::symlink(src, &dir).unwrap();
        let out = self.invoke_hook(&dir, "install");
        (dir, out)
    }

    /// `SubprocessPluginRuntime.InvokeHook(event)` for the plugin in `plugin_dir`,
    /// as the platform this test runs on.
    pub fn invoke_hook(&self, plugin_dir: &Path, event: &str) -> Output {
        let (goos, goarch) = host_platform();
        let (main, argv) = self
            .prepare_hook(plugin_dir, event, goos, goarch)
            .expect("a hook for this platform");
        let env = self.hook_env(plugin_dir);
        // exec.Command(main, argv...): a name without a slash is looked up on PATH;
        // cmd.Env = FormatEnv(env); cmd.Dir unset; Stdin nil = the null device.
        Command::new(main)
            .args(argv)
            .env_clear()
            .envs(&env)
            .current_dir(&self.cwd)
            .stdin(Stdio::null())
            .output()
            .expect("the hook command starts")
    }

    /// The command and argv `InvokeHook` would run on `goos`/`goarch`.
    pub fn prepare_hook(
        &self,
        plugin_dir: &Path,
        event: &str,
        goos: &str,
        goarch: &str,
    ) -> Result<(String, Vec<String>), String> {
        let yaml = std::fs::read_to_string(plugin_dir.join("plugin.yaml")).unwrap();
        assert!(
            yaml.lines().any(|l| l.trim_end() == "apiVersion: v1"),
            "the port covers apiVersion: v1 plugin.yaml files only"
        );
        let cmds = platform_hooks(&yaml, event);
        // expandHookArgs: fromMetadataV1 never sets it, so it is false.
        let expand_hook_args = false;
        prepare_commands(
            &cmds,
            expand_hook_args,
            &[],
            &self.hook_env(plugin_dir),
            goos,
            goarch,
        )
    }

    fn hook_env(&self, plugin_dir: &Path) -> BTreeMap<String, String> {
        let yaml = std::fs::read_to_string(plugin_dir.join("plugin.yaml")).unwrap();
        let mut env = self.env.clone();
        env.insert("HELM_PLUGIN_NAME".into(), plugin_name(&yaml));
        env.insert(
            "HELM_PLUGIN_DIR".into(),
            plugin_dir.to_string_lossy().into_owned(),
        );
        env
    }
}
