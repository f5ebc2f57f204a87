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
//! verbose: false
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
use crate::k8s::{HostRule, K8s, OperatorObjects, ReferenceShape};
use serde_saphyr::Spanned;

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
    pub verbose: bool,
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

fn file_error(path: &str, line: u64, msg: impl std::fmt::Display) -> Error {
    Error::usage(format!("config file {path} line {line}: {msg}"))
}

/// Reads the config file's text. An empty file (or only comments) sets nothing.
fn read_file(path: &str, text: &str) -> Result<Settings, Error> {
    let blank = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---");
    if blank {
        return Ok(Settings::default());
    }
    serde_saphyr::from_str(text).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line());
        // The message without the parser's own position prefix and snippet.
        let msg = e.without_snippet().to_string();
        let msg = msg.strip_prefix("error: ").unwrap_or(&msg);
        let msg = match msg.split_once(": ") {
            Some((at, rest)) if at.starts_with("line ") => rest,
            _ => msg,
        };
        file_error(path, line, msg)
    })
}

/// The file's `references:`, `produces:`, `host_claims:` and `operator_objects:`
/// as table rules, each
/// error at its entry's line; they extend the built-in tables.
fn file_tables(path: &str, k8s: &mut K8s, f: &Settings) -> Result<(), Error> {
    for r in &f.references {
        let rules = k8s
            .rules_for(&r.value)
            .map_err(|e| file_error(path, r.referenced.line(), e))?;
        k8s.references.extend(rules);
    }
    for r in &f.produces {
        let rules = k8s
            .rules_for(&r.value)
            .map_err(|e| file_error(path, r.referenced.line(), e))?;
        k8s.produces.extend(rules);
    }
    for c in &f.host_claims {
        let rule =
            HostRule::build(&c.value).map_err(|e| file_error(path, c.referenced.line(), e))?;
        k8s.host_claims.push(rule);
    }
    for o in &f.operator_objects {
        let made = OperatorObjects::build(&o.value)
            .map_err(|e| file_error(path, o.referenced.line(), e))?;
        k8s.operator_objects.push(made);
    }
    Ok(())
}

/// The file's `reference_shapes:`, each error at its entry's line.
fn file_shapes(path: &str, k8s: &mut K8s, shapes: &[Spanned<ReferenceShape>]) -> Result<(), Error> {
    for s in shapes {
        let shape =
            K8s::shape_for(&s.value).map_err(|e| file_error(path, s.referenced.line(), e))?;
        k8s.shapes.push(shape);
    }
    Ok(())
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
        let (path, f) = match config {
            None => (String::new(), Settings::default()),
            Some(p) => {
                let shown = p.display().to_string();
                let bytes = std::fs::read(p).map_err(|e| {
                    Error::usage(format!("cannot read config file {shown}: {e}"))
                        .with_hint("pass an existing file to --config (or AMEIDE_TILT_CONFIG)")
                })?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| Error::usage(format!("config file {shown} is not valid UTF-8")))?;
                let f = read_file(&shown, &text)?;
                (shown, f)
            }
        };
        let mut k8s = K8s::builtin().map_err(Error::usage)?.clone();
        // Tables come from the file; a caller of the library may give some in
        // `given` too (the flags have none): both extend the built-in ones.
        for (from, tables) in [(path.as_str(), &f), ("the settings given", &given)] {
            file_tables(from, &mut k8s, tables)?;
            file_shapes(from, &mut k8s, &tables.reference_shapes)?;
        }
        let suffix = suffix(given.suffix.or(f.suffix))?;
        let host_map = host_map(given.host_map.or(f.host_map))?;
        let listener = given
            .listener
            .or(f.listener)
            .unwrap_or_else(|| DEFAULT_LISTENER.into());
        if listener.is_empty() {
            return Err(
                Error::usage("listener must not be empty").with_hint("--listener https-local")
            );
        }
        let drop_kind = given.drop_kind.or(f.drop_kind);
        let drop_kinds_given = drop_kind.is_some();
        let drop_kinds = drop_kinds(drop_kind)?;
        let (redis_secret, redis_key) = redis_secret(given.redis_secret.or(f.redis_secret))?;
        let redis_env = given
            .redis_env
            .or(f.redis_env)
            .unwrap_or_else(|| DEFAULT_REDIS_ENV.into());
        if redis_env.is_empty() {
            return Err(
                Error::usage("redis env must not be empty").with_hint("--redis-env REDIS_PASSWORD")
            );
        }
        let fork = fork(given.fork.or(f.fork))?;
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
            verbose: given.verbose.or(f.verbose).unwrap_or(false),
            k8s,
        })
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

/// Where a hostname goes under the host map.
#[derive(Debug, PartialEq, Eq)]
pub enum Mapped {
    /// Already under a target domain.
    Already,
    To(String),
    Unmapped,
}

fn under(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

fn suffix(given: Option<String>) -> Result<String, Error> {
    let suffix = given.unwrap_or_else(|| DEFAULT_SUFFIX.into());
    if !is_dns_chars(&suffix) || suffix.contains('.') {
        return Err(Error::usage(format!(
            "suffix {suffix:?} must be lowercase letters, digits and `-` (it ends up in names and label values)"
        ))
        .with_hint("--suffix -tilt"));
    }
    Ok(suffix)
}

fn host_map(given: Option<Vec<String>>) -> Result<Vec<(String, String)>, Error> {
    let mut host_map = Vec::new();
    for m in given.unwrap_or_else(|| vec![DEFAULT_HOST_MAP.into()]) {
        let Some((from, to)) = m.split_once('=') else {
            return Err(Error::usage(format!("host map {m:?} is not FROM=TO"))
                .with_hint("--host-map dev.ameide.io=local.ameide.io"));
        };
        let (from, to) = (
            from.trim().trim_start_matches('.'),
            to.trim().trim_start_matches('.'),
        );
        if !is_dns_chars(from) || !is_dns_chars(to) || from == to {
            return Err(Error::usage(format!(
                "host map {m:?}: both sides must be different lowercase domain names"
            ))
            .with_hint("--host-map dev.ameide.io=local.ameide.io"));
        }
        host_map.push((from.to_string(), to.to_string()));
    }
    host_map.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    Ok(host_map)
}

fn drop_kinds(given: Option<Vec<String>>) -> Result<Vec<DropKind>, Error> {
    let mut out = Vec::new();
    for k in given.unwrap_or_else(|| vec![DEFAULT_DROP_KIND.into()]) {
        out.push(DropKind::parse(k.trim()).ok_or_else(|| {
            Error::usage(format!(
                "drop kind {k:?} is not KIND, KIND.GROUP or KIND.VERSION.GROUP"
            ))
            .with_hint("--drop-kind ExternalSecret.external-secrets.io")
        })?);
    }
    Ok(out)
}

/// A kind to drop, matched the way `kubectl get` matches a resource:
/// case-insensitive, by kind (`ExternalSecret`, `externalsecret`) or plural
/// (`externalsecrets`), optionally with its group (`externalsecrets.external-secrets.io`)
/// or version and group (`externalsecrets.v1beta1.external-secrets.io`; the
/// version is not compared: one object is served under each).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DropKind {
    /// As given, for messages.
    pub given: String,
    word: String,
    group: Option<String>,
}

impl DropKind {
    pub fn parse(s: &str) -> Option<DropKind> {
        let (word, rest) = match s.split_once('.') {
            Some((w, r)) => (w, Some(r)),
            None => (s, None),
        };
        let version = |v: &str| {
            v.strip_prefix('v').is_some_and(|r| {
                r.starts_with(|c: char| c.is_ascii_digit())
                    && r.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
        };
        let group = rest.map(|r| match r.split_once('.') {
            Some((v, g)) if version(v) => g,
            _ => r,
        });
        let ok = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric());
        ok.then(|| DropKind {
            given: s.to_string(),
            word: word.to_ascii_lowercase(),
            group: group.map(str::to_ascii_lowercase),
        })
    }

    pub fn matches(&self, kind: &str, group: &str, k8s: &K8s) -> bool {
        self.group
            .as_deref()
            .is_none_or(|g| g.eq_ignore_ascii_case(group))
            && (kind.eq_ignore_ascii_case(&self.word)
                || (self.word.len() > kind.len()
                    && k8s.plural(kind).eq_ignore_ascii_case(&self.word)))
    }
}

/// What `--fork` chooses (docs/fork.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForkSel {
    /// `KIND/NAME`: the object of that kind (any case, `Kind.group`) and baseline name.
    Object(KindSel, String),
    /// `NAME`: every workload of that name, whatever its kind.
    Name(String),
    /// `image=GLOB`: every workload with a container whose image matches.
    Image(String),
}

impl ForkSel {
    /// The selector as the user wrote it, for messages.
    pub fn shown(&self) -> String {
        match self {
            ForkSel::Object(k, n) => match &k.group {
                Some(g) => format!("{}.{g}/{n}", k.kind),
                None => format!("{}/{n}", k.kind),
            },
            ForkSel::Name(n) => n.clone(),
            ForkSel::Image(g) => format!("image={g}"),
        }
    }
}

fn fork(given: Option<Vec<String>>) -> Result<Vec<ForkSel>, Error> {
    let mut out = Vec::new();
    for s in given.unwrap_or_default() {
        let s = s.trim();
        let sel = if let Some(glob) = s.strip_prefix("image=") {
            (!glob.is_empty()).then(|| ForkSel::Image(glob.to_string()))
        } else if let Some((kind, name)) = s.split_once('/') {
            let k = KindSel::parse(kind);
            let ok = !k.kind.is_empty()
                && k.kind.chars().all(|c| c.is_ascii_alphanumeric())
                && k.group.as_ref().is_none_or(|g| !g.is_empty())
                && !name.is_empty()
                && !name.contains('/');
            ok.then(|| ForkSel::Object(k, name.to_string()))
        } else {
            (!s.is_empty() && !s.contains('=')).then(|| ForkSel::Name(s.to_string()))
        };
        match sel {
            Some(sel) if !out.contains(&sel) => out.push(sel),
            Some(_) => {}
            None => {
                return Err(Error::usage(format!(
                    "fork selector {s:?} is not KIND/NAME, NAME or image=GLOB"
                ))
                .with_hint(
                    "--fork Deployment/web, --fork web or --fork 'image=ghcr.io/acme/web*'",
                ));
            }
        }
    }
    Ok(out)
}

/// `NAME/KEY` split in two.
fn redis_secret(given: Option<String>) -> Result<(String, String), Error> {
    let full = given.unwrap_or_else(|| DEFAULT_REDIS_SECRET.into());
    match full
        .split_once('/')
        .filter(|(n, k)| !n.is_empty() && !k.is_empty() && !k.contains('/'))
    {
        Some((n, k)) => Ok((n.to_string(), k.to_string())),
        None => Err(
            Error::usage(format!("redis secret {full:?} is not NAME/KEY"))
                .with_hint("--redis-secret redis-auth/password"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_map_longest_suffix_and_wildcards() {
        let cfg = Config {
            host_map: vec![
                ("eu.dev.ameide.io".into(), "eu.local.ameide.io".into()),
                ("dev.ameide.io".into(), "local.ameide.io".into()),
            ],
            ..Config::default()
        };
        assert_eq!(
            cfg.map_host("a.eu.dev.ameide.io"),
            Mapped::To("a.eu.local.ameide.io".into())
        );
        assert_eq!(
            cfg.map_host("*.dev.ameide.io"),
            Mapped::To("*.local.ameide.io".into())
        );
        assert_eq!(
            cfg.map_host("dev.ameide.io"),
            Mapped::To("local.ameide.io".into())
        );
        assert_eq!(cfg.map_host("www.local.ameide.io"), Mapped::Already);
        assert_eq!(cfg.map_host("xdev.ameide.io"), Mapped::Unmapped);
        assert_eq!(cfg.map_host("example.com"), Mapped::Unmapped);
    }
}
