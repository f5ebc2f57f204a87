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

/// The config file as read, for the errors of its entries and values: its path
/// and the line of each top-level key.
struct FileSettings<'a> {
    path: &'a str,
    keys: Vec<(String, u64)>,
}

impl FileSettings<'_> {
    fn line_of(&self, key: &str) -> Option<u64> {
        self.keys.iter().find(|(k, _)| k == key).map(|&(_, l)| l)
    }

    /// The top-level key a line belongs to: the last one at or above it.
    fn key_at(&self, line: u64) -> Option<&str> {
        self.keys
            .iter()
            .filter(|&&(_, l)| l <= line)
            .max_by_key(|&&(_, l)| l)
            .map(|(k, _)| k.as_str())
    }

    /// `config file F line N at KEY`, each part once, where known.
    fn at(&self, line: Option<u64>, key: Option<&str>) -> String {
        let mut at = format!("config file {}", self.path);
        if let Some(l) = line.filter(|&l| l > 0) {
            at.push_str(&format!(" line {l}"));
        }
        if let Some(k) = key {
            at.push_str(&format!(" at {k}"));
        }
        at
    }

    /// An error in an entry of the table `key`, at `line`.
    fn entry_error(&self, line: u64, key: &str, msg: impl std::fmt::Display) -> Error {
        let msg = msg.to_string();
        let msg = msg.strip_prefix(&format!("{key}: ")).unwrap_or(&msg);
        Error::usage(format!("{}: {msg}", self.at(Some(line), Some(key))))
    }

    /// An error in the value the file gives `key`: it names the file, the line
    /// and the key, and its fix (`write …`) is an edit of the file, not a flag.
    fn value_error(&self, e: Error, key: &str, fix: &str) -> Error {
        // The message without its own name of the setting (`suffix "x" must …`,
        // `fork selector "x" is …`): the key names it.
        let label = key.replace('_', " ");
        let message = e
            .message
            .strip_prefix(label.as_str())
            .map_or(e.message.as_str(), |rest| {
                rest.strip_prefix(" selector").unwrap_or(rest).trim_start()
            });
        Error::usage(format!(
            "{}: {message}",
            self.at(self.line_of(key), Some(key))
        ))
        .with_hint(format!("in {}, {fix}", self.path))
    }
}

/// The top-level keys of the config file, each with its line.
struct KeyLines(Vec<(String, u64)>);

impl<'de> Deserialize<'de> for KeyLines {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyLines;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyLines, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    map.next_value::<IgnoredAny>()?;
                    out.push((k.value, k.referenced.line()));
                }
                Ok(KeyLines(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads the config file's text. An empty file (or only comments) sets nothing.
fn read_file<'a>(path: &'a str, text: &str) -> Result<(Settings, FileSettings<'a>), Error> {
    let keys = serde_saphyr::from_str::<KeyLines>(text).map_or_else(|_| Vec::new(), |k| k.0);
    let file = FileSettings { path, keys };
    let blank = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---");
    if blank {
        return Ok((Settings::default(), file));
    }
    match serde_saphyr::from_str(text) {
        Ok(settings) => Ok((settings, file)),
        Err(e) => {
            let line = e.location().map_or(0, |l| l.line());
            // The message without the parser's own position and snippet.
            let msg = e.without_snippet().to_string();
            Err(parse_error(&file, line, without_position(&msg)))
        }
    }
}

/// The parser's message without its `error: line N column M:` prefix and its
/// `at line N, column M` suffix: the error names the line once, itself.
fn without_position(msg: &str) -> &str {
    let msg = msg.strip_prefix("error: ").unwrap_or(msg);
    let msg = match msg.split_once(": ") {
        Some((at, rest)) if at.starts_with("line ") => rest,
        _ => msg,
    };
    let number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    match msg.rfind(" at line ") {
        Some(i)
            if msg[i + " at line ".len()..]
                .split_once(", column ")
                .is_some_and(|(l, c)| number(l) && number(c)) =>
        {
            &msg[..i]
        }
        _ => msg,
    }
}

/// A config file the parser refuses: an unknown key (with the known one it
/// seems to mean) or a wrong type, at its line and under its top-level key.
fn parse_error(file: &FileSettings<'_>, line: u64, msg: &str) -> Error {
    let Some((name, expected)) = msg
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
    else {
        let key = file.key_at(line);
        let e = Error::usage(format!("{}: {msg}", file.at(Some(line), key)));
        return match key {
            Some(key) if msg.starts_with("invalid boolean") => e.with_hint(format!(
                "in {}, write `{key}: true` or `{key}: false`",
                file.path
            )),
            _ => e,
        };
    };
    // serde's list: "expected one of `a`, `b`", "expected `a` or `b`"; the
    // parser's own: "expected one of a, b".
    let known: Vec<&str> = expected
        .trim_start_matches([',', ' '])
        .strip_prefix("expected ")
        .unwrap_or("")
        .trim_start_matches("one of ")
        .split(", ")
        .flat_map(|s| s.split(" or "))
        .map(|s| s.trim().trim_matches('`'))
        .filter(|s| !s.is_empty())
        .collect();
    let top = file.line_of(name) == Some(line);
    let (what, under) = if top {
        ("key", None)
    } else {
        ("field", file.key_at(line))
    };
    let at = file.at(Some(line), under);
    match did_you_mean(name, &known) {
        Some(meant) => Error::usage(format!(
            "{at}: unknown {what} `{name}`; did you mean `{meant}`?"
        ))
        .with_hint(format!("in {}, rename `{name}` to `{meant}`", file.path)),
        None if known.is_empty() => Error::usage(format!("{at}: unknown {what} `{name}`")),
        None => Error::usage(format!("{at}: unknown {what} `{name}`")).with_hint(format!(
            "in {}, use one of the {what}s {}",
            file.path,
            known.join(", ")
        )),
    }
}

/// The known name `name` is a misspelling of: the nearest by edit distance
/// (a swap of two neighbours is one edit; `-` for `_` and case are none), when
/// it is near enough (a third of its length).
pub fn did_you_mean<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let name = norm(name);
    known
        .iter()
        .map(|&k| (edit_distance(&name, &norm(k)), k))
        .filter(|&(d, k)| d <= (k.chars().count() / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and
/// swaps of neighbours.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The file's `references:`, `produces:`, `host_claims:` and `operator_objects:`
/// as table rules, each error at its entry's line; they extend the built-in
/// tables.
fn file_tables(file: &FileSettings<'_>, k8s: &mut K8s, f: &Settings) -> Result<(), Error> {
    fn lines<T>(v: &[Spanned<T>]) -> Vec<(&T, u64)> {
        v.iter().map(|e| (&e.value, e.referenced.line())).collect()
    }
    let entries = TableEntries {
        references: lines(&f.references),
        produces: lines(&f.produces),
        reference_shapes: lines(&f.reference_shapes),
        host_claims: lines(&f.host_claims),
        operator_objects: lines(&f.operator_objects),
    };
    k8s.extend(&entries, |key, line, e| file.entry_error(line, key, e))
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

/// The suffix; or why not (the message), with the suffix it seems to mean.
fn suffix(given: Option<String>) -> Result<String, (String, String)> {
    let suffix = given.unwrap_or_else(|| DEFAULT_SUFFIX.into());
    let why = if suffix.is_empty() {
        "must not be empty: the copy would take the baseline's names".to_string()
    } else if suffix.contains('.') {
        format!(
            "must not hold a `.`: a Service's name is a DNS label, and in a URL `web{suffix}` reads as a Service in another namespace"
        )
    } else if !is_dns_chars(&suffix) {
        "must be lowercase letters, digits and `-` (it ends up in names and label values)"
            .to_string()
    } else if !suffix.starts_with('-') {
        format!(
            "must start with `-`: it is appended to every name (`web` would become `web{suffix}`)"
        )
    } else if !suffix.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        format!(
            "must end with a letter or digit, as names and label values do (`web{suffix}` is no valid name)"
        )
    } else {
        return Ok(suffix);
    };
    Err((format!("suffix {suffix:?} {why}"), meant_suffix(&suffix)))
}

/// The valid suffix a refused one seems to mean: lowercase, `-` for every other
/// character, one `-` in front (`.Dev` → `-dev`; nothing left → `-tilt`).
fn meant_suffix(suffix: &str) -> String {
    let word: String = suffix
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let word = word.trim_matches('-');
    if word.is_empty() {
        DEFAULT_SUFFIX.to_string()
    } else {
        format!("-{word}")
    }
}

/// The host map: the default entry, then the file's entries, then the flags' or
/// the environment's, in order. An entry for a FROM not yet mapped is added; one
/// for a FROM already mapped replaces that entry (docs/configuration.md#the-host-map).
/// `file` wraps the error of an entry from the config file.
fn host_map(
    from_file: Option<Vec<String>>,
    given: Option<Vec<String>>,
    file: &FileSettings<'_>,
) -> Result<Vec<(String, String)>, Error> {
    let mut host_map: Vec<(String, String)> = Vec::new();
    let entries = std::iter::once((DEFAULT_HOST_MAP.to_string(), false))
        .chain(from_file.into_iter().flatten().map(|m| (m, true)))
        .chain(given.into_iter().flatten().map(|m| (m, false)));
    for (m, in_file) in entries {
        let (from, to) = match host_entry(&m) {
            Ok(entry) => entry,
            Err(example) => {
                let e = Error::usage(format!(
                    "host map {m:?} is not FROM=TO with two different lowercase domain names"
                ));
                return Err(if in_file {
                    file.value_error(e, "host_map", &format!("write the entry as `{example}`"))
                } else {
                    e.with_hint(format!("--host-map {example}"))
                });
            }
        };
        match host_map.iter_mut().find(|(f, _)| *f == from) {
            Some(entry) => entry.1 = to,
            None => host_map.push((from, to)),
        }
    }
    host_map.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    Ok(host_map)
}

/// One `FROM=TO` entry, or the entry it seems to mean (`example.com` →
/// `example.com=local.example.com`) for the error's fix.
fn host_entry(m: &str) -> Result<(String, String), String> {
    let (from, to) = m.split_once('=').unwrap_or((m, ""));
    let (from, to) = (
        from.trim().trim_start_matches('.'),
        to.trim().trim_start_matches('.'),
    );
    if is_dns_chars(from) && is_dns_chars(to) && from != to && m.contains('=') {
        return Ok((from.to_string(), to.to_string()));
    }
    let (from, to) = (from.to_ascii_lowercase(), to.to_ascii_lowercase());
    if !is_dns_chars(&from) {
        return Err(DEFAULT_HOST_MAP.to_string());
    }
    let to = if is_dns_chars(&to) && to != from {
        to
    } else {
        format!("local.{from}")
    };
    Err(format!("{from}={to}"))
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

    fn no_file() -> FileSettings<'static> {
        FileSettings {
            path: "",
            keys: Vec::new(),
        }
    }

    #[test]
    fn host_map_entries_add_or_replace_by_from() {
        let map = |file: &[&str], given: &[&str]| {
            let list = |l: &[&str]| Some(l.iter().map(|s| s.to_string()).collect());
            host_map(list(file), list(given), &no_file()).unwrap()
        };
        let pair = |f: &str, t: &str| (f.to_string(), t.to_string());
        assert_eq!(
            map(&[], &["example.com=local.example.com"]),
            [
                pair("dev.ameide.io", "local.ameide.io"),
                pair("example.com", "local.example.com")
            ]
        );
        assert_eq!(
            map(
                &["dev.ameide.io=bob.local.ameide.io"],
                &["dev.ameide.io=alice.local.ameide.io"]
            ),
            [pair("dev.ameide.io", "alice.local.ameide.io")]
        );
        // The later of two entries for one FROM wins, and the longest FROM comes first.
        assert_eq!(
            map(
                &["eu.dev.ameide.io=eu.local.ameide.io"],
                &[".dev.ameide.io=x.test", "dev.ameide.io=y.test"]
            ),
            [
                pair("eu.dev.ameide.io", "eu.local.ameide.io"),
                pair("dev.ameide.io", "y.test")
            ]
        );
    }

    #[test]
    fn a_refused_host_map_entry_names_the_one_it_seems_to_mean() {
        assert_eq!(
            host_entry("example.com"),
            Err("example.com=local.example.com".into())
        );
        assert_eq!(host_entry("A.io=B.io"), Err("a.io=b.io".into()));
        assert_eq!(host_entry("a.io=a.io"), Err("a.io=local.a.io".into()));
        assert_eq!(host_entry("https://x"), Err(DEFAULT_HOST_MAP.into()));
        assert_eq!(
            host_entry(" a.io = b.io "),
            Ok(("a.io".into(), "b.io".into()))
        );
    }

    #[test]
    fn the_entry_for_an_unmapped_host() {
        let cfg = Config::default();
        let entry = |h: &str| cfg.host_map_entry_for(h);
        let pair = |f: &str, t: &str| Some((f.to_string(), t.to_string()));
        assert_eq!(
            entry("shop.example.com"),
            pair("example.com", "local.example.com")
        );
        assert_eq!(
            entry("*.example.com"),
            pair("example.com", "local.example.com")
        );
        assert_eq!(
            entry("a.b.example.co.uk"),
            pair("b.example.co.uk", "local.b.example.co.uk")
        );
        assert_eq!(
            entry("example.com"),
            pair("example.com", "local.example.com")
        );
        assert_eq!(entry("localhost"), pair("localhost", "local.localhost"));
        assert_eq!(entry("10.0.0.1"), pair("10.0.0.1", "local.10.0.0.1"));
        // The host is that very name: `tilt.` instead.
        assert_eq!(
            entry("local.example.com"),
            pair("example.com", "tilt.example.com")
        );
        // Another entry maps to `local.ameide.io` already: two hosts must not meet.
        assert_eq!(entry("api.ameide.io"), pair("ameide.io", "tilt.ameide.io"));
        assert_eq!(entry("Shop.Example.com"), None);
        // Every entry it gives covers its host, and maps it away from itself.
        for host in [
            "shop.example.com",
            "local.example.com",
            "api.ameide.io",
            "x",
        ] {
            let (from, to) = entry(host).unwrap();
            let mut with = cfg.clone();
            with.host_map.push((from, to));
            assert!(matches!(with.map_host(host), Mapped::To(_)), "{host}");
        }
    }

    #[test]
    fn suffixes_start_with_a_dash_and_end_with_a_letter_or_digit() {
        assert_eq!(suffix(Some("-dev".into())), Ok("-dev".into()));
        assert_eq!(
            suffix(Some("-tilt-alice2".into())),
            Ok("-tilt-alice2".into())
        );
        for (bad, meant) in [
            ("tilt", "-tilt"),
            (".tilt", "-tilt"),
            ("-Tilt_Alice", "-tilt-alice"),
            ("-tilt-", "-tilt"),
            ("", "-tilt"),
            ("-", "-tilt"),
        ] {
            let (_, m) = suffix(Some(bad.into())).unwrap_err();
            assert_eq!(m, meant, "{bad:?}");
            assert_eq!(suffix(Some(m.clone())), Ok(m), "{bad:?}");
        }
    }

    #[test]
    fn misspelt_names_find_the_one_they_mean() {
        let keys = ["suffix", "host_map", "listener", "no_string_refs", "strict"];
        assert_eq!(did_you_mean("hostmap", &keys), Some("host_map"));
        assert_eq!(did_you_mean("host-map", &keys), Some("host_map"));
        assert_eq!(did_you_mean("HostMap", &keys), Some("host_map"));
        assert_eq!(did_you_mean("sufix", &keys), Some("suffix"));
        assert_eq!(did_you_mean("sufifx", &keys), Some("suffix"));
        assert_eq!(did_you_mean("lisetner", &keys), Some("listener"));
        assert_eq!(did_you_mean("colour", &keys), None);
        assert_eq!(did_you_mean("strict", &keys), Some("strict"));
    }

    #[test]
    fn parser_positions_are_said_once() {
        assert_eq!(
            without_position("invalid boolean at line 2, column 11"),
            "invalid boolean"
        );
        assert_eq!(
            without_position("error: line 3 column 4: unknown field `x` at line 3, column 4"),
            "unknown field `x`"
        );
        assert_eq!(without_position("a host at line 7"), "a host at line 7");
    }

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
