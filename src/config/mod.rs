//! Settings: flags and environment (already merged by clap: flag > env), then the
//! `--config` file, then the defaults. This is the only place precedence is decided.
//!
//! The config file uses the flag names in snake_case:
//!
//! ```yaml
//! suffix: -tilt
//! host_map: [dev.ameide.io=local.ameide.io]   # or a mapping: {dev.ameide.io: local.ameide.io}
//! listener: https-local
//! drop_kind: [ExternalSecret.external-secrets.io]
//! redis_secret: redis-auth/password
//! redis_env: REDIS_PASSWORD
//! no_redis: false
//! no_string_refs: false
//! strict_names: false
//! strict: false                               # rule 11: a reported old name is an error
//! fork: [web, image=ghcr.io/acme/api*]        # a partial copy: only these and what exists for them
//! verbose: false                             # true (-v) or 2 (-vv)
//! references:
//!   - kind: Database.example.com
//!     path: spec.credentials.secretName
//!     target: Secret
//! reference_shapes:
//!   - {key: passwordSecret, name: secretName, requires: [password], target: Secret}
//! produces:                                    # rule 10: names made at run time
//!   - kind: Database.example.com
//!     path: spec.backupSecretName
//!     target: Secret
//! host_claims:                                 # rule 4: fields that claim hosts
//!   - kind: Site.example.com
//!     path: spec.domains[]
//! operator_objects:                            # rule 10: what an operator makes
//!   - kind: Database.example.com               # for a resource, named after it
//!     target: Service
//!     names: ["{name}-primary"]
//! ```

use crate::cli::Settings;
use crate::error::Error;
use crate::k8s::refs::KindSel;
use crate::k8s::{K8s, TableEntries};
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_saphyr::Spanned;

mod file;
mod values;
pub use file::did_you_mean;
use file::*;
use values::*;
pub use values::{DropKind, ForkSel, Mapped};

pub const DEFAULT_SUFFIX: &str = "-tilt";
pub const DEFAULT_HOST_MAP: &str = "dev.ameide.io=local.ameide.io";
pub const DEFAULT_LISTENER: &str = "https-local";
pub const DEFAULT_DROP_KIND: &str = "ExternalSecret.external-secrets.io";
pub const DEFAULT_REDIS_SECRET: &str = "redis-auth/password";
pub const DEFAULT_REDIS_ENV: &str = "REDIS_PASSWORD";

#[derive(Clone, Debug)]
pub struct Config {
    pub suffix: String,
    /// (from, to) hostname suffixes, longest `from` first.
    pub host_map: Vec<(String, String)>,
    pub listener: String,
    pub drop_kinds: Vec<DropKind>,
    /// The drop kinds were given (flag, env or file), not the default: one that
    /// matches no document is worth a warning.
    pub drop_kinds_given: bool,
    pub redis_secret: String,
    pub redis_key: String,
    pub redis_env: String,
    pub redis: bool,
    pub string_refs: bool,
    pub strict_names: bool,
    /// Rule 11: a reported old name is an error.
    pub strict: bool,
    /// `-v`: one line per change and a summary on stderr.
    pub verbose: bool,
    /// `-vv`: each rule's reasons and what it kept, too.
    pub reasons: bool,
    /// A partial copy: the workloads to fork (empty: the whole stream is copied).
    pub fork: Vec<ForkSel>,
    /// The Kubernetes facts: built-in, plus the config file's `references:` and
    /// `reference_shapes:`.
    pub k8s: K8s,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_settings(Settings::default(), None).expect("the defaults are valid")
    }
}

fn is_dns_chars(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

impl Config {
    /// Merges the flags and environment (`given`) with the config file at
    /// `config` and the defaults, and validates.
    pub fn from_settings(
        given: Settings,
        config: Option<&std::path::Path>,
    ) -> Result<Config, Error> {
        let shown = config.map(|p| p.display().to_string()).unwrap_or_default();
        let (f, file) = match config {
            None => (
                Settings::default(),
                FileSettings {
                    path: &shown,
                    keys: Vec::new(),
                },
            ),
            Some(p) => {
                let bytes = std::fs::read(p).map_err(|e| {
                    Error::usage(format!("cannot read config file {shown}: {e}")).with_hint(
                        format!(
                            "pass an existing file to --config (or AMEIDE_TILT_CONFIG), or create {shown}"
                        ),
                    )
                })?;
                let text = String::from_utf8(bytes).map_err(|e| {
                    Error::usage(format!(
                        "config file {shown} is not valid UTF-8 (byte {})",
                        e.utf8_error().valid_up_to()
                    ))
                    .with_hint(format!("save {shown} as UTF-8"))
                })?;
                read_file(&shown, &text)?
            }
        };
        let mut k8s = K8s::builtin().map_err(Error::usage)?.clone();
        // Tables come from the file; a caller of the library may give some in
        // `given` too (the flags have none): both extend the built-in ones.
        file_tables(&file, &mut k8s, &f)?;
        let given_tables = FileSettings {
            path: "the settings given",
            keys: Vec::new(),
        };
        file_tables(&given_tables, &mut k8s, &given)?;

        // A value's error names where the value came from: the flag (or its
        // variable) with the flag that fixes it, or the file's key and line.
        let from_file = |e: Error, key: &str, fix: &str, in_file: bool| {
            if in_file {
                file.value_error(e, key, fix)
            } else {
                e
            }
        };
        let in_file = |given: bool, file: bool| !given && file;

        let suffix_in_file = in_file(given.suffix.is_some(), f.suffix.is_some());
        let suffix = suffix(given.suffix.or(f.suffix)).map_err(|(message, meant)| {
            let e = Error::usage(message).with_hint(format!("--suffix {meant}"));
            from_file(
                e,
                "suffix",
                &format!("write `suffix: {meant}`"),
                suffix_in_file,
            )
        })?;
        let host_map = host_map(f.host_map, given.host_map, &file)?;
        let listener_in_file = in_file(given.listener.is_some(), f.listener.is_some());
        let listener = given
            .listener
            .or(f.listener)
            .unwrap_or_else(|| DEFAULT_LISTENER.into());
        if listener.is_empty() {
            let e = Error::usage("listener must not be empty")
                .with_hint(format!("--listener {DEFAULT_LISTENER}"));
            let fix = format!("write `listener: {DEFAULT_LISTENER}`");
            return Err(from_file(e, "listener", &fix, listener_in_file));
        }
        let drop_in_file = in_file(given.drop_kind.is_some(), f.drop_kind.is_some());
        let drop_kinds_given = given.drop_kind.is_some() || f.drop_kind.is_some();
        let drop_kinds = drop_kinds(given.drop_kind.or(f.drop_kind)).map_err(|e| {
            let fix =
                format!("write the drop_kind entry as `{DEFAULT_DROP_KIND}` (KIND, KIND.GROUP or KIND.VERSION.GROUP)");
            from_file(e, "drop_kind", &fix, drop_in_file)
        })?;
        let redis_in_file = in_file(given.redis_secret.is_some(), f.redis_secret.is_some());
        let (redis_secret, redis_key) = redis_secret(given.redis_secret.or(f.redis_secret))
            .map_err(|e| {
                let fix = format!("write `redis_secret: {DEFAULT_REDIS_SECRET}` (NAME/KEY)");
                from_file(e, "redis_secret", &fix, redis_in_file)
            })?;
        let env_in_file = in_file(given.redis_env.is_some(), f.redis_env.is_some());
        let redis_env = given
            .redis_env
            .or(f.redis_env)
            .unwrap_or_else(|| DEFAULT_REDIS_ENV.into());
        if redis_env.is_empty() {
            let e = Error::usage("redis env must not be empty")
                .with_hint(format!("--redis-env {DEFAULT_REDIS_ENV}"));
            let fix = format!("write `redis_env: {DEFAULT_REDIS_ENV}`");
            return Err(from_file(e, "redis_env", &fix, env_in_file));
        }
        let fork_in_file = in_file(given.fork.is_some(), f.fork.is_some());
        let fork = fork(given.fork.or(f.fork)).map_err(|e| {
            let fix = "write the fork entry as KIND/NAME, NAME or image=GLOB (`Deployment/web`, `web`, `image=ghcr.io/acme/web*`)";
            from_file(e, "fork", fix, fork_in_file)
        })?;
        let verbosity = given.verbose.or(f.verbose).unwrap_or(0);
        Ok(Config {
            fork,
            suffix,
            host_map,
            listener,
            drop_kinds,
            drop_kinds_given,
            redis_secret,
            redis_key,
            redis_env,
            redis: !given.no_redis.or(f.no_redis).unwrap_or(false),
            string_refs: !given.no_string_refs.or(f.no_string_refs).unwrap_or(false),
            strict_names: given.strict_names.or(f.strict_names).unwrap_or(false),
            strict: given.strict.or(f.strict).unwrap_or(false),
            verbose: verbosity >= 1,
            reasons: verbosity >= 2,
            k8s,
        })
    }

    /// The host map entry that would cover `host`, which the map leaves
    /// unmapped: its domain (the host without its first label, or the host
    /// itself when that would leave a single label or it is an IP address)
    /// mapped to `local.` before it (`tilt.`, `local-tilt.` when the host is
    /// that very name or another entry already maps to it). `None` for a name
    /// no entry can cover (not lowercase DNS characters). The rule is in
    /// docs/configuration.md#the-host-map.
    pub fn host_map_entry_for(&self, host: &str) -> Option<(String, String)> {
        self.entry_avoiding(host, &[])
    }

    /// The entries that cover every one of `hosts` (the claimed hostnames of a
    /// stream the map leaves unmapped), and the hosts no entry can cover. Each
    /// host in turn: skipped when an entry chosen for an earlier one covers it,
    /// else its own entry, whose target no host of the stream lies under (a
    /// baseline host under a target would count as already mapped, and stay).
    pub fn host_map_entries_for<'h>(
        &self,
        hosts: &[&'h str],
    ) -> (Vec<(String, String)>, Vec<&'h str>) {
        let mut with = self.clone();
        let (mut entries, mut unmappable) = (Vec::new(), Vec::new());
        for &host in hosts {
            if matches!(with.map_host(host), Mapped::To(_)) {
                continue;
            }
            match with.entry_avoiding(host, hosts) {
                Some(entry) => {
                    with.host_map.push(entry.clone());
                    with.host_map
                        .sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
                    entries.push(entry);
                }
                None => unmappable.push(host),
            }
        }
        (entries, unmappable)
    }

    /// [`Config::host_map_entry_for`], with a target none of `avoid` lies under.
    fn entry_avoiding(&self, host: &str, avoid: &[&str]) -> Option<(String, String)> {
        let name = host
            .strip_prefix("*.")
            .unwrap_or(host)
            .trim_end_matches('.');
        if !is_dns_chars(name) || name.starts_with('.') || name.contains("..") {
            return None;
        }
        let numeric = name
            .rsplit('.')
            .next()
            .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
        let domain = match name.split_once('.') {
            Some((_, parent)) if parent.contains('.') && !numeric => parent,
            _ => name,
        };
        let taken = |to: &str| {
            under(name, to)
                || avoid
                    .iter()
                    .any(|h| under(h.strip_prefix("*.").unwrap_or(h), to))
                || self
                    .host_map
                    .iter()
                    .any(|(_, t)| under(to, t) || under(t, to))
        };
        let to = ["local", "tilt", "local-tilt"]
            .iter()
            .map(|p| format!("{p}.{domain}"))
            .find(|to| !taken(to))?;
        Some((domain.to_string(), to))
    }

    /// Where `host` goes under the host map (docs/rules.md#rule-4).
    pub fn map_host(&self, host: &str) -> Mapped {
        if self.host_map.iter().any(|(_, to)| under(host, to)) {
            return Mapped::Already;
        }
        // Longest matching `from` suffix wins (the map is sorted longest first).
        for (from, to) in &self.host_map {
            if under(host, from) {
                return Mapped::To(format!("{}{to}", &host[..host.len() - from.len()]));
            }
        }
        Mapped::Unmapped
    }
}

#[cfg(test)]
mod tests;
