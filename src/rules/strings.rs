//! Rule 9: own hosts and Services inside strings. In every string of every
//! object — env values, args, ConfigMap data, annotations, custom resource
//! fields, Secret `stringData` and (decoded) `data` — (a) a hostname this stream
//! claims goes through the host map, and (b) one of this stream's Services used
//! as a host (`scheme://svc`, `user@svc`, `svc:port`, `svc.ns`, `svc.ns.svc`,
//! `svc.ns.svc.cluster.local`, `KEY=svc` / `key: svc` where the key says host)
//! follows its rename; so does a bare Service name that is the whole value of a
//! key, env var or flag whose name says host (`POSTGRES_HOST`, `--db-host`,
//! `--service-name`) or of a field that describes hosts (a Certificate's
//! `dnsNames` and `commonName`: `host_claims` with `claims: false`), and a
//! headless Service's pods named by a wildcard (`*.svc-headless.ns.svc`).
//!
//! ```yaml
//! value: "https://www.dev.ameide.io"      value: "https://www.local.ameide.io"
//! value: "http://www-ameide-search:8080"  value: "http://www-ameide-search-tilt:8080"
//! POSTGRES_HOST: apps-postgresql          POSTGRES_HOST: apps-postgresql-tilt
//! value: "redis://redis-master:6379"      value: "redis://redis-master:6379"   # not ours
//! ```
//! A word that merely equals a Service name is left alone, and so are label keys
//! and values (rule 3), `metadata.name`, Helm's own annotations and anything
//! another rule already rewrites. Only the host text is replaced, inside the
//! scalar as written, so quoting and block scalars stay; a Secret `data` value is
//! decoded, edited and re-encoded, and never printed.

use crate::config::{Config, Mapped};
use crate::edit::Edit;
use crate::error::Error;
use crate::index::StreamIndex;
use crate::k8s::base64::{base64_decode, base64_encode};
use crate::k8s::leftover::{self, Exempt, last_word};
use crate::k8s::refs::walk;
use crate::k8s::words::{FLAG_KINDS, HOST_WORDS, PUBLIC_TLDS};
use crate::plan::{DocOut, DocPlan, LeftCand, NodeSpan, SecretField, renamed_name};
use crate::reason::Reason;
use crate::rules::contract::{PlanCx, ResolveCx, Rule, Stale};
use crate::yaml::{NodeId, Style};

pub const RULE: Rule = Rule {
    enabled: |cfg| cfg.string_refs,
    plan,
    // Runs last: what another rule already rewrites is that rule's business.
    resolve: |cx, plan, out| {
        resolve(cx, plan, out);
        Ok(())
    },
    stale: |cx, plan, out| {
        let secret = plan.kind == "Secret" && plan.group().is_empty();
        for (at, found, should) in stale(cx.input, plan, cx.index, cx.cfg) {
            let detail = if secret {
                "in a Secret value (not shown)".to_string()
            } else {
                format!("`{found}` should be `{should}`")
            };
            out.push(Stale {
                at,
                why: Reason::StaleString,
                detail,
            });
        }
    },
    ..Rule::new(9)
};

fn plan<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>, _: &mut DocOut) -> Result<(), Error> {
    // The strings themselves are read once for rules 9 and 11
    // (`leftover::leaves`, into `plan.strings.leftovers`).
    plan.strings.described = described_hosts(cx, plan)
        .into_iter()
        .map(|id| cx.doc.node(id).start)
        .collect();
    Ok(())
}

/// Does a key, env var or flag name say that its value is a host?
pub fn says_host(name: &str) -> bool {
    // The name's letters and digits, upper-cased, read from the end (no
    // allocation: rule 9 asks this of every string's key).
    let mut norm = name
        .trim_start_matches('-')
        .bytes()
        .rev()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase());
    let mut tail = [0u8; 12];
    let mut n = 0;
    for b in norm.by_ref().take(tail.len()) {
        tail[n] = b;
        n += 1;
    }
    let tail = &tail[..n];
    n > 0
        && HOST_WORDS
            .iter()
            .any(|w| w.len() <= tail.len() && w.bytes().rev().zip(tail).all(|(a, &b)| a == b))
}

/// The values of the fields of this object that describe hosts (`host_claims`
/// entries with `claims: false`: a Certificate's `dnsNames` and `commonName`):
/// each is a host, as the value of a key that says host is, so a bare Service
/// name there (`commonName: web`) is one (docs/rules.md#rule-11).
fn described_hosts(cx: &PlanCx<'_, '_>, plan: &DocPlan<'_>) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut found = Vec::new();
    for rule in cx
        .cfg
        .k8s
        .host_claims
        .iter()
        .filter(|r| !r.claims && r.from.iter().any(|k| k.matches(&plan.kind, plan.group())))
    {
        found.clear();
        walk(cx.doc, cx.root, &rule.path, cx.root, &mut found);
        out.extend(found.iter().map(|f| f.leaf));
    }
    out
}

/// A string where rule 9 looks for own hosts and Services, as the shared walk
/// found it (`None`: not rule 9's: an image is Tilt's, an env var's own name is
/// no value, the Redis password entry is rule 6's).
fn candidate<'p, 'a>(
    c: &'p LeftCand<'a>,
    plan: &DocPlan<'_>,
    cfg: &Config,
) -> Option<(&'p NodeSpan<'a>, bool, Option<SecretField>)> {
    if matches!(c.exempt, Some(Exempt::Image | Exempt::EnvName))
        || (c.env && cfg.redis && c.key == cfg.redis_env)
    {
        return None;
    }
    // Its key (or env var, or the flag before it) says host: the whole value may
    // be a bare Service name (`POSTGRES_HOST: <release>-postgresql`); so does a
    // field that describes hosts, and `-h`/`-H` (`psql -h svc`).
    let host_key = says_host(&c.key)
        || c.flag
            .as_deref()
            .is_some_and(|f| matches!(f, "-h" | "-H") || (f.starts_with("--") && says_host(f)))
        || plan.strings.described.contains(&c.at.start);
    let secret = c.secret.then_some(if c.base64 {
        SecretField::Data
    } else {
        SecretField::StringData
    });
    Some((&c.at, host_key, secret))
}

fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// Host-like words of a scalar's source text: maximal runs of letters, digits, `.`
/// and `-`, without trailing dots or dashes. Yields (start, end) within `raw`.
pub fn host_tokens(raw: &str, style: Style) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = raw.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            if !is_host_byte(bytes[at]) {
                at += 1;
                continue;
            }
            let mut i = at;
            let mut j = at;
            while j < bytes.len() && is_host_byte(bytes[j]) {
                j += 1;
            }
            at = j;
            // `\n` in a double-quoted scalar is an escape, not part of the word.
            if style == Style::Double && i > 0 && bytes[i - 1] == b'\\' {
                i += 1;
            }
            while j > i && matches!(bytes[j - 1], b'.' | b'-') {
                j -= 1;
            }
            if i < j {
                return Some((i, j));
            }
        }
        None
    })
}

/// A key inside a text, where the key says host and the value is the whole word
/// up to the end of the line or value: `KEY=svc`, `--db-host=svc`, `host: svc`,
/// `statsd_host = svc` (ini, HCL, `.conf`), `"host": "svc"` and `'HOST': 'svc'`
/// (JSON, Python), `<host>svc</host>` (XML), `-h svc` / `--host svc` (a command
/// line: `pg_isready -h svc`, `redis-cli -h svc`).
fn keyed_host(raw: &str, i: usize, j: usize) -> bool {
    let ends = raw[j..].bytes().next().is_none_or(|b| {
        matches!(
            b,
            b'\n' | b'\r' | b'\t' | b'"' | b'\'' | b' ' | b',' | b';' | b'}' | b'\\' | b'<'
        )
    });
    if !ends {
        return false;
    }
    let quotes_blanks = [' ', '\t', '"', '\''];
    let key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let before = raw[..i].trim_end_matches(quotes_blanks);
    if let Some(key) = before
        .strip_suffix(':')
        .or_else(|| before.strip_suffix('='))
    {
        return says_host(last_word(key.trim_end_matches(quotes_blanks), key_char));
    }
    if let Some(tag) = raw[..i].strip_suffix('>') {
        let name = last_word(tag, key_char);
        return tag[..tag.len() - name.len()].ends_with('<') && says_host(name);
    }
    // A command line: the flag, then blanks, then the word.
    let Some(flag) = raw[..i].strip_suffix([' ', '\t']) else {
        return false;
    };
    let flag = last_word(flag.trim_end_matches([' ', '\t']), key_char);
    let before_flag = raw[..i].trim_end_matches([' ', '\t']);
    let starts_word = before_flag[..before_flag.len() - flag.len()]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | ';' | '(' | '`'));
    starts_word && (matches!(flag, "-h" | "-H") || (flag.starts_with("--") && says_host(flag)))
}

/// Is the token the whole value, or a whole item of a comma-separated list
/// (only quotes or blanks between it and the value's ends or the commas)?
fn whole_item(raw: &str, i: usize, j: usize) -> bool {
    let blank = |c: char| matches!(c, '"' | '\'' | ' ' | '\t' | '\n' | '\r');
    let before = raw[..i].trim_end_matches(blank);
    let after = raw[j..].trim_start_matches(blank);
    (before.is_empty() || before.ends_with(',')) && (after.is_empty() || after.starts_with(','))
}

/// `:PORT` right after a word: 1 to 5 digits, then nothing that continues a
/// word or a version (`vault:1.18.1` is an image tag, not a port).
fn port_follows(after: &[u8]) -> bool {
    let Some(rest) = after.strip_prefix(b":") else {
        return false;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    (1..=5).contains(&digits)
        && rest
            .get(digits)
            .is_none_or(|&b| !(is_host_byte(b) || b == b'_'))
}

/// Does the text around a bare `svc` make it a host: `scheme://svc`, `user@svc`,
/// `svc:PORT`, `NAMESPACE/svc` (`--publish-service=$(POD_NAMESPACE)/svc`), or a
/// key that says host (`KEY=svc`, or the whole value of such a key)?
fn host_context(
    raw: &str,
    i: usize,
    j: usize,
    namespaces: &[Option<&str>],
    host_key: bool,
) -> bool {
    let before = &raw[..i];
    let after = raw.as_bytes().get(j..).unwrap_or_default();
    // After a `/` that is no `://`, a word is a path's or an image's
    // (`bitnami/postgresql:16`), unless the `/` follows a namespace (below).
    let in_path = before.ends_with('/') && !before.ends_with("://");
    if (before.ends_with("://") && !leftover::url_user(raw, i, j))
        || before.ends_with('@')
        || (!in_path && port_follows(after))
        || (host_key && whole_item(raw, i, j))
        || keyed_host(raw, i, j)
    {
        return true;
    }
    let Some(ns) = before.strip_suffix('/') else {
        return false;
    };
    if after.first().is_some_and(|&b| b == b'/' || is_host_byte(b)) {
        return false;
    }
    if ns.ends_with(')')
        && ns
            .rfind("$(")
            .is_some_and(|k| !ns[k..].contains(char::is_whitespace))
    {
        return true;
    }
    let word = last_word(ns, |c| c.is_ascii_alphanumeric() || c == '-');
    namespaces.contains(&Some(word))
}

/// `svc.$(POD_NAMESPACE).svc…`: a namespace written as an env reference.
fn env_namespace_follows(raw: &str, j: usize) -> bool {
    let rest = &raw[j..];
    rest.strip_prefix(".$(")
        .and_then(|r| r.find(')').map(|k| &r[k + 1..]))
        .is_some_and(|r| r.starts_with(".svc"))
}

/// A Service used as a host inside a token: `svc…`, or a pod's address under a
/// headless Service, `pod.svc…` (`db-0.db-headless.ns.svc.cluster.local`, and
/// `$(POD_NAME).db-headless…` / `.db-headless…`, whose token starts at the dot).
struct ServiceUse<'r> {
    /// The pod's label before the Service's (`db-0`; empty after `$(POD_NAME)`).
    pod: Option<&'r str>,
    /// The Service's name.
    svc: &'r str,
}

/// If the token at `raw[i..j]` uses a Service that `lookup` knows as a host:
/// where. `lookup` gives the Service's namespaces. The token must be a whole word:
/// one glued to `_` or cut short at a `-` (`db_x`, `db-{0...3}`) is no host.
fn service_host<'r, 'n>(
    raw: &'r str,
    (i, j): (usize, usize),
    host_key: bool,
    lookup: impl Fn(&str) -> Option<&'n [Option<&'n str>]>,
) -> Option<ServiceUse<'r>> {
    let bytes = raw.as_bytes();
    if matches!(bytes.get(j), Some(b'-' | b'_')) || (i > 0 && bytes[i - 1] == b'_') {
        return None;
    }
    let tok = &raw[i..j];
    let (first, rest) = tok.split_once('.').unwrap_or((tok, ""));
    if let Some(namespaces) = lookup(first)
        && served(raw, (i, j), rest, namespaces, host_key)
    {
        return Some(ServiceUse {
            pod: None,
            svc: first,
        });
    }
    // `pod.svc…`: the pod's label is a DNS label of its own (or nothing, after
    // an env reference); the Service's must be followed by where it lives, or
    // stand where a host stands.
    let (svc, rest) = rest.split_once('.').unwrap_or((rest, ""));
    let namespaces = lookup(svc)?;
    let pod_ok = if first.is_empty() {
        // After `$(POD_NAME)`, MinIO's `{0...3}`, where a value or word starts
        // (a host suffix: `K8S_HOSTNAME_SUFFIX: .svc.ns.svc.cluster.local`), or a
        // wildcard that starts a word: `*.db-headless.ns.svc`, every pod of a
        // headless Service (a certificate's name for them all).
        i == 0
            || matches!(bytes[i - 1], b')' | b'}' | b' ' | b'\t' | b'\n')
            || raw[..i].trim_end().ends_with(['=', ':', '"', '\''])
            || (bytes[i - 1] == b'*' && (i == 1 || !is_host_byte(bytes[i - 2])))
    } else {
        !first.starts_with('-')
    };
    (pod_ok && served(raw, (i, j), rest, namespaces, host_key)).then_some(ServiceUse {
        pod: Some(first),
        svc,
    })
}

/// Does what follows a Service's name in a token (`rest`, after its dot) make it
/// a host: a namespace the Service lives in, `ns.svc`, `ns.svc.cluster.local`, or
/// nothing and a host's context around the token?
fn served(
    raw: &str,
    (i, j): (usize, usize),
    rest: &str,
    namespaces: &[Option<&str>],
    host_key: bool,
) -> bool {
    let ns_ok = |x: &str| namespaces.iter().any(|n| n.is_none_or(|n| n == x));
    match rest.split('.').collect::<Vec<_>>().as_slice() {
        [""] => host_context(raw, i, j, namespaces, host_key) || env_namespace_follows(raw, j),
        // `svc.ns`: a Service written without its namespace may live in any, but
        // a public top-level domain is no namespace (`https://grafana.com/docs`
        // with a Service `grafana`).
        [x] => {
            namespaces.contains(&Some(*x))
                || (ns_ok(x)
                    && !PUBLIC_TLDS.contains(x)
                    && host_context(raw, i, j, namespaces, host_key))
        }
        [x, "svc"] | [x, "svc", "cluster", "local"] => ns_ok(x),
        _ => false,
    }
}

/// The replacement for one host-like token, if it is ours: the range of `raw` it
/// replaces (from the token's start, or earlier for a MinIO pod range) and the
/// new text.
fn rewrite_token(
    raw: &str,
    (i, j): (usize, usize),
    host_key: bool,
    index: &StreamIndex<'_>,
    cfg: &Config,
) -> Option<(usize, usize, String)> {
    let tok = &raw[i..j];
    let mut labels = tok.split('.').map(str::len);
    let (first, second) = (labels.next().unwrap_or(0), labels.next().unwrap_or(0));
    if !index.host_lens.contains(tok.len())
        && !index.service_lens.contains(first)
        && !index.service_lens.contains(second)
    {
        return None;
    }
    if index.hosts.contains(tok) {
        return match cfg.map_host(tok) {
            Mapped::To(new) => Some((i, j, new)),
            _ => None,
        };
    }
    if after_flag_of_another_kind(raw, i, index) {
        return None;
    }
    let found = service_host(raw, (i, j), host_key, |s| {
        index.services.get(s).map(Vec::as_slice)
    })?;
    let new = index.renamed("Service", found.svc).ok().flatten()?;
    let Some(pod) = found.pod else {
        return Some((i, i + found.svc.len(), new));
    };
    let end = i + pod.len() + 1 + found.svc.len();
    // A StatefulSet's pod `<name>-<ordinal>` follows the StatefulSet's rename.
    let renamed_sts = |sts: &str| {
        index
            .emits("StatefulSet", Some("apps"), None, sts)
            .then(|| renamed_name(cfg, "StatefulSet", sts).ok().flatten())
            .flatten()
    };
    if pod.is_empty()
        && let Some((from, sts, range)) = minio_range(raw, i)
        && let Some(sts_new) = renamed_sts(sts)
    {
        return Some((from, end, format!("{sts_new}-{range}.{new}")));
    }
    let pod_new = pod
        .rsplit_once('-')
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|(sts, n)| Some(format!("{}-{n}", renamed_sts(sts)?)))
        .unwrap_or_else(|| pod.to_string());
    Some((i, end, format!("{pod_new}.{new}")))
}

/// `--configmap=$(POD_NAMESPACE)/web`: a `ns/name` right after a flag whose name
/// names another kind than Service names an object of that kind, not a host.
fn after_flag_of_another_kind(raw: &str, i: usize, index: &StreamIndex<'_>) -> bool {
    let before = &raw[..i];
    let Some(ns) = before.strip_suffix('/') else {
        return false;
    };
    let word_start = ns
        .rfind(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .map_or(0, |k| k + 1);
    let Some((flag, _)) = ns[word_start..].split_once('=') else {
        return false;
    };
    if !flag.starts_with('-') {
        return false;
    }
    let words = crate::k8s::leftover::key_words(flag);
    let other = |w: &str| {
        FLAG_KINDS.contains(&w)
            || index
                .kinds
                .iter()
                .any(|k| k != "Service" && k.eq_ignore_ascii_case(w))
    };
    !words.iter().any(|w| w == "service" || w == "svc") && words.iter().any(|w| other(w))
}

/// MinIO's way to write a StatefulSet's pods, `<name>-{0...3}`, right before
/// `raw[i..]`: (where `<name>` starts, `<name>`, `{0...3}`).
fn minio_range(raw: &str, i: usize) -> Option<(usize, &str, &str)> {
    let before = raw[..i].strip_suffix('}')?;
    let open = before.rfind('{')?;
    let inner = &before[open + 1..];
    let (a, b) = inner.split_once("...")?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return None;
    }
    let sts = before[..open]
        .strip_suffix('-')
        .map(|s| last_word(s, |c| c.is_ascii_alphanumeric() || c == '-'))?;
    (!sts.is_empty() && !sts.starts_with('-')).then(|| (open - 1 - sts.len(), sts, &raw[open..i]))
}

/// `text` with every own host and Service rewritten (for a decoded Secret value);
/// `None` when nothing changes.
fn rewrite_text(
    text: &str,
    host_key: bool,
    index: &StreamIndex<'_>,
    cfg: &Config,
) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for (i, j) in host_tokens(text, Style::Plain) {
        if let Some((from, to, new)) = rewrite_token(text, (i, j), host_key, index, cfg)
            && from >= at
        {
            out.push_str(&text[at..from]);
            out.push_str(&new);
            at = to;
        }
    }
    (at > 0).then(|| {
        out.push_str(&text[at..]);
        out
    })
}

/// Whether `start..end` overlaps an edit some other rule already made.
fn taken(edits: &[Edit], start: usize, end: usize) -> bool {
    edits
        .iter()
        .any(|e| e.start < end.max(start + 1) && start < e.end.max(e.start + 1))
}

fn resolve(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) {
    let (input, index, cfg) = (cx.input, cx.index, cx.cfg);
    if index.hosts.is_empty() && index.services.is_empty() {
        return;
    }
    let mut new_edits = Vec::new();
    for (s, host_key, secret) in plan
        .strings
        .leftovers
        .iter()
        .filter_map(|c| candidate(c, plan, cfg))
    {
        if secret == Some(SecretField::Data) {
            if let Some(e) =
                secret_data(s, host_key, index, cfg).filter(|e| !taken(&out.edits, e.start, e.end))
            {
                new_edits.push(e);
            }
            continue;
        }
        let raw = &input[s.start..s.end];
        for (i, j) in host_tokens(raw, s.style) {
            let Some((from, to, new)) = rewrite_token(raw, (i, j), host_key, index, cfg) else {
                continue;
            };
            let (start, end) = (s.start + from, s.start + to);
            if taken(&out.edits, start, end) || taken(&new_edits, start, end) {
                continue;
            }
            new_edits.push(Edit::replace(start, end, new).because(Reason::StringRef));
        }
    }
    out.edits.extend(new_edits);
}

/// A Secret `data` value: decoded, rewritten, encoded again, in its own quoting.
fn secret_data(
    s: &NodeSpan<'_>,
    host_key: bool,
    index: &StreamIndex<'_>,
    cfg: &Config,
) -> Option<Edit> {
    let text = String::from_utf8(base64_decode(&s.value)?).ok()?;
    let new = rewrite_text(&text, host_key, index, cfg)?;
    let encoded = base64_encode(new.as_bytes());
    let written = crate::edit::scalar_text(s.style, &encoded)?;
    Some(Edit::replace(s.start, s.end, written).because(Reason::StringRef))
}

/// For `check`: own hosts and Services still written under their old names
/// (offset in the input, what was found, what it should be).
fn stale(
    input: &str,
    plan: &DocPlan<'_>,
    index: &StreamIndex<'_>,
    cfg: &Config,
) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (s, host_key, _) in plan
        .strings
        .leftovers
        .iter()
        .filter_map(|c| candidate(c, plan, cfg))
        .filter(|(_, _, secret)| *secret != Some(SecretField::Data))
    {
        let raw = &input[s.start..s.end];
        for (i, j) in host_tokens(raw, s.style) {
            let tok = &raw[i..j];
            if let Mapped::To(new) = cfg.map_host(tok)
                && index.hosts.contains(new.as_str())
            {
                out.push((s.start + i, tok.to_string(), new));
                continue;
            }
            if index
                .services
                .contains_key(tok.split('.').next().unwrap_or(tok))
                || after_flag_of_another_kind(raw, i, index)
            {
                continue;
            }
            let renamed = |svc: &str| renamed_name(cfg, "Service", svc).ok().flatten();
            let found = service_host(raw, (i, j), host_key, |svc| {
                renamed(svc).and_then(|n| index.services.get(n.as_str()).map(Vec::as_slice))
            });
            if let Some(found) = found {
                let at = found.pod.map_or(0, |p| p.len() + 1);
                out.push((
                    s.start + i + at,
                    found.svc.to_string(),
                    renamed(found.svc).unwrap_or_default(),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_end_at_character_boundaries() {
        // Found in review: a byte index after a non-ASCII character panicked.
        assert_eq!(last_word("é", |c| c.is_ascii_alphanumeric()), "");
        assert_eq!(
            last_word("xé_HOST", |c| c.is_ascii_alphanumeric() || c == '_'),
            "_HOST"
        );
        assert!(!keyed_host("é=web", 2, 5));
        assert!(keyed_host("é DB_HOST=web", 11, 14));
        assert!(!host_context("é/web", 3, 6, &[Some("ns")], false));
        assert!(host_context("š ns/web", 6, 9, &[Some("ns")], false));
    }

    #[test]
    fn host_words() {
        for yes in [
            "POSTGRES_HOST",
            "host",
            "QUEUE_BULL_REDIS_HOST",
            "--db-host",
            "redisHost",
            "--operator-service-name",
            "--service-name",
            "DB_ADDR",
            "api.endpoint",
        ] {
            assert!(says_host(yes), "{yes}");
        }
        for no in ["name", "POSTGRES_DB", "--secret-name", "port", ""] {
            assert!(!says_host(no), "{no}");
        }
    }
}
