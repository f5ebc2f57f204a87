//! Rule 3: two-way selector isolation. Every label pair (key, value) that a
//! selector of the stream uses, and that something of the stream it can select
//! carries, becomes (key, value+suffix) everywhere in the stream: selectors, pod
//! template labels, object labels.
//!
//! ```yaml
//! selector:                          selector:
//!   app.kubernetes.io/name: web        app.kubernetes.io/name: web-tilt
//!   k8s-app: kube-dns                  k8s-app: kube-dns          # no pod of ours: shared
//!   prometheus: kps                    prometheus: kps-tilt       # Prometheus/kps's pods
//! ```
//! So the tilt Service selects only tilt pods, and the baseline's selectors (which
//! still say `web`) never select them. A pair nothing of the stream carries selects
//! something outside it (CoreDNS, the kubelet) and stays shared, unless its value
//! names an object of the stream that labels the pods it makes with its name (an
//! operator's custom resource): then it follows that object's rename. What each
//! selector can select is data (`selectors:` in `src/k8s/builtin.yaml`). A
//! selector that selects every pod of the namespace (a NetworkPolicy's empty
//! `podSelector`, a PodDisruptionBudget's or PodMonitor's `selector: {}`) is
//! narrowed to a pair every pod template of the copy carries. Selectors that pick
//! namespaces are left alone.

mod narrow;
mod pods;

use crate::edit::{self, Lines, Unplaceable};
use crate::error::Error;
use crate::index::{LabelFate, OperatorPodSet, label_value_in_copy};
use crate::k8s::{SelectorForm, Selects, WhenAbsent};
use crate::names::{Suffixed, suffixed};
use crate::plan::{
    DocOut, DocPlan, LabelOcc, NARROW_MARK, Narrow, NodeSpan, PodSelector, Requirement,
    rewrite_scalar,
};
use crate::reason::Reason;
use crate::rules::contract::{PlanCx, ResolveCx, Rule, Stale};
use crate::yaml::{Doc, NodeId, Style};
use narrow::{narrow, narrow_edit, narrow_off_baseline};
pub use pods::baseline_on_copy;
use pods::owner_pair;
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    plan,
    resolve,
    stale,
    ..Rule::new(3)
};

/// `check`: a label value kept shared that is the old name of an owner this
/// stream emits renamed.
fn stale(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut Vec<Stale>) {
    for occ in plan.selectors.labels.iter().filter(|o| o.selects.is_some()) {
        let value = occ.value.value.as_ref();
        if cx.index.labels.get(&(occ.key.as_ref(), value)) != Some(&LabelFate::Shared) {
            continue;
        }
        // The pods an operator makes for a resource of this stream carry the
        // pair as it is (a Pooler's pods carry the name of a Cluster outside the
        // stream): the value selects them, whatever else shares it.
        let key = occ.key.as_ref();
        let mut made = cx.index.pod_sets.iter().flat_map(|s| &s.labels);
        if made.any(|(k, v)| *k == key && v == value) {
            continue;
        }
        let new = format!("{value}{}", cx.cfg.suffix);
        if let Some(kind) = cx.index.label_owners.get(new.as_str()) {
            out.push(Stale {
                at: occ.value.start,
                why: Reason::StaleLabel,
                detail: format!("{kind}/{value} is emitted as {new}"),
            });
        }
    }
}

fn plan<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>, _: &mut DocOut) -> Result<(), Error> {
    collect(cx, plan)
}

/// Where a label pair was found.
#[derive(Clone, Copy)]
struct Found {
    selects: Option<usize>,
    pod: bool,
    object: bool,
}

fn occ<'a>(doc: &Doc<'a>, k: NodeId, v: NodeId, at: Found) -> LabelOcc<'a> {
    LabelOcc {
        key: doc.node(k).value.clone(),
        value: NodeSpan::of(doc, v),
        selects: at.selects,
        pod: at.pod,
        object: at.object,
    }
}

fn pairs_of<'a>(
    doc: &Doc<'a>,
    map: NodeId,
    at: Found,
    skip: Option<&str>,
    out: &mut Vec<LabelOcc<'a>>,
) {
    for (k, v) in doc.pairs(map) {
        let (Some(key), true) = (doc.str(k), doc.is_scalar(v) && !doc.is_null(v)) else {
            continue;
        };
        if Some(key) == skip {
            continue;
        }
        out.push(occ(doc, k, v, at));
    }
}

fn expressions<'a>(doc: &Doc<'a>, seq: NodeId, at: Found, out: &mut Vec<LabelOcc<'a>>) {
    for item in doc.children(seq).filter(|&i| doc.is_map(i)) {
        let (Some(k), Some(op), Some(vals)) = (
            doc.get(item, "key"),
            doc.get_str(item, "operator"),
            doc.get(item, "values"),
        ) else {
            continue;
        };
        if !matches!(op, "In" | "NotIn") || !doc.is_scalar(k) || !doc.is_seq(vals) {
            continue;
        }
        for v in doc
            .children(vals)
            .filter(|&v| doc.is_scalar(v) && !doc.is_null(v))
        {
            out.push(occ(doc, k, v, at));
        }
    }
}

fn collect<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>) -> Result<(), Error> {
    let (doc, root, k8s) = (cx.doc, cx.root, &cx.cfg.k8s);
    let instance_label = k8s.argo_instance_label.as_str();
    // The mapping that holds the pod template's `metadata` (the root for a Pod).
    let template = k8s
        .pod_spec(doc, root, &plan.kind)
        .and_then(|spec| doc.parent(spec));
    plan.selectors.pod_template = template.is_some();
    // Label selectors of this object's kind: (selector mapping, table index).
    let mut sources: Vec<(NodeId, usize)> = Vec::new();
    if let Some(name) = plan.name.clone() {
        plan.selectors.pod_sets = k8s.operator_pod_sets(doc, root, &plan.kind, plan.group(), &name);
    }
    for (i, sel) in k8s.selectors.iter().enumerate() {
        if !sel.from.iter().any(|f| f.matches(&plan.kind, plan.group())) {
            continue;
        }
        let keys: Vec<&str> = sel.path.iter().map(String::as_str).collect();
        if sel.narrow_empty {
            plan.selectors.narrow = narrow(cx, plan, &keys, sel.when_absent)?;
        }
        let Some(node) = doc.path(root, &keys).filter(|&n| doc.is_map(n)) else {
            continue;
        };
        if sel.selects == Selects::Pods
            && let Some(ps) = pod_selector(cx, node, sel.form)
        {
            plan.selectors.pod_selectors.push(ps);
        }
        let at = Found {
            selects: Some(i),
            pod: false,
            object: false,
        };
        match sel.form {
            SelectorForm::Map => pairs_of(doc, node, at, None, &mut plan.selectors.labels),
            SelectorForm::LabelSelector => sources.push((node, i)),
        }
    }
    let mut namespace_selectors: HashSet<NodeId> = HashSet::new();
    for id in 0..doc.nodes.len() {
        if !doc.is_map(id) {
            continue;
        }
        let in_ns_selector = namespace_selectors.contains(&id);
        let at = Found {
            selects: sources.iter().find(|(n, _)| *n == id).map(|&(_, i)| i),
            pod: false,
            object: false,
        };
        for (k, v) in doc.pairs(id) {
            match doc.str(k) {
                Some("namespaceSelector") => {
                    namespace_selectors.insert(v);
                }
                Some("metadata") if doc.is_map(v) => {
                    if let Some(labels) = doc.get(v, "labels").filter(|&l| doc.is_map(l)) {
                        let skip = (id == root).then_some(instance_label);
                        // Of a repeated `metadata`, Kubernetes keeps the last: the
                        // labels of another one are no pod's or object's (their
                        // pairs are still rewritten like every occurrence).
                        let kept = doc.get(id, "metadata") == Some(v);
                        let at = Found {
                            selects: None,
                            pod: kept && Some(id) == template,
                            object: kept && id == root,
                        };
                        pairs_of(doc, labels, at, skip, &mut plan.selectors.labels);
                    }
                }
                Some("matchLabels") if !in_ns_selector && doc.is_map(v) => {
                    pairs_of(doc, v, at, None, &mut plan.selectors.labels);
                }
                Some("matchExpressions") if !in_ns_selector && doc.is_seq(v) => {
                    expressions(doc, v, at, &mut plan.selectors.labels);
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// A non-empty pod selector as the API server reads it, and where a pair would
/// be added to it; `None` for an empty one (see [`narrow`]) or one whose parts
/// are not plain label text (an alias, a list where a value should be).
pub fn pod_selector(cx: &PlanCx<'_, '_>, sel: NodeId, form: SelectorForm) -> Option<PodSelector> {
    let (input, doc) = (cx.input, cx.doc);
    // `key: value` pairs, of a repeated key the last (as the API server keeps).
    let equals = |map: NodeId, reqs: &mut Vec<Requirement>| -> Option<()> {
        for (k, v) in doc.pairs(map) {
            let (Some(key), true) = (doc.str(k), doc.is_scalar(v) && !doc.is_null(v)) else {
                return None;
            };
            let value = doc.node(v).value.to_string();
            reqs.retain(|r| !matches!(r, Requirement::Equals(x, _) if x == key));
            reqs.push(Requirement::Equals(key.to_string(), value));
        }
        Some(())
    };
    let mut reqs = Vec::new();
    // The pair's place, found now; its text, in phase 2 ([`NARROW_MARK`]).
    let (k, v) = ("\u{1}", "\u{2}".to_string());
    let (built, beside) = match form {
        SelectorForm::Map => {
            equals(sel, &mut reqs)?;
            (edit::insert_pair(input, doc, sel, k, &v), Some(sel))
        }
        SelectorForm::LabelSelector => {
            let ml = doc.get_pair(sel, "matchLabels");
            if let Some((_, m)) = ml.filter(|&(_, m)| !doc.is_null(m)) {
                if !doc.is_map(m) {
                    return None;
                }
                equals(m, &mut reqs)?;
            }
            if let Some(list) = doc
                .get(sel, "matchExpressions")
                .filter(|&l| !doc.is_null(l))
            {
                if !doc.is_seq(list) {
                    return None;
                }
                for e in doc.children(list) {
                    reqs.push(expression(doc, e)?);
                }
            }
            let nested = [(0, "matchLabels", String::new()), (1, k, v.clone())];
            match ml {
                Some((_, m)) if doc.is_map(m) && !doc.node(m).anchored => {
                    (edit::insert_pair(input, doc, m, k, &v), Some(m))
                }
                Some((mk, m)) if doc.is_null(m) => {
                    (edit::replace_pair(input, doc, sel, mk, m, &nested), None)
                }
                Some(_) => (Err(edit::Unplaceable::NoKeyColumn), None),
                None => (edit::insert_nested(input, doc, sel, &nested), None),
            }
        }
    };
    if reqs.is_empty() {
        return None;
    }
    let insert = if doc.node(sel).anchored {
        Err("it carries a YAML anchor (&name), which an alias would repeat")
    } else {
        match built {
            Ok(e) if e.text.contains(NARROW_MARK) => Ok(Narrow {
                field: String::new(),
                line: doc.node(sel).line,
                path: String::new(),
                start: e.start,
                end: e.end,
                text: e.text,
            }),
            Ok(_) => Err("its layout leaves no place for a pair"),
            Err(why) => Err(why.says()),
        }
    };
    // Written like the value it goes beside.
    let quoted = beside
        .and_then(|m| doc.pairs(m).last())
        .is_some_and(|(_, v)| doc.node(v).style == Style::Double);
    // Messages point at the selector's key (`selector:`), where a reader looks.
    let line = doc
        .parent(sel)
        .and_then(|m| doc.pairs(m).find(|&(_, v)| v == sel))
        .map_or(doc.node(sel).line, |(k, _)| doc.node(k).line);
    Some(PodSelector {
        path: doc.path_to(sel),
        line,
        reqs,
        insert,
        quoted,
    })
}

/// One `matchExpressions` item; `None` when it is no mapping of plain text.
fn expression(doc: &Doc<'_>, e: NodeId) -> Option<Requirement> {
    if !doc.is_map(e) {
        return None;
    }
    let key = doc.get_str(e, "key")?.to_string();
    let values = || -> Option<Vec<String>> {
        match doc.get(e, "values") {
            None => Some(Vec::new()),
            Some(l) if doc.is_null(l) => Some(Vec::new()),
            Some(l) if doc.is_seq(l) => doc
                .children(l)
                .map(|v| doc.str(v).map(str::to_string))
                .collect(),
            Some(_) => None,
        }
    };
    Some(match doc.get_str(e, "operator")? {
        "In" => Requirement::In(key, values()?, true),
        "NotIn" => Requirement::In(key, values()?, false),
        "Exists" => Requirement::Exists(key, true),
        "DoesNotExist" => Requirement::Exists(key, false),
        _ => Requirement::Never,
    })
}

fn resolve(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) -> Result<(), Error> {
    let mut said: Vec<String> = Vec::new();
    let mut say = |line: String| {
        if !said.contains(&line) {
            said.push(line);
        }
    };
    for occ in &plan.selectors.labels {
        let value = occ.value.value.as_ref();
        let Some(fate) = cx.index.labels.get(&(occ.key.as_ref(), value)) else {
            continue;
        };
        let Some(new) = value_in_copy(cx, plan, occ, fate, &mut say)? else {
            continue;
        };
        let what = format!("label {}", occ.key);
        out.edits
            .push(rewrite_scalar(plan, &occ.value, &what, &new)?.because(Reason::Selector));
    }
    if let Some(nw) = &plan.selectors.narrow {
        narrow_edit(cx, plan, nw, out, &mut say);
    }
    for ps in &plan.selectors.pod_selectors {
        if !owner_pair(cx, plan, ps, out, &mut say)? {
            narrow_off_baseline(cx, plan, ps, out, &mut say)?;
        }
    }
    out.report.extend(said);
    Ok(())
}

/// `key: value` as the selector's text writes it (`quote`: the value quoted
/// whatever it is).
fn pair_text(key: &str, value: &str, quote: bool) -> String {
    let key_text = if edit::plain_safe(key) {
        key.to_string()
    } else {
        edit::quote(key)
    };
    if quote || !edit::plain_safe(value) {
        format!("{key_text}: {}", edit::quote(value))
    } else {
        format!("{key_text}: {value}")
    }
}

/// The edit that adds `key: value` where a selector takes a pair, or the
/// refusal when its layout leaves no place (`why`: what makes the pair needed).
fn add_pair(
    plan: &DocPlan<'_>,
    ps: &PodSelector,
    key: &str,
    value: &str,
    quote: bool,
    why: &str,
) -> Result<edit::Edit, Error> {
    let nw = ps.insert.as_ref().map_err(|no_place| {
        Error::input(
            plan.place(ps.line),
            format!(
                "the selector at {} {why}, and must get {key}: {value}, but its layout leaves no place for it: {no_place}",
                ps.path
            ),
        )
        .with_hint("write the selector as a block or flow mapping without anchors in the chart template")
    })?;
    Ok(edit::Edit::replace(
        nw.start,
        nw.end,
        nw.text.replace(NARROW_MARK, &pair_text(key, value, quote)),
    ))
}

/// A requirement as `kubectl` writes a selector.
fn requirement_text(r: &Requirement) -> String {
    match r {
        Requirement::Equals(k, v) => format!("{k}={v}"),
        Requirement::In(k, vs, is) => {
            format!(
                "{k} {} ({})",
                if *is { "in" } else { "notin" },
                vs.join(",")
            )
        }
        Requirement::Exists(k, true) => k.clone(),
        Requirement::Exists(k, false) => format!("!{k}"),
        Requirement::Never => "<invalid>".to_string(),
    }
}

/// The value one occurrence has in the copy, by its pair's fate (`None`:
/// unchanged); what `-v` says about a shared or owner-named pair goes to `say`.
fn value_in_copy(
    cx: &ResolveCx<'_, '_>,
    plan: &DocPlan<'_>,
    occ: &LabelOcc<'_>,
    fate: &LabelFate<'_>,
    say: &mut impl FnMut(String),
) -> Result<Option<String>, Error> {
    let cfg = cx.cfg;
    let limit = cfg.k8s.label_value_limit;
    let value = occ.value.value.as_ref();
    let in_selector = occ.selects.map(|i| &cfg.k8s.selectors[i]);
    match fate {
        LabelFate::Shared => {
            if let Some(sel) = in_selector {
                say(format!(
                    "kept shared {}={value} in {}: no {} of this stream carries it",
                    occ.key,
                    plan.object(),
                    sel.carrier()
                ));
            }
            Ok(None)
        }
        LabelFate::Owner {
            kind,
            name,
            new: Err(len),
        } => {
            let what = if *name == value {
                format!("names {kind}/{value}, whose pods its operator labels with its name; renamed, that name would be")
            } else {
                format!("is made from the name of {kind}/{name}, whose pods carry it; renamed, the value would be")
            };
            Err(Error::input(
                plan.place(occ.value.line),
                format!(
                    "label {}={value:?} {what} {len} characters, over the {limit}-character limit for label values",
                    occ.key
                ),
            )
            .with_hint(format!("shorten the name of {kind}/{name} in the chart")))
        }
        LabelFate::Owner {
            kind,
            name,
            new: Ok(new),
        } => {
            if in_selector.is_some() {
                say(format!(
                    "label {}={value} in {} follows {kind}/{name} -> {new}: no pod template of this stream carries it, the pods {kind}/{name} makes do",
                    occ.key,
                    plan.object()
                ));
            }
            Ok((new != value).then(|| new.clone()))
        }
        LabelFate::Isolate => match suffixed(value, &cfg.suffix, limit, !cfg.strict_names) {
            Suffixed::Unchanged => Ok(None),
            Suffixed::Appended(s) | Suffixed::Shortened(s) => Ok(Some(s)),
            Suffixed::TooLong(len) => Err(Error::input(
                plan.place(occ.value.line),
                format!(
                    "label {}={value:?} would be {len} characters with the suffix, over the {limit}-character limit for label values",
                    occ.key
                ),
            )
            .with_hint("shorten the label value in the chart, or drop --strict-names to shorten it with a hash")),
        },
    }
}
