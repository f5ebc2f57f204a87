//! One setting's value, checked: the suffix, the host map, drop kinds, fork
//! selectors and the Redis secret, each with the error that says how to fix it.

use super::*;

/// Where a hostname goes under the host map.
#[derive(Debug, PartialEq, Eq)]
pub enum Mapped {
    /// Already under a target domain.
    Already,
    To(String),
    Unmapped,
}

pub(super) fn under(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// The suffix; or why not (the message), with the suffix it seems to mean.
pub(super) fn suffix(given: Option<String>) -> Result<String, (String, String)> {
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
pub(super) fn meant_suffix(suffix: &str) -> String {
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
pub(super) fn host_map(
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
pub(super) fn host_entry(m: &str) -> Result<(String, String), String> {
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

pub(super) fn drop_kinds(given: Option<Vec<String>>) -> Result<Vec<DropKind>, Error> {
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

pub(super) fn fork(given: Option<Vec<String>>) -> Result<Vec<ForkSel>, Error> {
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
pub(super) fn redis_secret(given: Option<String>) -> Result<(String, String), Error> {
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
