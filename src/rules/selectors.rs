//! Rule 3: two-way selector isolation. Every label pair (key, value) that appears
//! in a selector of a pod-owning or pod-selecting object becomes (key, value+suffix)
//! everywhere in the stream: selectors, pod template labels, object labels.
//!
//! ```yaml
//! selector:                          selector:
//!   app.kubernetes.io/name: web        app.kubernetes.io/name: web-tilt
//! ```
//! So the tilt Service selects only tilt pods, and the baseline's selectors (which
//! still say `web`) never select them. Selectors that pick namespaces are not label
//! pairs of pods and are left alone.

use crate::error::Error;
use crate::names::{Suffixed, suffixed};
use crate::plan::{DocOut, DocPlan, LabelOcc, NodeSpan, PlanCx, ResolveCx, Rule, rewrite_scalar};
use crate::reason::Reason;
use crate::yaml::{Doc, NodeId};
use std::collections::HashSet;

pub struct Selectors;

impl Rule for Selectors {
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

fn pairs_of<'a>(
    doc: &Doc<'a>,
    map: NodeId,
    source: bool,
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
        out.push(LabelOcc {
            key: doc.node(k).value.clone(),
            value: NodeSpan::of(doc, v),
            source,
        });
    }
}

fn expressions<'a>(doc: &Doc<'a>, seq: NodeId, source: bool, out: &mut Vec<LabelOcc<'a>>) {
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
            out.push(LabelOcc {
                key: doc.node(k).value.clone(),
                value: NodeSpan::of(doc, v),
                source,
            });
        }
    }
}

/// The selectors of a pod-owning or pod-selecting object: (selector, is a plain
/// label map).
fn sources(cx: &PlanCx<'_, '_>, plan: &DocPlan<'_>) -> (Option<NodeId>, Option<NodeId>) {
    let (doc, root, k8s) = (cx.doc, cx.root, &cx.cfg.k8s);
    let kind = plan.kind.as_ref();
    let is = |list: &[String]| list.iter().any(|k| k == kind);
    let Some(spec) = doc.get(root, "spec").filter(|&s| doc.is_map(s)) else {
        return (None, None);
    };
    let direct = (plan.group().is_empty() && is(&k8s.map_selector_kinds))
        .then(|| doc.get(spec, "selector"))
        .flatten()
        .filter(|&s| doc.is_map(s));
    let selector = if is(&k8s.label_selector_kinds) {
        doc.get(spec, "selector")
    } else if is(&k8s.pod_selector_kinds) {
        doc.get(spec, "podSelector")
    } else {
        None
    };
    (direct, selector.filter(|&s| doc.is_map(s)))
}

fn collect<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>) {
    let (doc, root) = (cx.doc, cx.root);
    let instance_label = cx.cfg.k8s.argo_instance_label.as_str();
    let (direct, source) = sources(cx, plan);
    if let Some(sel) = direct {
        pairs_of(doc, sel, true, None, &mut plan.labels);
    }
    let sources: Vec<NodeId> = source.into_iter().collect();
    let mut namespace_selectors: HashSet<NodeId> = HashSet::new();
    for id in 0..doc.nodes.len() {
        if !doc.is_map(id) {
            continue;
        }
        let in_ns_selector = namespace_selectors.contains(&id);
        for (k, v) in doc.pairs(id) {
            match doc.str(k) {
                Some("namespaceSelector") => {
                    namespace_selectors.insert(v);
                }
                Some("metadata") if doc.is_map(v) => {
                    if let Some(labels) = doc.get(v, "labels").filter(|&l| doc.is_map(l)) {
                        let skip = (id == root).then_some(instance_label);
                        pairs_of(doc, labels, false, skip, &mut plan.labels);
                    }
                }
                Some("matchLabels") if !in_ns_selector && doc.is_map(v) => {
                    pairs_of(doc, v, sources.contains(&id), None, &mut plan.labels);
                }
                Some("matchExpressions") if !in_ns_selector && doc.is_seq(v) => {
                    expressions(doc, v, sources.contains(&id), &mut plan.labels);
                }
                _ => {}
            }
        }
    }
}

fn resolve(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) -> Result<(), Error> {
    let (input, index, cfg) = (cx.input, cx.index, cx.cfg);
    let limit = cfg.k8s.label_value_limit;
    let mut n = 0;
    for occ in &plan.labels {
        let value = occ.value.value.as_ref();
        if !index.selected.contains(&(occ.key.as_ref(), value)) {
            continue;
        }
        let new = match suffixed(value, &cfg.suffix, limit, !cfg.strict_names) {
            Suffixed::Unchanged => continue,
            Suffixed::Appended(s) | Suffixed::Shortened(s) => s,
            Suffixed::TooLong(len) => {
                return Err(Error::input(
                    plan.place(occ.value.line),
                    format!(
                        "label {}={value:?} would be {len} characters with the suffix, over the {limit}-character limit for label values",
                        occ.key
                    ),
                )
                .with_hint("shorten the label value in the chart, or drop --strict-names to shorten it with a hash"));
            }
        };
        let what = format!("label {}", occ.key);
        out.edits
            .push(rewrite_scalar(input, plan, &occ.value, &what, &new)?.because(Reason::Selector));
        n += 1;
    }
    if n > 0 {
        out.report
            .push(format!("isolated {n} label value(s) in {}", plan.object()));
    }
    Ok(())
}
