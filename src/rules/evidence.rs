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

/// Short names kubectl gives kinds (`kubectl api-resources`), which keys use too.
fn short_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Service" => "svc",
        "ServiceAccount" => "sa",
        "ConfigMap" => "cm",
        "PersistentVolumeClaim" => "pvc",
        "StatefulSet" => "sts",
        "Deployment" => "deploy",
        "DaemonSet" => "ds",
        "CronJob" => "cj",
        "HorizontalPodAutoscaler" => "hpa",
        "PodDisruptionBudget" => "pdb",
        "NetworkPolicy" => "netpol",
        "Ingress" => "ing",
        _ => return None,
    })
}

/// Does a key name `kind`: its words hold the kind's words in a row
/// (`deploymentName`, `DEPLOYMENT_NAME`, `tls-secret`, `brokerRef`), the kind's
/// short name (`svc`, `cm`), or the kind's last word when it says enough
/// (`claimName` for a PersistentVolumeClaim, `budget` for a PodDisruptionBudget)?
fn names_kind(key: &str, kind: &str) -> bool {
    names_kind_as(key, kind, true)
}

/// [`names_kind`]; `by_last_word: false` leaves out the kind's last word alone
/// (`controller` says Deployment-or-ReplicationController-or-anything: enough to
/// follow a name to a candidate of that kind, not to rule other kinds out).
fn names_kind_as(key: &str, kind: &str, by_last_word: bool) -> bool {
    let words = key_words(key);
    if words.is_empty() {
        return false;
    }
    let kind_words = key_words(kind);
    let joined = kind.to_ascii_lowercase();
    // RBAC and kubectl write kinds as plurals (`resources: [secrets]`).
    let plural = |w: &str| {
        w.strip_suffix("es").is_some_and(|s| s == joined)
            || w.strip_suffix('s').is_some_and(|s| s == joined)
            || (joined.ends_with('y')
                && w.strip_suffix("ies")
                    .is_some_and(|s| s == &joined[..joined.len() - 1]))
    };
    if words.iter().any(|w| *w == joined || plural(w))
        || words
            .windows(kind_words.len().max(1))
            .any(|win| win == kind_words.as_slice())
    {
        return true;
    }
    if let Some(s) = short_name(kind)
        && words.iter().any(|w| w == s)
    {
        return true;
    }
    by_last_word
        && kind_words.len() > 1
        && kind_words
            .last()
            .is_some_and(|last| last.len() >= 5 && words.iter().any(|w| w == last))
}

/// The verdict on one old name in one string, or `None` when it is no match after
/// all (a dotted word whose rest is not where the Service lives).
#[allow(clippy::too_many_arguments)]
fn judge<'i>(
    cfg: &Config,
    index: &StreamIndex<'_>,
    plan: &DocPlan<'_>,
    c: &LeftCand<'_>,
    a: &Holder<'_>,
    value: &str,
    w: &Word<'_>,
    targets: &[&'i OldName<'i>],
    pod: bool,
) -> Option<Verdict<'i>> {
    let text = w.text(value);
    let new_for = |t: &OldName<'_>| {
        if pod {
            let (_, n) = text.rsplit_once('-').unwrap_or((text, ""));
            format!("{}-{n}", t.new)
        } else {
            t.new.clone()
        }
    };
    if let Some(e) = c.exempt {
        return Some(Verdict::Keep(Cow::Borrowed(e.why())));
    }
    // A host names a Service (or a pod by its StatefulSet): rule 9's business.
    // After a `/` that is no `://` a word is a path's (`/data/db:5432`).
    if w.form == Form::Host {
        let keep = |why: &'static str| Some(Verdict::Keep(Cow::Borrowed(why)));
        let before = &value[..w.start];
        if before.ends_with('/') && !before.ends_with("://") {
            return keep("a word of a path (`/data/db:5432`), not a host");
        }
        let rest = &value[w.end..w.word_end];
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        let mut parts: Vec<&str> = rest.split('.').collect();
        // A pod's address names its headless Service next: `<set>-<n>.<svc>[.ns…]`.
        if pod {
            if parts.first().is_none_or(|svc| svc.is_empty()) {
                return keep("a pod's name without its Service is no address");
            }
            parts.remove(0);
            if parts.is_empty() {
                parts.push("");
            }
        }
        let lives_there = |ns: &str| {
            index.namespaces.contains(ns) || plan.ns.as_deref() == Some(ns) || ns.starts_with("$(")
        };
        // `svc.ns…` names the Service of that namespace.
        let ns = match parts.as_slice() {
            [""] => None,
            [ns] if lives_there(ns) => Some(*ns),
            [ns, "svc", ..] if !ns.is_empty() => Some(*ns),
            _ => {
                return keep(
                    "a dotted word whose rest is no namespace of this stream: not a host of it",
                );
            }
        };
        // A host is a Service's name, or a StatefulSet's pod's (`<set>-<n>.<headless
        // Service>`): what else shares the name is not what the host names.
        let Some(named) = targets.iter().find(|t| {
            (t.kind == "Service" || pod)
                && (ns.is_none_or(|n| n.starts_with("$(")) || ns_compatible(ns, t.ns))
        }) else {
            return keep("a host naming no Service of this stream in that namespace");
        };
        return Some(if cfg.string_refs {
            Verdict::Report(named)
        } else {
            Verdict::Keep(Cow::Borrowed(
                "a host of this stream, and rule 9 is off (--no-string-refs)",
            ))
        });
    }
    // Rule 2 and rule 10 judged this place already, knowing the kind, group and
    // namespace it names: what they kept names an object the copy does not emit.
    let judged =
        |r: &crate::plan::RefCand<'_>| r.leaf.start >= c.at.start && r.leaf.end <= c.at.end;
    if plan.refs.iter().chain(&plan.made.names).any(judged) {
        return Some(Verdict::Keep(Cow::Borrowed(
            "a reference rule 2 judged by its kind, group and namespace: its target is not emitted",
        )));
    }
    if a.beside_kind && c.key == "name" {
        return Some(Verdict::Keep(Cow::Borrowed(
            "a typed reference {kind, name}: rule 2 judged it by its kind and group",
        )));
    }
    if leftover::in_query(value, w.start) {
        return Some(Verdict::Keep(Cow::Borrowed(
            "a label matcher in a query (`{job=\"…\"}`) names time series, not an object",
        )));
    }
    // (a) A StatefulSet's pod `<set>-<n>`: the set's rename renames its pods.
    if pod {
        let t = targets.iter().find(|t| t.kind == "StatefulSet")?;
        return Some(Verdict::Follow(
            "a StatefulSet's pod name <set>-<ordinal>",
            t,
            new_for(t),
        ));
    }
    // A `prefix/name`: the prefix is the namespace (`ns/web`) or the kind
    // (`deployment/web`); anything else is a path (`/etc/web`).
    let mut targets: Vec<&'i OldName<'i>> = targets.to_vec();
    if let Form::Slash(p) = w.form {
        let kind_named = targets.iter().any(|t| names_kind(p, t.kind));
        if !kind_named {
            let known = index.namespaces.contains(p) || p.starts_with("$(");
            targets.retain(|t| t.ns.map_or(known, |n| n == p || p.starts_with("$(")));
            if targets.is_empty() {
                return None;
            }
        }
    }
    if let Form::Slash(p) = w.form
        && targets
            .iter()
            .all(|t| t.ns == Some(p) && t.new == targets[0].new)
    {
        return Some(Verdict::Follow(
            "a namespaced name `namespace/name` of an object of the stream in that namespace",
            targets[0],
            new_for(targets[0]),
        ));
    }
    if let Form::Keyed(k) = w.form
        && leftover::says_namespace(k)
    {
        return Some(Verdict::Keep(Cow::Borrowed(Exempt::Namespace.why())));
    }
    // The keys that may say what the value is.
    let keys: Vec<&str> = match w.form {
        // `--configmap=$(POD_NAMESPACE)/web`: the prefix is a namespace, which says
        // nothing of the kind; the flag before it does.
        Form::Slash(p) if p.starts_with("$(") || index.namespaces.contains(p) => {
            leftover::flag_before_slash(value, w, p)
                .into_iter()
                .chain(c.flag.as_deref())
                .chain([c.key.as_ref()])
                .collect()
        }
        Form::Keyed(k) | Form::Slash(k) => vec![k],
        // A list item after a flag: the flag, then the list's key.
        _ => match c.flag.as_deref() {
            Some(f) => vec![f, &c.key],
            None => vec![&c.key, &c.parent_key],
        },
    };
    // (a) The key (or the flag, or the `kind/` before it) names the kind, and no
    // longer kind that contains it (`serviceAccountName` names a ServiceAccount,
    // not a Service).
    let longer = |k: &str, kind: &str| {
        index
            .kinds
            .iter()
            .map(String::as_str)
            .chain(cfg.k8s.shapes.iter().map(|s| s.target.as_str()))
            .any(|other| {
                other.len() > kind.len()
                    && other
                        .to_ascii_lowercase()
                        .contains(&kind.to_ascii_lowercase())
                    && names_kind(k, other)
            })
    };
    for t in &targets {
        if keys
            .iter()
            .any(|k| names_kind(k, t.kind) && !longer(k, t.kind))
        {
            return Some(Verdict::Follow("its key names the kind", t, new_for(t)));
        }
    }
    // (a) A key that says host or server holds a Service's name (a TLS
    // `serverName`, `--db-server`).
    if let Some(t) = targets.iter().find(|t| t.kind == "Service")
        && keys.iter().any(|k| {
            key_words(k).iter().any(|w| {
                matches!(
                    w.as_str(),
                    "host" | "hostname" | "server" | "address" | "addr" | "endpoint"
                )
            })
        })
    {
        return Some(Verdict::Follow(
            "its key says host, and it names a Service",
            t,
            new_for(t),
        ));
    }
    if keys.iter().any(|k| crate::rules::strings::says_host(k)) {
        return Some(Verdict::Keep(Cow::Borrowed(
            "its key says host, and the copy renames no Service of this name (rule 9 keeps such a host)",
        )));
    }
    // (a) The mapping says the kind beside the name (`type: topic`,
    // `resources: [secrets]`).
    if w.form == Form::Whole {
        for t in &targets {
            if siblings(a, c).any(|s| value_names_kind(s, t.kind)) {
                return Some(Verdict::Follow(
                    "the mapping names the kind beside it",
                    t,
                    new_for(t),
                ));
            }
        }
    }
    // (a) The mapping has a reference's shape.
    if w.form == Form::Whole && c.key == "name" {
        if a.beside_key {
            // `{name, key}`: a SecretKeySelector or ConfigMapKeySelector.
            let sel: Vec<_> = targets
                .iter()
                .filter(|t| matches!(t.kind, "Secret" | "ConfigMap"))
                .collect();
            return Some(match sel.as_slice() {
                [t] => Verdict::Follow(
                    "a {name, key} selector's shape (Secret or ConfigMap key)",
                    t,
                    new_for(t),
                ),
                [] => Verdict::Keep(Cow::Borrowed(
                    "a {name, key} selector names a Secret or ConfigMap, and the copy renames none of this name",
                )),
                _ => Verdict::Report(sel[0]),
            });
        }
        if a.beside_namespace
            && !a.beside_kind
            && let [t] = targets.as_slice()
        {
            return Some(Verdict::Follow(
                "a {name, namespace} reference's shape naming one object of the stream",
                t,
                new_for(t),
            ));
        }
    }
    // (b) The key names another kind, or a part of a pod: the value is that.
    let siblings: Vec<&str> = if w.form == Form::Whole {
        siblings(a, c).collect()
    } else {
        Vec::new()
    };
    let known = || {
        index
            .kinds
            .iter()
            .map(String::as_str)
            .chain(cfg.k8s.shapes.iter().map(|s| s.target.as_str()))
            .chain(cfg.k8s.pod_specs.keys().map(String::as_str))
    };
    let other = keys
        .iter()
        .find_map(|k| {
            known()
                .chain(ITEM_WORDS.iter().copied())
                .find(|kind| names_kind_as(k, kind, false))
        })
        .or_else(|| {
            siblings
                .iter()
                .find_map(|v| known().find(|kind| value_names_kind(v, kind)))
        });
    let about_parts = a
        .keys
        .iter()
        .find_map(|k| ITEM_WORDS.iter().find(|w| names_kind(k, w)));
    if let Some(kind) = other {
        return Some(Verdict::Keep(Cow::Owned(format!(
            "it names a {kind} (its key or the mapping says so), and the copy renames no {kind} of this name (rule 2 keeps such a reference)"
        ))));
    }
    if let Some(part) = about_parts {
        return Some(Verdict::Keep(Cow::Owned(format!(
            "the mapping is about a {part} (its keys say so): it holds a {part}'s value, not an object's name"
        ))));
    }
    // (a) The key spells the name it holds (`ARGOCD_APPLICATION_CONTROLLER_NAME:
    // argocd-application-controller`): a variable that carries an object's own
    // name; every object of that name gets the same new one.
    if keys.iter().any(|k| spells(k, text)) && targets.iter().all(|t| t.new == targets[0].new) {
        return Some(Verdict::Follow(
            "its key spells the name it holds",
            targets[0],
            new_for(targets[0]),
        ));
    }
    // (b) A one-word name (`retool`, `loki`) under a key that names no kind is as
    // likely the app's, a user's or a database's name.
    if !text.contains(['-', '.']) {
        return Some(Verdict::Keep(Cow::Borrowed(
            "a one-word name under a key that names no kind: as likely an app's, user's or database's name",
        )));
    }
    Some(Verdict::Report(targets[0]))
}

/// Does a value beside the name say its kind: the kind itself, its plural, or
/// the last word of a longer kind (`type: topic` beside a KafkaTopic's name,
/// `resources: [secrets]`)? Stricter than a key: values are not kubectl's short
/// names, and `api.ns.svc` says nothing.
fn value_names_kind(v: &str, kind: &str) -> bool {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let v = v.to_ascii_lowercase();
    let kw = key_words(kind);
    let last = kw.last().map(String::as_str).unwrap_or("");
    let one = |w: &str| {
        v == w
            || v.strip_suffix('s') == Some(w)
            || v.strip_suffix("es") == Some(w)
            || (w.ends_with('y') && v.strip_suffix("ies") == Some(&w[..w.len() - 1]))
    };
    one(&kind.to_ascii_lowercase()) || (kw.len() > 1 && last.len() >= 5 && one(last))
}

/// Does the key spell `name`: every word of the name after its first (often the
/// release's or the app's: `keda-operator` under `OPERATOR_NAME`) is a word of
/// the key? (A key that says host was judged before: `REDIS_HOST: chart-redis`
/// spells nothing about a Service it cannot find.)
fn spells(key: &str, name: &str) -> bool {
    let kw = key_words(key);
    let nw: Vec<&str> = name.split('-').filter(|w| !w.is_empty()).collect();
    nw.len() >= 2 && nw[1..].iter().all(|w| kw.iter().any(|k| k == w))
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
