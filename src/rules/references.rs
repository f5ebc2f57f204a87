//! Rule 2: a name reference follows its target if and only if the target (kind,
//! group, namespace, name) is emitted by this same stream.
//!
//! ```yaml
//! backendRefs:                 backendRefs:
//!   - name: www-ameide           - name: www-ameide-tilt     # Service in the stream
//! secretKeyRef:                secretKeyRef:
//!   name: www-ameide-auth        name: www-ameide-auth      # made by a dropped ExternalSecret
//! targetRefs:                  targetRefs:                  # any policy, any CRD: a typed
//!   - group: gateway.networking.k8s.io                      # reference by its shape
//!     kind: HTTPRoute              kind: HTTPRoute
//!     name: www-ameide             name: www-ameide-tilt     # HTTPRoute in the stream
//! ```
//! References are found three ways: the reference table (`builtin.yaml` and the
//! config file, by path); anywhere in any object, a mapping with a `kind` and a
//! `name` (a typed reference: Gateway API policy `targetRef(s)`, `extensionRef`,
//! Flux `sourceRef`, …); and, anywhere in a custom resource, the shapes Kubernetes
//! made familiar (`secretKeyRef: {name, key}`, `serviceAccountName: x`, …,
//! `reference_shapes` in the table). A leaf the table covers is not looked at again.
//! Where a reference gives the kind and group beside the name, both are checked,
//! the group as the API server stores it (an empty `roleRef.apiGroup` is
//! `rbac.authorization.k8s.io`), so a same-named object of another kind or group is
//! never confused with the target.
//!
//! A typed reference that also carries a `uid` (`metadata.ownerReferences`, an
//! Event's `involvedObject`) names one live object, the one whose uid it is: it
//! keeps its bytes. Renaming only its name would point it at an object whose uid
//! differs, which the garbage collector treats as a missing owner and so deletes
//! the copy's object.

use crate::edit::Edit;
use crate::error::Error;
use crate::k8s::refs::{Found, Shape, TableObject, TableRef, Target, for_each_table_hit};
use crate::plan::{
    DocOut, DocPlan, NodeSpan, RefCand, RefVia, api_group, locate_in_scalar, renamed_name,
    rewrite_scalar,
};
use crate::reason::Reason;
use crate::rules::contract::{PlanCx, ResolveCx, Rule, Stale};
use crate::yaml::{Doc, NodeId, Style};
use std::borrow::Cow;
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    plan: |cx, plan, _| {
        collect(cx, plan);
        collect_shapes(cx, plan);
        Ok(())
    },
    resolve,
    stale,
    ..Rule::new(2)
};

/// `check`: a reference to the old name of an object this stream emits renamed.
/// A pinned reference (it carries a uid) stays with its object on purpose.
fn stale(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut Vec<Stale>) {
    for c in plan.refs.iter().filter(|c| !c.plural && !c.pinned) {
        let name = c.leaf.value.as_ref();
        let group = c.group.as_deref().map(str::trim);
        if cx.index.emits(&c.kind, group, c.ns.as_deref(), name) {
            continue;
        }
        if let Ok(Some(new)) = renamed_name(cx.cfg, &c.kind, name)
            && cx.index.emits(&c.kind, group, c.ns.as_deref(), &new)
        {
            out.push(Stale {
                at: c.leaf.start,
                why: Reason::StaleReference,
                detail: format!("{}/{name} is emitted as {new}", c.kind),
            });
        }
    }
}

/// A scalar that holds a value (not `~`, `null`, nothing).
fn text<'a>(doc: &Doc<'a>, id: Option<NodeId>) -> Option<Cow<'a, str>> {
    id.filter(|&n| doc.is_scalar(n) && !doc.is_null(n))
        .map(|n| doc.node(n).value.clone())
}

/// `apps` for `apps/v1`, the core group `""` for `v1`.
fn group_of<'a>(api_version: &Cow<'a, str>) -> Cow<'a, str> {
    match api_version {
        Cow::Borrowed(v) => Cow::Borrowed(api_group(v)),
        Cow::Owned(v) => Cow::Owned(api_group(v).to_string()),
    }
}

/// The API group a reference gives beside its name: `group`, `apiGroup`, or the
/// group of `apiVersion`. A null one is absent.
fn given_group<'a>(doc: &Doc<'a>, holder: NodeId) -> Option<Cow<'a, str>> {
    text(doc, doc.get(holder, "group"))
        .or_else(|| text(doc, doc.get(holder, "apiGroup")))
        .or_else(|| text(doc, doc.get(holder, "apiVersion")).map(|v| group_of(&v)))
}

/// The reference table's entries.
fn collect<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>) {
    // A name the object makes (rule 10) is edited as such, not as a reference.
    let made: HashSet<usize> = plan.made.names.iter().map(|c| c.leaf.start).collect();
    let mut found = candidates(cx, plan, &cx.cfg.k8s.references, RefVia::Table);
    found.retain(|c| !made.contains(&c.leaf.start));
    plan.refs.extend(found);
}

/// Every name the table `rules` finds in this object, with the kind, group and
/// namespace of what it names (rule 2's references, rule 10's made names).
pub fn candidates<'a>(
    cx: &PlanCx<'_, 'a>,
    plan: &DocPlan<'a>,
    rules: &[TableRef],
    via: impl Fn(usize) -> RefVia,
) -> Vec<RefCand<'a>> {
    let (doc, root, cfg) = (cx.doc, cx.root, cx.cfg);
    let obj = TableObject {
        doc,
        root,
        kind: &plan.kind,
        group: plan.group(),
        pod_spec: cfg.k8s.pod_spec(doc, root, &plan.kind),
        annotations: doc
            .get(cx.metadata, "annotations")
            .filter(|&a| doc.is_map(a)),
    };
    let mut out = Vec::new();
    for_each_table_hit(&obj, rules, |ri, rule, Found { leaf, holder }| {
        let Some((span, inside, text_ns)) = name_at(cx, rule, leaf) else {
            return;
        };
        let ns = match (&text_ns, &rule.ns_key) {
            (Some(n), _) => Some(n.clone()),
            (None, Some(k)) => text(doc, doc.get(holder, k)).or_else(|| plan.ns.clone()),
            (None, None) => plan.ns.clone(),
        };
        for (kind, plural, group) in targets(doc, rule, holder) {
            out.push(RefCand {
                leaf: span.clone(),
                kind,
                plural,
                group,
                ns: ns.clone(),
                via: via(ri),
                pinned: false,
                inside,
            });
        }
    });
    out
}

/// What a table entry's name at `holder` names: (kind, is an RBAC plural, group).
/// One target, but for RBAC `resourceNames`, one per resource of the rule.
fn targets<'a>(
    doc: &Doc<'a>,
    rule: &TableRef,
    holder: NodeId,
) -> Vec<(Cow<'a, str>, bool, Option<Cow<'a, str>>)> {
    match &rule.target {
        Target::Kind(k) => vec![(
            Cow::Owned(k.clone()),
            false,
            rule.target_group.clone().map(Cow::Owned),
        )],
        Target::Sibling { key, default } => {
            let kind = text(doc, doc.get(holder, key)).or_else(|| default.clone().map(Cow::Owned));
            let Some(kind) = kind else {
                return Vec::new();
            };
            // An empty or absent group is what the API server stores for it.
            let group = match given_group(doc, holder) {
                Some(g) if !g.trim().is_empty() => Some(g),
                given => match rule.group_default.for_kind(&kind) {
                    Some(d) => Some(Cow::Owned(d.to_string())),
                    None => given,
                },
            };
            vec![(kind, false, group)]
        }
        Target::Resources => doc
            .get(holder, "resources")
            .filter(|&r| doc.is_seq(r))
            .map(|res| {
                doc.children(res)
                    .filter_map(|r| doc.str(r))
                    .map(|v| {
                        let plural = v.split('/').next().unwrap_or(v).to_string();
                        (Cow::Owned(plural), true, None)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `HTTPRoute`: what a `kind` value looks like.
fn is_kind(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Typed references by their shape, anywhere in the object but in label and
/// annotation maps, and the familiar shapes anywhere in a custom resource outside
/// its metadata; except where the table already looked.
fn collect_shapes<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>) {
    let (doc, root, k8s) = (cx.doc, cx.root, &cx.cfg.k8s);
    let custom = k8s.is_custom_group(plan.group()) && !k8s.shapes.is_empty();
    // Leaves the table found, and names the object makes (rule 10's), are done.
    let mut covered: HashSet<usize> = plan
        .refs
        .iter()
        .chain(&plan.made.names)
        .map(|c| c.leaf.start)
        .collect();
    let mut found = Vec::new();
    // (node, it is the value of a string-map key, it is under the root's metadata)
    let mut stack = vec![(root, false, false)];
    while let Some((id, strings, in_metadata)) = stack.pop() {
        if doc.is_seq(id) {
            stack.extend(doc.children(id).map(|c| (c, strings, in_metadata)));
            continue;
        }
        if !doc.is_map(id) {
            continue;
        }
        if id != root
            && !strings
            && let Some(c) = typed(doc, id, plan)
            && covered.insert(c.leaf.start)
        {
            found.push(c);
        }
        for (k, v) in doc.pairs(id) {
            let key = doc.str(k).unwrap_or("");
            if custom
                && !in_metadata
                && !strings
                && let Some(shape) = k8s.shapes.iter().find(|s| s.key == key)
                && let Some(c) = familiar(doc, id, v, shape, plan)
                && covered.insert(c.leaf.start)
            {
                found.push(c);
            }
            let strings = k8s.string_map_keys.iter().any(|s| s == key);
            stack.push((v, strings, in_metadata || (id == root && key == "metadata")));
        }
    }
    // In document order, for the report.
    found.sort_by_key(|c| c.leaf.start);
    plan.refs.extend(found);
}

/// A mapping with a `kind` and a `name`: it names an object of that kind, in the
/// group it gives (if any) and the namespace it gives (or the object's own).
fn typed<'a>(doc: &Doc<'a>, id: NodeId, plan: &DocPlan<'a>) -> Option<RefCand<'a>> {
    let kind = text(doc, doc.get(id, "kind")).filter(|k| is_kind(k))?;
    let leaf = doc
        .get(id, "name")
        .filter(|&n| doc.is_scalar(n) && !doc.is_null(n))?;
    Some(RefCand {
        leaf: NodeSpan::of(doc, leaf),
        kind,
        plural: false,
        group: given_group(doc, id),
        ns: text(doc, doc.get(id, "namespace")).or_else(|| plan.ns.clone()),
        via: RefVia::Shape(doc.path_to(leaf)),
        pinned: doc.get(id, "uid").is_some(),
        inside: false,
    })
}

/// A familiar reference shape at `value`, the value of `shape.key` in `holder`.
fn familiar<'a>(
    doc: &Doc<'a>,
    holder: NodeId,
    value: NodeId,
    shape: &Shape,
    plan: &DocPlan<'a>,
) -> Option<RefCand<'a>> {
    let (leaf, ns_holder) = match &shape.name {
        None => (value, holder),
        Some(name) => {
            let complete = doc.is_map(value)
                && doc.get(value, "kind").is_none()
                && shape.requires.iter().all(|f| doc.get(value, f).is_some());
            (doc.get(value, name).filter(|_| complete)?, value)
        }
    };
    if !doc.is_scalar(leaf) || doc.is_null(leaf) {
        return None;
    }
    let ns = shape
        .ns_key
        .as_deref()
        .and_then(|k| text(doc, doc.get(ns_holder, k)));
    Some(RefCand {
        leaf: NodeSpan::of(doc, leaf),
        kind: Cow::Owned(shape.target.clone()),
        plural: false,
        group: None,
        ns: ns.or_else(|| plan.ns.clone()),
        via: RefVia::Shape(doc.path_to(leaf)),
        pinned: false,
        inside: false,
    })
}

/// `the core API group` / `API group apps`.
fn group_text(group: &str) -> String {
    if group.is_empty() {
        "the core API group".to_string()
    } else {
        format!("API group {group}")
    }
}

/// Where the name sits in the scalar `leaf`: the whole scalar, or (for a flag or
/// a `namespace/name` value) the name's text inside it; with the namespace the
/// text names, if any. `None`: the scalar holds no name for this rule.
fn name_at<'a>(
    cx: &PlanCx<'_, 'a>,
    rule: &TableRef,
    leaf: NodeId,
) -> Option<(NodeSpan<'a>, bool, Option<Cow<'a, str>>)> {
    let doc = cx.doc;
    match rule.name_place(doc, leaf)? {
        (node, None) => Some((NodeSpan::of(doc, node), false, None)),
        (_, Some(at)) => {
            let whole = NodeSpan::of(doc, leaf);
            let ns = rule
                .ns_slash_name
                .then(|| Cow::Owned(whole.value[..at - 1].to_string()));
            Some((sub_span(cx.input, &whole, at)?, true, ns))
        }
    }
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
    let (index, cfg) = (cx.index, cx.cfg);
    let (edits, report) = (&mut out.edits, &mut out.report);
    let mut done: HashSet<usize> = HashSet::new();
    for c in &plan.refs {
        if done.contains(&c.leaf.start) {
            continue;
        }
        let name = c.leaf.value.as_ref();
        let ns = c.ns.as_deref();
        let group = c.group.as_deref().map(|g| g.trim());
        let target_kind = if c.plural {
            index.emits_plural(&c.kind, ns, name)
        } else {
            index
                .emits(&c.kind, group, ns, name)
                .then_some(c.kind.as_ref())
        };
        let path = c.via.shown(cfg);
        if c.inside && c.leaf.anchored {
            report.push(format!(
                "kept {} {path}: the value carries a YAML anchor",
                plan.object()
            ));
            continue;
        }
        let Some(kind) = target_kind else {
            if c.plural {
                continue;
            }
            let why = match (group, ns) {
                (Some(g), _) if index.emits(&c.kind, None, ns, name) => format!(
                    "{}/{name} is emitted by this stream, but not in {}",
                    c.kind,
                    group_text(g)
                ),
                (_, Some(n)) if index.emits(&c.kind, group, None, name) => format!(
                    "{}/{name} is emitted by this stream, but not in namespace {n}",
                    c.kind
                ),
                _ => format!("{}/{name} is not emitted by this stream", c.kind),
            };
            report.push(format!("kept {} {path}: {why}", plan.object()));
            continue;
        };
        done.insert(c.leaf.start);
        if c.pinned {
            report.push(format!(
                "kept {} {path}: {kind}/{name} is also named by uid, which only the baseline's object has (an owner or event reference stays with it)",
                plan.object()
            ));
            continue;
        }
        let new = match index.renamed(kind, name) {
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
            edits.push(rewrite_scalar(plan, &c.leaf, &what, &new)?.because(Reason::Reference));
        }
    }
    Ok(())
}
