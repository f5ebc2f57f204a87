//! Rule 1: every emitted object gets the suffix on `metadata.name`.
//!
//! ```yaml
//! metadata:            metadata:
//!   name: www-ameide     name: www-ameide-tilt
//! ```
//! Names that already end with the suffix stay; over-long names are shortened
//! (see [`crate::names`]) or refused under `--strict-names`; `generateName` is left alone.

use crate::error::Error;
use crate::plan::{DocOut, DocPlan, NodeSpan, renamed_name, rewrite_scalar};
use crate::reason::Reason;
use crate::rules::contract::{PlanCx, Rule};
use crate::yaml::NodeId;

pub const RULE: Rule = Rule {
    plan,
    ..Rule::new(1)
};

fn plan<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>, out: &mut DocOut) -> Result<(), Error> {
    rename(cx, plan, out)
}

fn rename(cx: &PlanCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) -> Result<(), Error> {
    let (doc, metadata) = (cx.doc, cx.metadata);
    // Every occurrence of a repeated `name` key is renamed alike (Kubernetes
    // keeps the last; another reader may keep the first).
    let names: Vec<_> = doc
        .get_all(metadata, "name")
        .map(|(_, v)| v)
        .filter(|&n| !doc.is_null(n))
        .collect();
    if names.is_empty() {
        if doc.get(metadata, "generateName").is_some() {
            out.report.push(format!(
                "kept {}: only generateName, left as it is",
                plan.object()
            ));
            return Ok(());
        }
        return Err(Error::input(
            plan.place(plan.line),
            "the object has neither metadata.name nor metadata.generateName",
        )
        .with_hint("fix the chart template that produced this document"));
    }
    for name_node in names {
        rename_one(cx, plan, name_node, out)?;
    }
    Ok(())
}

fn rename_one(
    cx: &PlanCx<'_, '_>,
    plan: &DocPlan<'_>,
    name_node: NodeId,
    out: &mut DocOut,
) -> Result<(), Error> {
    let (doc, cfg) = (cx.doc, cx.cfg);
    let Some(name) = doc.str(name_node) else {
        return Err(Error::input(
            plan.place(doc.node(name_node).line),
            "metadata.name is not a string (an alias or a collection)",
        )
        .with_hint("write the name out in the chart template"));
    };
    let new = match renamed_name(cfg, &plan.kind, name) {
        Ok(None) => return Ok(()),
        Ok(Some(n)) => n,
        Err(len) => {
            return Err(Error::input(
                plan.place(doc.node(name_node).line),
                format!(
                    "name {name:?} would be {len} characters with suffix {:?}, over the {}-character limit for a {}",
                    cfg.suffix,
                    cfg.k8s.name_limit(&plan.kind),
                    plan.kind
                ),
            )
            .with_hint("shorten the name in the chart (nameOverride/fullnameOverride), or drop --strict-names to shorten it with a hash"));
        }
    };
    let e = rewrite_scalar(plan, &NodeSpan::of(doc, name_node), "metadata.name", &new)?;
    out.edits.push(e.because(Reason::Rename));
    Ok(())
}
