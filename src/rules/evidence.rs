//! Rule 11: no old name survives silently. After the other rules, every string
//! value of every emitted object is compared with the old names of what the copy
//! renames (one hash lookup per word, so it stays linear). A match no rule
//! followed is one of three things, and `-v` says which:
//!
//! ```yaml
//! # (a) followed by evidence — no table entry needed:
//! brokerRef: {name: main}          brokerRef: {name: main-tilt}        # the key names Broker
//! - {name: DEPLOYMENT_NAME, value: web}  value: web-tilt               # the env var names Deployment
//! creds: {name: app-creds, key: pw}  name: app-creds-tilt              # a SecretKeySelector's shape
//! statefulset.kubernetes.io/pod-name: db-0 ... PEER: db-0 -> db-tilt-0 # a StatefulSet's pod
//! # (b) kept on purpose: an image, an item's own name, a namespace, a query label
//! containers: [{name: web, image: web:1}]                               # kept
//! # (c) reported, with the config entry that would make it follow (--strict: an error):
//! spec: {target: web}   # warning: ... `target: web` seems to name Deployment/web ...
//! ```
//!
//! The evidence is code, each branch with its reason, not a list of field names:
//! the next chart brings a field nobody listed, and it is either judged by what
//! it looks like or told to the user.

mod judge;

use crate::config::Config;
use crate::edit::Edit;
use crate::error::Error;
use crate::index::{OldName, StreamIndex};
use crate::k8s::leftover::{self, Exempt, Form, Word, key_words};
use crate::k8s::words::ITEM_WORDS;
use crate::plan::{
    DocOut, DocPlan, Holder, LeftCand, NodeSpan, locate_in_scalar, ns_compatible, rewrite_scalar,
};
use crate::reason::Reason;
use crate::rules::contract::{PlanCx, ResolveCx, Rule};
use crate::yaml::NodeId;
use judge::judge;
use std::borrow::Cow;
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    plan,
    resolve,
    ..Rule::new(11)
};

fn plan<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>, _: &mut DocOut) -> Result<(), Error> {
    let doc = cx.doc;
    let secret = plan.kind == "Secret" && plan.group().is_empty();
    // A key is almost always text of the input itself: borrow it from there
    // (found by address, then sliced safely), copy it otherwise.
    let input = cx.input;
    let cow = |s: &str| -> Cow<'a, str> {
        let at = (s.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
        match input.get(at..at.wrapping_add(s.len())) {
            Some(t) if t.as_ptr() == s.as_ptr() => Cow::Borrowed(t),
            _ => Cow::Owned(s.to_string()),
        }
    };
    // Leaves come in document order: most share the holder of the one before.
    let mut last: Option<(NodeId, usize)> = None;
    let mut seen: HashMap<NodeId, usize> = HashMap::new();
    let (leftovers, holders) = (&mut plan.strings.leftovers, &mut plan.strings.holders);
    leftovers.reserve(doc.nodes.len() / 3);
    leftover::leaves(doc, cx.root, secret, &mut |l| {
        // Only a value that is one name-like word is judged by its holder
        // (`type: topic` beside `name: orders`); read holders for those only.
        let v = doc.node(l.id).value.as_bytes();
        let one_name = v.len() <= 253
            && v.iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        let holder = l.holder.filter(|_| one_name).map(|h| match last {
            Some((id, i)) if id == h => i,
            _ => {
                let i = *seen.entry(h).or_insert_with(|| {
                    holders.push(holder_of(doc, h));
                    holders.len() - 1
                });
                last = Some((h, i));
                i
            }
        });
        leftovers.push(LeftCand {
            at: NodeSpan::of(doc, l.id),
            key: cow(l.key),
            parent_key: cow(l.parent_key),
            flag: l.flag.map(cow),
            exempt: l.exempt,
            env: l.env,
            secret: l.secret,
            base64: l.base64,
            holder,
        });
    });
    Ok(())
}

/// Runs last: what another rule already rewrote is followed.
fn resolve(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) -> Result<(), Error> {
    if cx.index.old_names.is_empty() {
        return Ok(());
    }
    // Most strings hold no old name: a quick look finds those that may, and
    // only they are judged (what their mapping says was read in phase 1; a
    // path is read again from the document only for a line that shows one).
    let hits: Vec<&LeftCand<'_>> = plan
        .strings
        .leftovers
        .iter()
        // An exception's verdict is only ever a `-v` line.
        .filter(|c| cx.cfg.verbose || c.exempt.is_none())
        .filter(|c| {
            let decoded = decoded(c);
            let value = decoded.as_deref().unwrap_or(&c.at.value);
            may_hold_old_name(cx.index, value)
        })
        .collect();
    if hits.is_empty() {
        return Ok(());
    }
    let empty = Holder::default();
    let mut edits = Vec::new();
    let mut paths = Paths {
        starts: hits.iter().map(|c| c.at.start).collect(),
        found: None,
    };
    for c in hits {
        let a = c.holder.map_or(&empty, |h| &plan.strings.holders[h]);
        judge_value(cx, plan, c, a, &mut paths, out, &mut edits)?;
    }
    out.edits.extend(edits);
    Ok(())
}

/// What rule 11 decided about one old name in one string.
enum Verdict<'i> {
    /// (a): the evidence, and the object it names.
    Follow(&'static str, &'i OldName<'i>, String),
    /// (b): the exception that keeps it.
    Keep(Cow<'static, str>),
    /// (c): the object it seems to name.
    Report(&'i OldName<'i>),
}

/// A Secret `data` value, decoded (`None` for any other value, or not UTF-8).
fn decoded(c: &LeftCand<'_>) -> Option<String> {
    c.base64
        .then(|| crate::k8s::base64::base64_text(&c.at.value))
        .flatten()
}

fn judge_value(
    cx: &ResolveCx<'_, '_>,
    plan: &DocPlan<'_>,
    c: &LeftCand<'_>,
    a: &Holder<'_>,
    paths: &mut Paths,
    out: &mut DocOut,
    edits: &mut Vec<Edit>,
) -> Result<(), Error> {
    let index = cx.index;
    let decoded = decoded(c);
    if c.base64 && decoded.is_none() {
        return Ok(());
    }
    let value: &str = decoded.as_deref().unwrap_or(&c.at.value);
    for w in leftover::words(value) {
        let text = w.text(value);
        if !index.old_lens.contains(text.len()) && !pod_name_len(index, text) {
            continue;
        }
        let Some((targets, pod)) = lookup(index, text) else {
            continue;
        };
        let targets: Vec<&OldName<'_>> = targets
            .iter()
            // In the object's namespace, or, for `ns/name` and a host
            // `svc.ns…`, in the one it names.
            .filter(|o| {
                ns_compatible(plan.ns.as_deref(), o.ns)
                    || matches!(w.form, Form::Slash(p) if o.ns == Some(p))
                    || (w.form == Form::Host
                        && o.ns.is_some_and(|n| {
                            value[w.end..w.word_end]
                                .strip_prefix('.')
                                .is_some_and(|rest| rest.split('.').next() == Some(n))
                        }))
            })
            .filter(|o| !pod || o.kind == "StatefulSet")
            .collect();
        if targets.is_empty() {
            continue;
        }
        let span = if c.base64 {
            None
        } else {
            locate_in_scalar(cx.input, &c.at, w.start, text).map(|s| (s, s + text.len()))
        };
        let covered = span.unwrap_or((c.at.start, c.at.end));
        if taken(&out.edits, covered.0, covered.1) {
            continue; // followed by another rule (a Secret value is edited whole)
        }
        let Some(verdict) = judge(cx.cfg, index, plan, c, a, value, &w, &targets, pod) else {
            continue;
        };
        let line = c.at.line + value[..w.start].matches('\n').count();
        // A pod `<set>-<n>` is named by its set's old name.
        let named = if pod {
            text.rsplit_once('-').map_or(text, |(set, _)| set)
        } else {
            text
        };
        let shown = if c.secret {
            "(a Secret value, not shown)".to_string()
        } else {
            format!("`{text}`")
        };
        match verdict {
            Verdict::Keep(_) if !cx.cfg.verbose => {}
            Verdict::Keep(why) => out.report.push(format!(
                "kept {} line {line} at {}: {shown} equals the old name of {}/{named}: {why}",
                plan.object(),
                paths.of(cx.input, plan, c.at.start),
                targets[0].kind,
            )),
            Verdict::Follow(why, t, new) => {
                let edit = match span {
                    Some(_) if w.form == Form::Whole && !c.secret => {
                        rewrite_scalar(plan, &c.at, "this value", &new)?
                    }
                    Some((s, e)) => Edit::replace(s, e, new.clone()),
                    None => {
                        push_report(
                            cx,
                            plan,
                            c,
                            paths,
                            line,
                            &shown,
                            text,
                            t,
                            out,
                            "it cannot be edited in place (escapes, folded lines or base64)",
                        )?;
                        continue;
                    }
                };
                if taken(edits, edit.start, edit.end) {
                    continue;
                }
                edits.push(edit.because(Reason::Evidence));
                if !cx.cfg.verbose {
                    continue;
                }
                out.report.push(format!(
                    "followed {} line {line} at {}: {shown} -> {}: {why} ({}/{named})",
                    plan.object(),
                    paths.of(cx.input, plan, c.at.start),
                    if c.secret { "(not shown)" } else { &new },
                    t.kind
                ));
            }
            Verdict::Report(t) => {
                push_report(cx, plan, c, paths, line, &shown, text, t, out, "")?;
            }
        }
    }
    Ok(())
}

/// (c): a warning (an error under `--strict`) with the place, the object the
/// value seems to name, and the config entry that would make it follow.
#[allow(clippy::too_many_arguments)]
fn push_report(
    cx: &ResolveCx<'_, '_>,
    plan: &DocPlan<'_>,
    c: &LeftCand<'_>,
    paths: &mut Paths,
    line: usize,
    shown: &str,
    text: &str,
    t: &OldName<'_>,
    out: &mut DocOut,
    why: &str,
) -> Result<(), Error> {
    let because = if why.is_empty() {
        "no rule follows it and nothing says which object it names".to_string()
    } else {
        why.to_string()
    };
    let path = paths.of(cx.input, plan, c.at.start);
    let message = format!(
        "{shown} at {} seems to name {}/{text}, which the copy renames to {}: {because}; the copy may use the baseline's",
        path, t.kind, t.new
    );
    let mut hint = hint_for(plan, c, &path, t.kind);
    if cx.cfg.strict {
        hint = hint.replace(
            "ignore this warning (--strict makes it an error)",
            "run without --strict to make it a warning",
        );
    }
    if cx.cfg.strict {
        return Err(Error::input(plan.place(line), message).with_hint(&hint));
    }
    out.notes.push(format!(
        "warning: document {} ({}) line {line}: {message}\n  fix: {hint}",
        plan.index,
        plan.object()
    ));
    Ok(())
}

/// The config entry that makes this value follow: a `reference_shapes:` entry
/// for a mapping's `name`, else a `references:` entry by path.
fn hint_for(plan: &DocPlan<'_>, c: &LeftCand<'_>, path: &str, target: &str) -> String {
    let kind = if plan.group().is_empty() {
        plan.kind.to_string()
    } else {
        format!("{}.{}", plan.kind, plan.group())
    };
    if c.key == "name" && !c.parent_key.is_empty() && !c.parent_key.starts_with(char::is_numeric) {
        return format!(
            "if it names {target}, add to the config file `reference_shapes: [{{key: {}, name: name, target: {target}}}]`; if not, ignore this warning (--strict makes it an error)",
            c.parent_key
        );
    }
    let path = table_path(path).replace("[\"", ".'").replace("\"]", "'");
    format!(
        "if it names {target}, add to the config file `references: [{{kind: {kind}, path: \"{path}\", target: {target}}}]`; if not, ignore this warning (--strict makes it an error)"
    )
}

/// `spec.containers[0].env[3].value` → `spec.containers[].env[].value`.
fn table_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for ch in path.chars() {
        match ch {
            '[' if !in_index => {
                in_index = true;
                out.push('[');
            }
            ']' if in_index => {
                in_index = false;
                out.push(']');
            }
            c if in_index && c.is_ascii_digit() => {}
            c => out.push(c),
        }
    }
    out
}

/// The objects an old name may be, and whether it is a StatefulSet's pod
/// `<set>-<n>` (then the objects are the set's name's).
fn lookup<'i>(index: &'i StreamIndex<'_>, text: &str) -> Option<(&'i [OldName<'i>], bool)> {
    if let Some(list) = index.old_names.get(text) {
        return Some((list.as_slice(), false));
    }
    let (set, n) = text.rsplit_once('-')?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let list = index.old_names.get(set)?;
    list.iter()
        .any(|o| o.kind == "StatefulSet")
        .then_some((list.as_slice(), true))
}

/// Letters, digits, `-`, `_`: what a run of name characters is made of.
const NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        b += 1;
    }
    t
};

/// A quick look before [`leftover::words`]: does any run of name characters, or
/// its first label, or its `<set>` before `-<n>`, equal an old name?
fn may_hold_old_name(index: &StreamIndex<'_>, value: &str) -> bool {
    let bytes = value.as_bytes();
    // A run of name characters and dots (`web`, `hooks.example.io`, `db-0.db-hl`):
    // its whole, and each of its dot-free parts, may be a name.
    let name_byte = |b: u8| NAME_BYTE[usize::from(b)] || b == b'.';
    let candidate = |w: &[u8]| {
        let pod = || {
            w.iter().rposition(|&b| b == b'-').is_some_and(|d| {
                d + 1 < w.len()
                    && index.old_shapes.may_contain(&w[..d])
                    && w[d + 1..].iter().all(u8::is_ascii_digit)
            })
        };
        (index.old_shapes.may_contain(w) || pod())
            && std::str::from_utf8(w).is_ok_and(|t| lookup(index, t).is_some())
    };
    let mut i = 0;
    while i < bytes.len() {
        if !name_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && name_byte(bytes[i]) {
            i += 1;
        }
        let mut end = i;
        while end > start && matches!(bytes[end - 1], b'-' | b'_' | b'.') {
            end -= 1;
        }
        let run = &bytes[start..end];
        if candidate(run)
            || (run.contains(&b'.')
                && run
                    .split(|&b| b == b'.')
                    .any(|part| !part.is_empty() && candidate(part)))
        {
            return true;
        }
    }
    false
}

fn pod_name_len(index: &StreamIndex<'_>, text: &str) -> bool {
    text.rsplit_once('-')
        .is_some_and(|(set, n)| !n.is_empty() && index.old_lens.contains(set.len()))
}

/// The paths of one document's strings, read again from its text the first time
/// a report needs one (most documents need none).
struct Paths {
    starts: Vec<usize>,
    found: Option<HashMap<usize, String>>,
}

impl Paths {
    fn of(&mut self, input: &str, plan: &DocPlan<'_>, at: usize) -> String {
        let (r0, r1) = plan.region;
        let starts = &self.starts;
        let found = self.found.get_or_insert_with(|| {
            let mut m = HashMap::new();
            let _ = crate::yaml::for_each_doc(&input[r0..r1], |doc| -> Result<(), ()> {
                if doc.root().is_some() {
                    for &s in starts {
                        m.insert(s, leftover::path_at(doc, s - r0));
                    }
                }
                Ok(())
            });
            m
        });
        found.get(&at).cloned().unwrap_or_default()
    }
}

/// What holder `h` says beside a value, read once per mapping: the shapes, its
/// one-word values and list items (at most 8 of each list), its keys. A mapping of
/// more than 12 keys is an object's body, not a reference: only its shape counts.
fn holder_of<'a>(doc: &crate::yaml::Doc<'a>, h: NodeId) -> Holder<'a> {
    let has = |k: &str| doc.get(h, k).is_some();
    let named = has("name");
    let mut out = Holder {
        beside_key: named && has("key"),
        beside_namespace: named && has("namespace"),
        beside_kind: named && has("kind"),
        ..Holder::default()
    };
    if doc.pairs(h).nth(12).is_some() {
        return out;
    }
    for (k, v) in doc.pairs(h) {
        out.keys.push(doc.node(k).value.clone());
        let range = (doc.node(v).start, doc.content_end(v).max(doc.node(v).end));
        let items: Vec<NodeId> = if doc.is_seq(v) {
            doc.children(v).take(8).collect()
        } else {
            vec![v]
        };
        for i in items.into_iter().filter(|&i| doc.is_scalar(i)) {
            let t = &doc.node(i).value;
            if t.len() <= 63 && !t.is_empty() && !t.contains(char::is_whitespace) {
                out.siblings.push((range.0, range.1, t.clone()));
            }
        }
    }
    out
}

/// The values beside `c` in its holder, not counting the value (or list) `c` is.
fn siblings<'h>(a: &'h Holder<'_>, c: &LeftCand<'_>) -> impl Iterator<Item = &'h str> {
    let at = c.at.start;
    a.siblings
        .iter()
        .filter(move |(start, end, _)| !(*start <= at && at < *end))
        .map(|(_, _, t)| t.as_ref())
}

/// Whether `start..end` overlaps an edit.
fn taken(edits: &[Edit], start: usize, end: usize) -> bool {
    edits
        .iter()
        .any(|e| e.start < end.max(start + 1) && start < e.end.max(e.start + 1))
}

#[cfg(test)]
mod tests {
    use super::judge::names_kind;
    use super::*;

    #[test]
    fn keys_name_kinds() {
        for (key, kind) in [
            ("DEPLOYMENT_NAME", "Deployment"),
            ("brokerRef", "Broker"),
            ("queue", "Queue"),
            ("TLS_SECRET", "Secret"),
            ("APP_CONFIGMAP", "ConfigMap"),
            ("configMapName", "ConfigMap"),
            ("claimName", "PersistentVolumeClaim"),
            ("--svc", "Service"),
            ("database", "Database"),
        ] {
            assert!(names_kind(key, kind), "{key} {kind}");
        }
        for (key, kind) in [
            ("name", "Deployment"),
            ("app", "Application"),
            ("job", "Job2"),
            ("setName", "StatefulSet"),
        ] {
            assert!(!names_kind(key, kind), "{key} {kind}");
        }
    }

    #[test]
    fn table_paths_drop_indexes() {
        assert_eq!(
            table_path("spec.containers[0].env[12].value"),
            "spec.containers[].env[].value"
        );
    }
}
