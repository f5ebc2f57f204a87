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

use crate::config::Config;
use crate::edit::Edit;
use crate::error::Error;
use crate::names::{LABEL_VALUE_LIMIT, Suffixed, suffixed};
use crate::render::{DocPlan, LabelOcc, NodeSpan, StreamIndex};
use crate::rules::ownership::INSTANCE_LABEL;
use crate::rules::rewrite_scalar;
use crate::syntax::{Doc, NodeId};
use std::collections::HashSet;

/// Kinds whose `spec.selector` is a LabelSelector over pods (or, for a
/// ServiceMonitor, over Services that select pods).
const LABEL_SELECTOR_KINDS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "Rollout",
    "PodDisruptionBudget",
    "PodMonitor",
    "ServiceMonitor",
];

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

pub fn collect<'a>(doc: &Doc<'a>, root: NodeId, plan: &mut DocPlan<'a>) {
    let kind = plan.kind.as_ref();
    let core = plan.group().is_empty();
    let spec = doc.get(root, "spec").filter(|&s| doc.is_map(s));
    let mut sources: Vec<NodeId> = Vec::new();
    if let Some(spec) = spec {
        let direct = (core && matches!(kind, "Service" | "ReplicationController"))
            .then(|| doc.get(spec, "selector"))
            .flatten();
        if let Some(sel) = direct.filter(|&s| doc.is_map(s)) {
            pairs_of(doc, sel, true, None, &mut plan.labels);
        }
        let selector = if LABEL_SELECTOR_KINDS.contains(&kind) {
            doc.get(spec, "selector")
        } else if kind == "NetworkPolicy" {
            doc.get(spec, "podSelector")
        } else {
            None
        };
        sources.extend(selector.filter(|&s| doc.is_map(s)));
    }
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
                        let skip = (id == root).then_some(INSTANCE_LABEL);
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

pub fn resolve(
    input: &str,
    plan: &DocPlan<'_>,
    index: &StreamIndex<'_>,
    cfg: &Config,
    edits: &mut Vec<Edit>,
    report: &mut Vec<String>,
) -> Result<(), Error> {
    let mut n = 0;
    for occ in &plan.labels {
        let value = occ.value.value.as_ref();
        if !index.selected.contains(&(occ.key.as_ref(), value)) {
            continue;
        }
        let new = match suffixed(value, &cfg.suffix, LABEL_VALUE_LIMIT, !cfg.strict_names) {
            Suffixed::Unchanged => continue,
            Suffixed::Appended(s) | Suffixed::Shortened(s) => s,
            Suffixed::TooLong(len) => {
                return Err(Error::input(
                    plan.place(occ.value.line),
                    format!(
                        "label {}={value:?} would be {len} characters with the suffix, over the 63-character limit for label values",
                        occ.key
                    ),
                )
                .with_hint("shorten the label value in the chart, or drop --strict-names to shorten it with a hash"));
            }
        };
        let what = format!("label {}", occ.key);
        edits.push(
            rewrite_scalar(input, plan, &occ.value, &what, &new)?
                .because("rule 3: selected label value lacks the suffix"),
        );
        n += 1;
    }
    if n > 0 {
        report.push(format!("isolated {n} label value(s) in {}", plan.object()));
    }
    Ok(())
}
