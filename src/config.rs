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
//! verbose: false
//! references:
//!   - kind: Database.example.com
//!     path: spec.credentials.secretName
//!     target: Secret
//! ```

use crate::cli::Given;
use crate::error::Error;
use crate::refs::{self, KindSel, Rule};
use crate::syntax::{self, Doc, NodeId};

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
    pub drop_kinds: Vec<KindSel>,
    pub redis_secret: String,
    pub redis_key: String,
    pub redis_env: String,
    pub redis: bool,
    pub string_refs: bool,
    pub strict_names: bool,
    pub verbose: bool,
    /// Built-in reference table plus the config file's `references:`.
    pub rules: Vec<Rule>,
}

impl Default for Config {
    fn default() -> Self {
        Config::resolve(Given::default()).expect("the defaults are valid")
    }
}

/// What the config file said (all optional).
#[derive(Default)]
struct FileSettings {
    given: Given,
    references: Vec<Rule>,
}

const FILE_KEYS: &[&str] = &[
    "suffix",
    "host_map",
    "listener",
    "drop_kind",
    "redis_secret",
    "redis_env",
    "no_redis",
    "no_string_refs",
    "strict_names",
    "verbose",
    "references",
];

fn file_error(path: &str, line: usize, msg: impl std::fmt::Display) -> Error {
    Error::usage(format!("config file {path} line {line}: {msg}"))
}

fn read_file(path: &str, text: &str) -> Result<FileSettings, Error> {
    let mut out = FileSettings::default();
    let mut docs = 0;
    let parsed = syntax::for_each_doc(text, |doc: &Doc<'_>| -> Result<(), Error> {
        let Some(root) = doc.root() else {
            return Ok(());
        };
        if doc.is_null(root) {
            return Ok(());
        }
        docs += 1;
        if docs > 1 {
            return Err(file_error(
                path,
                doc.node(root).line,
                "expected one YAML document",
            ));
        }
        if !doc.is_map(root) {
            return Err(file_error(
                path,
                doc.node(root).line,
                "expected a mapping of settings",
            ));
        }
        read_settings(path, doc, root, &mut out)
    });
    match parsed {
        Err(e) => Err(file_error(
            path,
            e.line,
            format!("invalid YAML: {}", e.message),
        )),
        Ok(r) => r.map(|()| out),
    }
}

fn read_settings(
    path: &str,
    doc: &Doc<'_>,
    root: NodeId,
    out: &mut FileSettings,
) -> Result<(), Error> {
    let string = |v: NodeId, key: &str| -> Result<String, Error> {
        doc.str(v)
            .filter(|_| !doc.is_null(v))
            .map(str::to_string)
            .ok_or_else(|| file_error(path, doc.node(v).line, format!("`{key}` must be a string")))
    };
    let list = |v: NodeId, key: &str| -> Result<Vec<String>, Error> {
        if doc.is_seq(v) {
            doc.children(v).map(|i| string(i, key)).collect()
        } else {
            Ok(vec![string(v, key)?])
        }
    };
    let boolean = |v: NodeId, key: &str| -> Result<bool, Error> {
        match doc.str(v) {
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            _ => Err(file_error(
                path,
                doc.node(v).line,
                format!("`{key}` must be true or false"),
            )),
        }
    };
    for (k, v) in doc.pairs(root) {
        let key = doc.str(k).unwrap_or("");
        let g = &mut out.given;
        match key {
            "suffix" => g.suffix = Some(string(v, key)?),
            // Either a list of `FROM=TO` (the flag's spelling) or a mapping FROM: TO.
            "host_map" if doc.is_map(v) => {
                let mut pairs = Vec::new();
                for (from, to) in doc.pairs(v) {
                    pairs.push(format!("{}={}", string(from, key)?, string(to, key)?));
                }
                g.host_map = Some(pairs);
            }
            "host_map" => g.host_map = Some(list(v, key)?),
            "listener" => g.listener = Some(string(v, key)?),
            "drop_kind" => g.drop_kind = Some(list(v, key)?),
            "redis_secret" => g.redis_secret = Some(string(v, key)?),
            "redis_env" => g.redis_env = Some(string(v, key)?),
            "no_redis" => g.no_redis = Some(boolean(v, key)?),
            "no_string_refs" => g.no_string_refs = Some(boolean(v, key)?),
            "strict_names" => g.strict_names = Some(boolean(v, key)?),
            "verbose" => g.verbose = Some(boolean(v, key)?),
            "references" => {
                if !doc.is_seq(v) {
                    return Err(file_error(
                        path,
                        doc.node(v).line,
                        "`references` must be a list",
                    ));
                }
                for item in doc.children(v) {
                    let line = doc.node(item).line;
                    let field = |f: &str| doc.get(item, f).map(|n| string(n, f)).transpose();
                    let (Some(kind), Some(p), Some(target)) =
                        (field("kind")?, field("path")?, field("target")?)
                    else {
                        return Err(file_error(
                            path,
                            line,
                            "each reference needs `kind` (referring kind), `path` and `target`",
                        ));
                    };
                    for (k, _) in doc.pairs(item) {
                        let name = doc.str(k).unwrap_or("");
                        if !matches!(name, "kind" | "path" | "target" | "namespace_from") {
                            return Err(file_error(
                                path,
                                doc.node(k).line,
                                format!(
                                    "unknown reference field `{name}` (known: kind, path, target, namespace_from)"
                                ),
                            ));
                        }
                    }
                    let ns = field("namespace_from")?;
                    let rules = Rule::build(&kind, &p, &target, ns.as_deref())
                        .map_err(|e| file_error(path, line, e))?;
                    out.references.extend(rules);
                }
            }
            _ => {
                return Err(file_error(
                    path,
                    doc.node(k).line,
                    format!("unknown setting `{key}` (known: {})", FILE_KEYS.join(", ")),
                ));
            }
        }
    }
    Ok(())
}

fn is_dns_chars(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

impl Config {
    /// Merges flags/env with the config file and the defaults, and validates.
    pub fn resolve(given: Given) -> Result<Config, Error> {
        let file = match &given.config {
            None => FileSettings::default(),
            Some(p) => {
                let shown = p.display().to_string();
                let bytes = std::fs::read(p).map_err(|e| {
                    Error::usage(format!("cannot read config file {shown}: {e}"))
                        .with_hint("pass an existing file to --config (or AMEIDE_TILT_CONFIG)")
                })?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| Error::usage(format!("config file {shown} is not valid UTF-8")))?;
                read_file(&shown, &text)?
            }
        };
        let f = file.given;
        let suffix = given
            .suffix
            .or(f.suffix)
            .unwrap_or_else(|| DEFAULT_SUFFIX.into());
        if !is_dns_chars(&suffix) || suffix.contains('.') {
            return Err(Error::usage(format!(
                "suffix {suffix:?} must be lowercase letters, digits and `-` (it ends up in names and label values)"
            ))
            .with_hint("--suffix -tilt"));
        }
        let mut host_map = Vec::new();
        for m in given
            .host_map
            .or(f.host_map)
            .unwrap_or_else(|| vec![DEFAULT_HOST_MAP.into()])
        {
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
        let listener = given
            .listener
            .or(f.listener)
            .unwrap_or_else(|| DEFAULT_LISTENER.into());
        if listener.is_empty() {
            return Err(
                Error::usage("listener must not be empty").with_hint("--listener https-local")
            );
        }
        let mut drop_kinds = Vec::new();
        for k in given
            .drop_kind
            .or(f.drop_kind)
            .unwrap_or_else(|| vec![DEFAULT_DROP_KIND.into()])
        {
            let sel = KindSel::parse(k.trim());
            if sel.kind.is_empty() || !sel.kind.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(
                    Error::usage(format!("drop kind {k:?} is not KIND or KIND.GROUP"))
                        .with_hint("--drop-kind ExternalSecret.external-secrets.io"),
                );
            }
            drop_kinds.push(sel);
        }
        let redis_secret_full = given
            .redis_secret
            .or(f.redis_secret)
            .unwrap_or_else(|| DEFAULT_REDIS_SECRET.into());
        let Some((redis_secret, redis_key)) = redis_secret_full
            .split_once('/')
            .filter(|(n, k)| !n.is_empty() && !k.is_empty() && !k.contains('/'))
        else {
            return Err(Error::usage(format!(
                "redis secret {redis_secret_full:?} is not NAME/KEY"
            ))
            .with_hint("--redis-secret redis-auth/password"));
        };
        let redis_env = given
            .redis_env
            .or(f.redis_env)
            .unwrap_or_else(|| DEFAULT_REDIS_ENV.into());
        if redis_env.is_empty() {
            return Err(
                Error::usage("redis env must not be empty").with_hint("--redis-env REDIS_PASSWORD")
            );
        }
        let mut rules = refs::parse_table(refs::BUILTIN).map_err(Error::usage)?;
        rules.extend(file.references);
        Ok(Config {
            suffix,
            host_map,
            listener,
            drop_kinds,
            redis_secret: redis_secret.to_string(),
            redis_key: redis_key.to_string(),
            redis_env,
            redis: !given.no_redis.or(f.no_redis).unwrap_or(false),
            string_refs: !given.no_string_refs.or(f.no_string_refs).unwrap_or(false),
            strict_names: given.strict_names.or(f.strict_names).unwrap_or(false),
            verbose: given.verbose.or(f.verbose).unwrap_or(false),
            rules,
        })
    }
}
