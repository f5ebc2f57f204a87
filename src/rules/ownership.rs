//! Rule 7: Argo CD tracking metadata is removed, so Argo never claims or prunes
//! the tilt copy.
//!
//! ```yaml
//! metadata:                                   metadata:
//!   annotations:                                name: web-tilt
//!     argocd.argoproj.io/tracking-id: "…"
//!   name: web
//! ```
//! An `annotations:`/`labels:` left empty goes with it.

use crate::edit;
use crate::error::Error;
use crate::plan::{DocOut, DocPlan, PlanCx, ResolveCx, Rule};
use crate::reason::Reason;

pub struct Ownership;

impl Rule for Ownership {
    fn plan<'a>(
        &self,
        cx: &PlanCx<'_, 'a>,
        plan: &mut DocPlan<'a>,
        out: &mut DocOut,
    ) -> Result<(), Error> {
        untrack(cx, plan, out)
    }

    fn resolve(&self, _: &ResolveCx<'_, '_>, _: &DocPlan<'_>, _: &mut DocOut) -> Result<(), Error> {
        Ok(())
    }
}

fn untrack(cx: &PlanCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) -> Result<(), Error> {
    let (input, doc, metadata, k8s) = (cx.input, cx.doc, cx.metadata, &cx.cfg.k8s);
    for (section, key) in [
        ("annotations", k8s.argo_tracking_annotation.as_str()),
        ("labels", k8s.argo_instance_label.as_str()),
    ] {
        let Some((sk, sv)) = doc.get_pair(metadata, section) else {
            continue;
        };
        if !doc.is_map(sv) {
            continue;
        }
        let Some((k, v)) = doc.get_pair(sv, key) else {
            continue;
        };
        let e = edit::delete_pair(input, doc, sv, k, v, Some((sk, sv))).map_err(|_| {
            Error::input(
                plan.place(doc.node(k).line),
                format!("cannot remove {key}: its key does not start a line"),
            )
            .with_hint(format!("write metadata.{section} one entry per line"))
        })?;
        out.edits.push(e.because(Reason::ArgoTracking));
    }
    Ok(())
}
