//! Rule 9: own hosts and Services inside strings. In container env values, args
//! and command, and ConfigMap data, (a) a hostname of one of this stream's routes
//! or ingresses goes through the host map, and (b) one of this stream's Services
//! used as a host (`scheme://svc`, `svc:port`, `svc.ns`, `svc.ns.svc`,
//! `svc.ns.svc.cluster.local`) follows its rename.
//!
//! ```yaml
//! value: "https://www.dev.ameide.io"      value: "https://www.local.ameide.io"
//! value: "http://www-ameide-search:8080"  value: "http://www-ameide-search-tilt:8080"
//! value: "redis://redis-master:6379"      value: "redis://redis-master:6379"   # not ours
//! ```
//! A bare word that merely equals a Service name is left alone. Only the host
//! text is replaced, inside the scalar as written, so quoting and block scalars stay.

use crate::config::{Config, Mapped};
use crate::edit::Edit;
use crate::error::Error;
use crate::plan::{DocOut, DocPlan, NodeSpan, PlanCx, ResolveCx, Rule, StreamIndex, renamed_name};
use crate::reason::Reason;
use crate::yaml::{NodeId, Style};

pub struct Strings;

impl Rule for Strings {
    fn enabled(&self, cfg: &Config) -> bool {
        cfg.string_refs
    }

    fn plan<'a>(
        &self,
        cx: &PlanCx<'_, 'a>,
        plan: &mut DocPlan<'a>,
        _: &mut DocOut,
    ) -> Result<(), Error> {
        collect(cx, plan);
        Ok(())
    }

    fn resolve(
        &self,
        cx: &ResolveCx<'_, '_>,
        plan: &DocPlan<'_>,
        out: &mut DocOut,
    ) -> Result<(), Error> {
        resolve(cx, plan, out);
        Ok(())
    }
}

fn collect<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>) {
    let (doc, root, cfg) = (cx.doc, cx.root, cx.cfg);
    let push = |id: NodeId, plan: &mut DocPlan<'a>| {
        if doc.is_scalar(id) && !doc.node(id).value.is_empty() {
            plan.strings.push(NodeSpan::of(doc, id));
        }
    };
    if plan.kind == "ConfigMap" && plan.group().is_empty() {
        if let Some(data) = doc.get(root, "data").filter(|&d| doc.is_map(d)) {
            for (_, v) in doc.pairs(data) {
                push(v, plan);
            }
        }
        return;
    }
    let Some(spec) = cfg.k8s.pod_spec(doc, root, &plan.kind) else {
        return;
    };
    for list in &cfg.k8s.container_lists {
        let Some(cs) = doc.get(spec, list).filter(|&s| doc.is_seq(s)) else {
            continue;
        };
        for c in doc.children(cs).filter(|&c| doc.is_map(c)) {
            if let Some(env) = doc.get(c, "env").filter(|&e| doc.is_seq(e)) {
                for item in doc.children(env).filter(|&i| doc.is_map(i)) {
                    // The Redis password entry is rule 6's.
                    if cfg.redis && doc.get_str(item, "name") == Some(cfg.redis_env.as_str()) {
                        continue;
                    }
                    if let Some(v) = doc.get(item, "value") {
                        push(v, plan);
                    }
                }
            }
            for key in ["args", "command"] {
                if let Some(seq) = doc.get(c, key).filter(|&s| doc.is_seq(s)) {
                    for a in doc.children(seq) {
                        push(a, plan);
                    }
                }
            }
        }
    }
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

/// Does the text around a bare `svc` make it a host: `scheme://svc`, `user@svc`,
/// `svc:PORT`, or `NAMESPACE/svc` (`--publish-service=$(POD_NAMESPACE)/svc`)?
fn host_context(raw: &str, i: usize, j: usize, namespaces: &[Option<&str>]) -> bool {
    let before = &raw[..i];
    let after = raw.as_bytes().get(j..).unwrap_or_default();
    if before.ends_with("://")
        || before.ends_with('@')
        || (after.first() == Some(&b':') && after.get(1).is_some_and(u8::is_ascii_digit))
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
    let word = &ns[ns
        .rfind(|c: char| !is_host_byte(c as u8) || c == '.')
        .map_or(0, |k| k + 1)..];
    namespaces.contains(&Some(word))
}

/// `svc.$(POD_NAMESPACE).svc…`: a namespace written as an env reference.
fn env_namespace_follows(raw: &str, j: usize) -> bool {
    let rest = &raw[j..];
    rest.strip_prefix(".$(")
        .and_then(|r| r.find(')').map(|k| &r[k + 1..]))
        .is_some_and(|r| r.starts_with(".svc"))
}

/// If the token at `raw[i..j]` uses a Service that `lookup` knows as a host, the
/// Service's name (a prefix of the token). `lookup` gives the Service's namespaces.
fn service_host<'r, 'n>(
    raw: &'r str,
    i: usize,
    j: usize,
    lookup: impl Fn(&str) -> Option<&'n [Option<&'n str>]>,
) -> Option<&'r str> {
    let tok = &raw[i..j];
    let (svc, rest) = tok.split_once('.').unwrap_or((tok, ""));
    let namespaces = lookup(svc)?;
    let ns_ok = |x: &str| namespaces.iter().any(|n| n.is_none_or(|n| n == x));
    let ours = match rest.split('.').collect::<Vec<_>>().as_slice() {
        [""] => host_context(raw, i, j, namespaces) || env_namespace_follows(raw, j),
        [x] => namespaces.contains(&Some(*x)) || (ns_ok(x) && host_context(raw, i, j, namespaces)),
        [x, "svc"] | [x, "svc", "cluster", "local"] => ns_ok(x),
        _ => false,
    };
    ours.then_some(svc)
}

/// The replacement for one host-like token, if it is ours: (length, new text); the
/// replaced text starts where the token starts.
fn rewrite_token(
    raw: &str,
    i: usize,
    j: usize,
    index: &StreamIndex<'_>,
    cfg: &Config,
) -> Option<(usize, String)> {
    let tok = &raw[i..j];
    let first = tok.find('.').unwrap_or(tok.len());
    if !index.host_lens.contains(tok.len()) && !index.service_lens.contains(first) {
        return None;
    }
    if index.hosts.contains(tok) {
        return match cfg.map_host(tok) {
            Mapped::To(new) => Some((tok.len(), new)),
            _ => None,
        };
    }
    let svc = service_host(raw, i, j, |s| index.services.get(s).map(Vec::as_slice))?;
    let new = renamed_name(cfg, "Service", svc).ok().flatten()?;
    Some((svc.len(), new))
}

fn resolve(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) {
    let (input, index, cfg) = (cx.input, cx.index, cx.cfg);
    let (edits, report) = (&mut out.edits, &mut out.report);
    if index.hosts.is_empty() && index.services.is_empty() {
        return;
    }
    for s in &plan.strings {
        let raw = &input[s.start..s.end];
        for (i, j) in host_tokens(raw, s.style) {
            if let Some((len, new)) = rewrite_token(raw, i, j, index, cfg) {
                let start = s.start + i;
                report.push(format!(
                    "rewrote {} line {}: {} -> {new}",
                    plan.object(),
                    s.line + raw[..i].matches('\n').count(),
                    &raw[i..i + len]
                ));
                edits.push(Edit::replace(start, start + len, new).because(Reason::StringRef));
            }
        }
    }
}

/// For `check`: own hosts and Services still written under their old names
/// (offset in the input, what was found, what it should be).
pub fn stale(
    input: &str,
    plan: &DocPlan<'_>,
    index: &StreamIndex<'_>,
    cfg: &Config,
) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for s in &plan.strings {
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
            {
                continue;
            }
            let renamed = |svc: &str| renamed_name(cfg, "Service", svc).ok().flatten();
            let found = service_host(raw, i, j, |svc| {
                renamed(svc).and_then(|n| index.services.get(n.as_str()).map(Vec::as_slice))
            });
            if let Some(svc) = found {
                out.push((
                    s.start + i,
                    svc.to_string(),
                    renamed(svc).unwrap_or_default(),
                ));
            }
        }
    }
    out
}
