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

/// A selector at `keys` that selects everything (`{}`, one with only empty
/// `matchLabels` / `matchExpressions`, or an absent or null one where `absent`
/// says that selects everything): the edit that narrows it, with [`NARROW_MARK`]
/// where the pair goes. `None` when the selector selects something already (or
/// nothing), or is not a selector this tool edits (an alias, an anchored mapping).
fn narrow(
    cx: &PlanCx<'_, '_>,
    plan: &DocPlan<'_>,
    keys: &[&str],
    absent: WhenAbsent,
) -> Result<Option<Narrow>, Error> {
    let (input, doc, root) = (cx.input, cx.doc, cx.root);
    let Some((last, parents)) = keys.split_last() else {
        return Ok(None);
    };
    let Some(parent) = doc.path(root, parents).filter(|&p| doc.is_map(p)) else {
        return Ok(None);
    };
    let (k, v) = ("\u{1}", "\u{2}".to_string());
    let whole: &Lines<'_> = &[
        (0, last, String::new()),
        (1, "matchLabels", String::new()),
        (2, k, v.clone()),
    ];
    let everything_when_absent = absent == WhenAbsent::Everything;
    let built = match doc.get_pair(parent, last) {
        None if everything_when_absent => edit::insert_nested(input, doc, parent, whole),
        None => return Ok(None),
        Some((sk, sv)) if doc.is_null(sv) && everything_when_absent => {
            edit::replace_pair(input, doc, parent, sk, sv, whole)
        }
        Some((_, sel)) if doc.is_map(sel) && !doc.node(sel).anchored => {
            let has = |key, seq: bool| match doc.get(sel, key) {
                None => Some(false),
                Some(n) if doc.is_null(n) => Some(false),
                Some(n) if !seq && doc.is_map(n) => Some(doc.pairs(n).next().is_some()),
                Some(n) if seq && doc.is_seq(n) => Some(doc.children(n).next().is_some()),
                Some(_) => None,
            };
            if has("matchLabels", false) != Some(false)
                || has("matchExpressions", true) != Some(false)
            {
                return Ok(None);
            }
            match doc.get_pair(sel, "matchLabels") {
                Some((_, ml)) if doc.is_map(ml) && !doc.node(ml).anchored => {
                    edit::insert_pair(input, doc, ml, k, &v)
                }
                Some((mk, ml)) if doc.is_null(ml) => edit::replace_pair(
                    input,
                    doc,
                    sel,
                    mk,
                    ml,
                    &whole[1..]
                        .iter()
                        .map(|(d, k, v)| (d - 1, *k, v.clone()))
                        .collect::<Vec<_>>(),
                ),
                Some(_) => return Ok(None),
                None => edit::insert_nested(
                    input,
                    doc,
                    sel,
                    &[(0, "matchLabels", String::new()), (1, k, v)],
                ),
            }
        }
        Some(_) => return Ok(None),
    };
    let line = doc.node(parent).line;
    let e = built.map_err(|why: Unplaceable| {
        Error::input(
            plan.place(line),
            format!(
                "the empty {} must be narrowed to the copy's pods, but its layout leaves no place for `matchLabels`: {}",
                keys.join("."),
                why.says()
            ),
        )
        .with_hint(format!("write the selector as `{last}: {{}}` or as a block mapping in the chart template"))
    })?;
    if !e.text.contains(NARROW_MARK) {
        return Ok(None);
    }
    Ok(Some(Narrow {
        field: (*last).to_string(),
        line,
        path: keys.join("."),
        start: e.start,
        end: e.end,
        text: e.text,
    }))
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
    let mut n = 0;
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
        n += 1;
    }
    if n > 0 {
        say(format!("isolated {n} label value(s) in {}", plan.object()));
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

/// A selector of the copy whose pairs all stay shared, and that selects pods an
/// operator makes for a custom resource of the stream (`operator_pods`, the
/// selector evaluated against their labels), selects the baseline's such pods
/// too: it gets the operator's owner label with the copy's name. Where the
/// selected pods belong to resources with different owner pairs, or their owner
/// is no object of the copy, it stays, with a warning.
fn owner_pair(
    cx: &ResolveCx<'_, '_>,
    plan: &DocPlan<'_>,
    ps: &PodSelector,
    out: &mut DocOut,
    say: &mut impl FnMut(String),
) -> Result<bool, Error> {
    let index = cx.index;
    // A pair it requires (`key: value`, `In`) that no pod template of the stream
    // carries (a shared one) keeps every template's pods out of it: it selects
    // only pods made elsewhere, whose labels the copy cannot change. Without one
    // (only `NotIn`, `Exists`) it may select the stream's own pods as well, which
    // the owner pair would drop.
    let required = ps
        .reqs
        .iter()
        .any(|r| matches!(r, Requirement::Equals(..) | Requirement::In(_, _, true)));
    let shared = ps
        .reqs
        .iter()
        .flat_map(Requirement::pairs)
        .all(|p| index.labels.get(&p) == Some(&LabelFate::Shared));
    if !shared {
        return Ok(false);
    }
    let selected: Vec<&OperatorPodSet<'_>> = index
        .pod_sets
        .iter()
        .filter(|set| ps.reqs.iter().all(|r| r.holds(&set.labels)))
        .collect();
    if selected.is_empty() {
        return Ok(false);
    }
    // Who makes them, and their owner pairs, each once in stream order.
    let (mut makers, mut owners) = (Vec::new(), Vec::new());
    for set in &selected {
        let maker = format!("{}/{}", set.kind, set.name);
        if !makers.contains(&maker) {
            makers.push(maker);
        }
        let owner = (set.owner.0, &set.owner.1);
        if !owners.contains(&owner) {
            owners.push(owner);
        }
    }
    let makers = makers.join(", ");
    let warn = |why: String| {
        format!(
            "warning: document {} ({}) line {} at {}: this selector of the copy holds only shared labels and selects the pods an operator makes for {makers}, the baseline's too; it is left as it is: {why}",
            plan.index,
            plan.object(),
            ps.line,
            ps.path
        )
    };
    if !required {
        out.notes.push(warn(
            "it requires no label that the stream's own pods lack, so the owner label could drop pods it selects now (add a label of the copy's own to the selector in the chart)".to_string(),
        ));
        return Ok(true);
    }
    let [(key, value)] = owners[..] else {
        let pairs: Vec<String> = owners
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_ref().map_or("?", String::as_str)))
            .collect();
        out.notes.push(warn(format!(
            "they belong to more than one owner ({}), and which one the chart means is a guess (add the owner label to the selector in the chart)",
            pairs.join(", ")
        )));
        return Ok(true);
    };
    let limit = cx.cfg.k8s.label_value_limit;
    let value = match value {
        Err(len) => {
            return Err(Error::input(
                plan.place(ps.line),
                format!(
                    "the selector at {} selects the pods an operator makes for {makers}; their owner label {key} in the copy would be {len} characters, over the {limit}-character limit for label values",
                    ps.path
                ),
            )
            .with_hint(format!("shorten the name of {makers} in the chart")));
        }
        Ok(v) if !v.ends_with(&cx.cfg.suffix) => {
            out.notes.push(warn(format!(
                "their owner label {key}={v} names no object of this stream, so both copies' such pods carry it (add a label of the copy's own to the selector in the chart)"
            )));
            return Ok(true);
        }
        Ok(v) => v,
    };
    if ps.reqs.iter().any(|r| r.key() == Some(key)) {
        return Ok(true);
    }
    let why = format!("selects the pods an operator makes for {makers}, the baseline's too");
    out.edits
        .push(add_pair(plan, ps, key, value, ps.quoted, &why)?.because(Reason::OwnerLabel));
    say(format!(
        "narrowed {} of {} with {key}={value}: its labels are all shared and select the pods an operator makes for {makers}, the baseline's too",
        ps.path,
        plan.object()
    ));
    Ok(true)
}

/// A selector of the copy that, with its pairs isolated, still selects pods the
/// baseline runs from this stream (only `Exists` or `NotIn`; an `In` with a value
/// no pod of the copy carries; in a partial copy, a pair of a workload that is
/// not forked) would govern the baseline's pods: it gets the narrowing pair that
/// every pod of the copy carries, as an empty selector does; where there is none,
/// or no place for it, a warning says so.
fn narrow_off_baseline(
    cx: &ResolveCx<'_, '_>,
    plan: &DocPlan<'_>,
    ps: &PodSelector,
    out: &mut DocOut,
    say: &mut impl FnMut(String),
) -> Result<(), Error> {
    let (index, cfg) = (cx.index, cx.cfg);
    let copy = |k: &str, v: &str| -> String {
        label_value_in_copy(cfg, index.labels.get(&(k, v)), v).unwrap_or_else(|| v.to_string())
    };
    let reqs: Vec<Requirement> = ps
        .reqs
        .iter()
        .map(|r| match r {
            Requirement::Equals(k, v) => Requirement::Equals(k.clone(), copy(k, v)),
            Requirement::In(k, vs, is) => {
                Requirement::In(k.clone(), vs.iter().map(|v| copy(k, v)).collect(), *is)
            }
            other => other.clone(),
        })
        .collect();
    let selects_baseline = index
        .baseline_pods
        .iter()
        .any(|pod| reqs.iter().all(|r| r.holds(pod)));
    if !selects_baseline {
        return Ok(());
    }
    let shown: Vec<String> = ps.reqs.iter().map(requirement_text).collect();
    let warn = |why: &str| {
        format!(
            "warning: document {} ({}) line {} at {}: this selector of the copy (`{}`) selects pods the baseline runs from this stream too, and is left as it is: {why}",
            plan.index,
            plan.object(),
            ps.line,
            ps.path,
            shown.join(", ")
        )
    };
    let (key, value) = match &index.narrow {
        Ok(pair) => pair,
        Err(why) => {
            out.notes.push(warn(&format!(
                "{why} (add a label of the copy's own to the selector in the chart)"
            )));
            return Ok(());
        }
    };
    // Beside an expression on the same key the pair only narrows further; beside
    // `key: value` it would repeat the key.
    if ps
        .reqs
        .iter()
        .any(|r| matches!(r, Requirement::Equals(k, _) if k == key))
    {
        out.notes.push(warn(&format!(
            "it already requires {key}, the label every pod of the copy carries (add a label of the copy's own to the selector in the chart)"
        )));
        return Ok(());
    }
    let why = "selects pods the baseline runs from this stream too";
    out.edits
        .push(add_pair(plan, ps, key, value, true, why)?.because(Reason::SelectsBaseline));
    say(format!(
        "narrowed {} of {} with {key}={value}: isolated, `{}` would still select pods the baseline runs",
        ps.path,
        plan.object(),
        shown.join(", ")
    ));
    Ok(())
}

/// The baseline's selectors that select the copy's pods: a selector of the
/// stream as the baseline runs it (every object not already named as a copy,
/// forked or not) that its isolated pairs cannot keep off the copy's pods (an
/// `Exists`, a `NotIn`). The copy cannot change the baseline's selector; a
/// warning on the document says so (`check --baseline` counts it a collision).
pub fn baseline_on_copy(
    plans: &[DocPlan<'_>],
    index: &crate::index::StreamIndex<'_>,
    cfg: &crate::config::Config,
) -> Vec<(usize, String)> {
    use crate::plan::Status;
    let of_baseline = |p: &DocPlan<'_>| !p.named_as_copy(cfg);
    let pods: Vec<(String, Vec<(&str, String)>)> = plans
        .iter()
        .filter(|p| p.status == Status::Object && p.selectors.pod_template && of_baseline(p))
        .map(|p| {
            let labels = p
                .labels_kept(false)
                .into_iter()
                .map(|(k, v)| {
                    let new = label_value_in_copy(cfg, index.labels.get(&(k, v.as_str())), &v);
                    (k, new.unwrap_or(v))
                })
                .collect::<Vec<_>>();
            (p.object(), labels)
        })
        .collect();
    let mut out = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        if !matches!(p.status, Status::Object | Status::Shared) || !of_baseline(p) {
            continue;
        }
        if p.status == Status::Shared
            && let Some(note) = peers_lost(p, index, cfg)
        {
            out.push((i, note));
        }
        for ps in &p.selectors.pod_selectors {
            let Some((pod, _)) = pods
                .iter()
                .find(|(_, labels)| ps.reqs.iter().all(|r| r.holds(labels)))
            else {
                continue;
            };
            let shown: Vec<String> = ps.reqs.iter().map(requirement_text).collect();
            out.push((
                i,
                format!(
                    "warning: document {} ({}) line {} at {}: the baseline's selector (`{}`) selects the copy's pods too ({pod}, renamed): no rename can keep them apart; give the selector a label of the baseline's own in the chart",
                    p.index,
                    p.object(),
                    ps.line,
                    ps.path,
                    shown.join(", ")
                ),
            ));
        }
    }
    out
}

/// A NetworkPolicy a partial copy leaves to the baseline that admits peers by a
/// label pair the copy's pods no longer carry (isolated by rule 3): it does not
/// admit the copy's pods, so they cannot reach what it guards. Peers are the
/// policy's label pairs outside its own labels and `podSelector`.
fn peers_lost(
    p: &DocPlan<'_>,
    index: &crate::index::StreamIndex<'_>,
    cfg: &crate::config::Config,
) -> Option<String> {
    if p.kind != "NetworkPolicy" || p.group() != "networking.k8s.io" {
        return None;
    }
    let lost: Vec<String> = p
        .selectors
        .labels
        .iter()
        .filter(|o| o.selects.is_none() && !o.object && !o.pod)
        .filter_map(|o| {
            let (k, v) = (o.key.as_ref(), o.value.value.as_ref());
            label_value_in_copy(cfg, index.labels.get(&(k, v)), v).map(|_| format!("{k}={v}"))
        })
        .collect();
    (!lost.is_empty()).then(|| {
        format!(
            "note: document {} ({}) is the baseline's and admits peers by {}, which the copy's pods carry isolated: it does not admit them, so they cannot reach what it guards (fork what it guards too, or add a policy of your own)",
            p.index,
            p.object(),
            lost.join(", ")
        )
    })
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

/// Narrows a selector that selects everything (a NetworkPolicy's empty
/// podSelector, a PodDisruptionBudget's `selector: {}`) with the stream's
/// narrowing pair, or says why it stays (`check --baseline` reports the same).
fn narrow_edit(
    cx: &ResolveCx<'_, '_>,
    plan: &DocPlan<'_>,
    nw: &Narrow,
    out: &mut DocOut,
    say: &mut impl FnMut(String),
) {
    match &cx.index.narrow {
        Ok((key, value)) => {
            let pair = pair_text(key, value, true);
            out.edits.push(
                edit::Edit::replace(nw.start, nw.end, nw.text.replace(NARROW_MARK, &pair))
                    .because(Reason::EmptySelector),
            );
            say(format!(
                "narrowed the empty {} of {} to {key}={value}: empty, it would govern the baseline's pods too",
                nw.field,
                plan.object()
            ));
        }
        // The copy's selector acts on the baseline's pods: said whether or not
        // -v asked, as `check --baseline` reports it.
        Err(why) => {
            let fix = if *why != crate::index::NO_POD_TEMPLATE {
                "give every pod template of the chart a label of the release (app.kubernetes.io/instance), or write a selector in the chart"
            } else {
                "write a selector in the chart, or leave the object out of the copy"
            };
            out.notes.push(format!(
                "warning: document {} ({}) line {} at {}: the empty {} selects every pod of the namespace, the baseline's too, and stays so: {why}\n  fix: {fix}",
                plan.index,
                plan.object(),
                nw.line,
                nw.path,
                nw.field,
            ));
        }
    }
}
