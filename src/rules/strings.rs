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

use crate::config::Config;
use crate::edit::Edit;
use crate::refs::{CONTAINER_LISTS, pod_spec};
use crate::render::{DocPlan, NodeSpan, StreamIndex, renamed_name};
use crate::rules::routes::{Mapped, map_host};
use crate::syntax::{Doc, NodeId, Style};

pub fn collect<'a>(doc: &Doc<'a>, root: NodeId, cfg: &Config, plan: &mut DocPlan<'a>) {
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
    let Some(spec) = pod_spec(doc, root, &plan.kind) else {
        return;
    };
    for list in CONTAINER_LISTS {
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

/// Does the text around a bare `svc` make it a host: `scheme://svc`, `user@svc`
/// or `svc:PORT`?
fn host_context(raw: &str, i: usize, j: usize) -> bool {
    let before = &raw[..i];
    let after = raw.as_bytes().get(j..).unwrap_or_default();
    before.ends_with("://")
        || before.ends_with('@')
        || (after.first() == Some(&b':') && after.get(1).is_some_and(u8::is_ascii_digit))
}

/// The replacement for one host-like token, if it is ours: (offset in token, length, new text).
fn rewrite_token(
    raw: &str,
    i: usize,
    j: usize,
    index: &StreamIndex<'_>,
    cfg: &Config,
) -> Option<(usize, usize, String)> {
    let tok = &raw[i..j];
    if index.hosts.contains(tok) {
        if let Mapped::To(new) = map_host(cfg, tok) {
            return Some((0, tok.len(), new));
        }
        return None;
    }
    let (svc, rest) = tok.split_once('.').unwrap_or((tok, ""));
    let namespaces = index.services.get(svc)?;
    let ns_ok = |x: &str| namespaces.iter().any(|n| n.is_none_or(|n| n == x));
    let ours = match rest.split('.').collect::<Vec<_>>().as_slice() {
        [""] => host_context(raw, i, j),
        [x] => namespaces.contains(&Some(*x)) || (ns_ok(x) && host_context(raw, i, j)),
        [x, "svc"] | [x, "svc", "cluster", "local"] => ns_ok(x),
        _ => false,
    };
    if !ours {
        return None;
    }
    let new = renamed_name(cfg, "Service", svc).ok().flatten()?;
    Some((0, svc.len(), new))
}

pub fn resolve(
    input: &str,
    plan: &DocPlan<'_>,
    index: &StreamIndex<'_>,
    cfg: &Config,
    edits: &mut Vec<Edit>,
    report: &mut Vec<String>,
) {
    if index.hosts.is_empty() && index.services.is_empty() {
        return;
    }
    for s in &plan.strings {
        let raw = &input[s.start..s.end];
        let bytes = raw.as_bytes();
        let mut at = 0;
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
            if s.style == Style::Double && i > 0 && bytes[i - 1] == b'\\' {
                i += 1;
            }
            while j > i && matches!(bytes[j - 1], b'.' | b'-') {
                j -= 1;
            }
            if i >= j {
                continue;
            }
            if let Some((off, len, new)) = rewrite_token(raw, i, j, index, cfg) {
                let start = s.start + i + off;
                report.push(format!(
                    "rewrote {} line {}: {} -> {new}",
                    plan.object(),
                    s.line + raw[..i].matches('\n').count(),
                    &raw[i + off..i + off + len]
                ));
                edits.push(
                    Edit::replace(start, start + len, new)
                        .because("rule 9: own host or Service in a string not rewritten"),
                );
            }
        }
    }
}
