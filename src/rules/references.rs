//! Rule 2: a name reference follows its target if and only if the target (kind,
//! namespace, name) is emitted by this same stream.
//!
//! ```yaml
//! backendRefs:                 backendRefs:
//!   - name: www-ameide           - name: www-ameide-tilt     # Service in the stream
//! secretKeyRef:                secretKeyRef:
//!   name: www-ameide-auth        name: www-ameide-auth      # made by a dropped ExternalSecret
//! ```
//! Where the table reads the kind from beside the name (`roleRef.kind`, a
//! backendRef's `kind`/`group`), that kind is checked, so a same-named object of
//! another kind is never confused with the target.

use crate::edit::Edit;
use crate::error::Error;
use crate::k8s::refs::{Found, Rule, Target, flag_matches, walk};
use crate::plan::{
    DocOut, DocPlan, NodeSpan, PlanCx, RefCand, ResolveCx, locate_in_scalar, renamed_name,
    rewrite_scalar,
};
use crate::reason::Reason;
use crate::yaml::{Doc, NodeId, Style};
use std::borrow::Cow;
use std::collections::HashSet;

pub struct References;

impl crate::plan::Rule for References {
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
        resolve(cx, plan, out)
    }
}

fn collect<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>) {
    // A name the object makes (rule 10) is edited as such, not as a reference.
    let produced: HashSet<usize> = plan.produced.iter().map(|c| c.leaf.start).collect();
    let mut found = candidates(cx, plan, &cx.cfg.k8s.references);
    found.retain(|c| !produced.contains(&c.leaf.start));
    plan.refs.extend(found);
}

/// Every name the table `rules` finds in this object, with the kind, group and
/// namespace of what it names (rule 2's references, rule 10's produced names).
pub fn candidates<'a>(cx: &PlanCx<'_, 'a>, plan: &DocPlan<'a>, rules: &[Rule]) -> Vec<RefCand<'a>> {
    let (doc, root, cfg) = (cx.doc, cx.root, cx.cfg);
    let group = plan.group().to_string();
    let spec = cfg.k8s.pod_spec(doc, root, &plan.kind);
    let annotations = doc
        .get(cx.metadata, "annotations")
        .filter(|&a| doc.is_map(a));
    let mut out = Vec::new();
    let mut found = Vec::new();
    for (ri, rule) in rules.iter().enumerate() {
        let start = if rule.in_pod_spec {
            match spec {
                Some(s) => s,
                None => continue,
            }
        } else if rule.from.iter().any(|k| k.matches(&plan.kind, &group)) {
            root
        } else {
            continue;
        };
        if !rule.when_annotation.is_empty()
            && !annotations
                .is_some_and(|a| rule.when_annotation.iter().any(|k| doc.get(a, k).is_some()))
        {
            continue;
        }
        found.clear();
        walk(doc, start, &rule.path, start, &mut found);
        for &Found { leaf, holder } in &found {
            if doc.is_null(leaf) {
                continue;
            }
            if !rule.when_first_arg.is_empty()
                && !first_arg(doc, holder)
                    .is_some_and(|a| rule.when_first_arg.iter().any(|w| w == a))
            {
                continue;
            }
            let Some((span, inside, text_ns)) = name_at(cx, rule, leaf) else {
                continue;
            };
            let ns = match (&text_ns, &rule.ns_key) {
                (Some(n), _) => Some(n.clone()),
                (None, Some(k)) => doc
                    .get(holder, k)
                    .filter(|&n| doc.is_scalar(n))
                    .map(|n| doc.node(n).value.clone())
                    .or_else(|| plan.ns.clone()),
                (None, None) => plan.ns.clone(),
            };
            let sibling_group = ["group", "apiGroup"]
                .iter()
                .find_map(|g| doc.get(holder, g).filter(|&n| doc.is_scalar(n)))
                .map(|n| doc.node(n).value.clone());
            let mut push = |kind: Cow<'a, str>, plural: bool, group: Option<Cow<'a, str>>| {
                out.push(RefCand {
                    leaf: span.clone(),
                    kind,
                    plural,
                    group,
                    ns: ns.clone(),
                    rule: ri,
                    inside,
                });
            };
            match &rule.target {
                Target::Kind(k) => push(Cow::Owned(k.clone()), false, None),
                Target::Sibling { key, default } => {
                    let kind = doc
                        .get(holder, key)
                        .filter(|&n| doc.is_scalar(n))
                        .map(|n| doc.node(n).value.clone())
                        .or_else(|| default.clone().map(Cow::Owned));
                    if let Some(kind) = kind {
                        push(kind, false, sibling_group);
                    }
                }
                Target::Resources => {
                    let Some(res) = doc.get(holder, "resources").filter(|&r| doc.is_seq(r)) else {
                        continue;
                    };
                    for r in doc.children(res) {
                        if let Some(v) = doc.str(r) {
                            let plural = v.split('/').next().unwrap_or(v).to_string();
                            push(Cow::Owned(plural), true, None);
                        }
                    }
                }
            }
        }
    }
    out
}

/// A container's first argument: `args[0]`, or `command[1]` without `args`.
fn first_arg<'d>(doc: &'d Doc<'_>, container: NodeId) -> Option<&'d str> {
    let item = |key: &str, i: usize| {
        doc.get(container, key)
            .filter(|&s| doc.is_seq(s))
            .and_then(|s| doc.children(s).nth(i))
            .and_then(|n| doc.str(n))
    };
    match doc.get(container, "args") {
        Some(_) => item("args", 0),
        None => item("command", 1),
    }
}

/// Where the name sits in the scalar `leaf`: the whole scalar, or (for a flag or
/// a `namespace/name` value) the name's text inside it; with the namespace the
/// text names, if any. `None`: the scalar holds no name for this rule.
fn name_at<'a>(
    cx: &PlanCx<'_, 'a>,
    rule: &Rule,
    leaf: NodeId,
) -> Option<(NodeSpan<'a>, bool, Option<Cow<'a, str>>)> {
    let doc = cx.doc;
    let whole = NodeSpan::of(doc, leaf);
    let value = whole.value.clone();
    if let Some(flag) = &rule.flag {
        if flag_matches(flag, &value) {
            // `--flag NAME`: the next item of the list is the name.
            let list = (0..leaf)
                .rev()
                .find(|&i| doc.is_seq(i) && doc.node(i).next > leaf)?;
            let next = doc.children(list).skip_while(|&c| c != leaf).nth(1)?;
            let ok =
                doc.is_scalar(next) && !doc.is_null(next) && is_name(doc.node(next).value.as_ref());
            return ok.then(|| (NodeSpan::of(doc, next), false, None));
        }
        let (f, name) = value.split_once('=')?;
        if !flag_matches(flag, f) || !is_name(name) {
            return None;
        }
        let at = value.len() - name.len();
        return Some((sub_span(cx.input, &whole, at)?, true, None));
    }
    if rule.ns_slash_name {
        let (ns, name) = value.split_once('/')?;
        if ns.is_empty() || !is_name(name) {
            return None;
        }
        let at = value.len() - name.len();
        let ns = Cow::Owned(ns.to_string());
        return Some((sub_span(cx.input, &whole, at)?, true, Some(ns)));
    }
    Some((whole, false, None))
}

/// Text that can be an object's name (a DNS subdomain): not an env reference
/// (`$(NAME)`), a template or a quoted word, which stay as they are.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// The part of a scalar's value from byte `at` to its end, as a span of the input
/// (see [`locate_in_scalar`]).
fn sub_span<'a>(input: &str, whole: &NodeSpan<'a>, at: usize) -> Option<NodeSpan<'a>> {
    let value = match &whole.value {
        Cow::Borrowed(v) => Cow::Borrowed(&v[at..]),
        Cow::Owned(v) => Cow::Owned(v[at..].to_string()),
    };
    let start = locate_in_scalar(input, whole, at, &value)?;
    Some(NodeSpan {
        start,
        end: start + value.len(),
        style: Style::Plain,
        value,
        ..whole.clone()
    })
}
fn resolve(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) -> Result<(), Error> {
    let (input, index, cfg) = (cx.input, cx.index, cx.cfg);
    let (edits, report) = (&mut out.edits, &mut out.report);
    let mut done: HashSet<usize> = HashSet::new();
    for c in &plan.refs {
        if done.contains(&c.leaf.start) {
            continue;
        }
        let name = c.leaf.value.as_ref();
        let target_kind = if c.plural {
            index.emits_plural(&c.kind, c.ns.as_deref(), name)
        } else {
            let group = c.group.as_deref().map(|g| g.trim());
            index
                .emits(&c.kind, group, c.ns.as_deref(), name)
                .then_some(c.kind.as_ref())
        };
        let path = &cfg.k8s.references[c.rule].shown;
        if c.inside && c.leaf.anchored {
            report.push(format!(
                "kept {} {path}: the value carries a YAML anchor",
                plan.object()
            ));
            continue;
        }
        let Some(kind) = target_kind else {
            if !c.plural {
                report.push(format!(
                    "kept {} {path}: {}/{name} is not emitted by this stream",
                    plan.object(),
                    c.kind
                ));
            }
            continue;
        };
        done.insert(c.leaf.start);
        let new = match renamed_name(cfg, kind, name) {
            Ok(Some(n)) => n,
            // Already suffixed, or too long (the target's own rename reports that).
            Ok(None) | Err(_) => continue,
        };
        if c.inside {
            edits.push(
                Edit::replace(c.leaf.start, c.leaf.end, new.clone()).because(Reason::NameInText),
            );
        } else {
            let what = format!("the reference at {path}");
            edits.push(
                rewrite_scalar(input, plan, &c.leaf, &what, &new)?.because(Reason::Reference),
            );
        }
        report.push(format!(
            "rewrote {} {path}: {kind}/{name} -> {new}",
            plan.object()
        ));
    }
    Ok(())
}
