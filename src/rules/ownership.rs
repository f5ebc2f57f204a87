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
use crate::edit::Edit;
use crate::error::Error;
use crate::plan::{DocOut, DocPlan};
use crate::reason::Reason;
use crate::rules::contract::{PlanCx, Rule};
use crate::yaml::{NodeId, Style};

pub const RULE: Rule = Rule {
    plan,
    ..Rule::new(7)
};

fn plan<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>, out: &mut DocOut) -> Result<(), Error> {
    untrack(cx, plan, out)
}

fn untrack(cx: &PlanCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) -> Result<(), Error> {
    let (doc, metadata, k8s) = (cx.doc, cx.metadata, &cx.cfg.k8s);
    for (section, key) in [
        ("annotations", k8s.argo_tracking_annotation.as_str()),
        ("labels", k8s.argo_instance_label.as_str()),
    ] {
        // Every occurrence, should a key (or the section) repeat.
        let sections: Vec<_> = doc.get_all(metadata, section).collect();
        for (sk, sv) in sections.into_iter().filter(|&(_, v)| doc.is_map(v)) {
            let doomed: Vec<_> = doc.get_all(sv, key).collect();
            let all = doomed.len() == doc.pairs(sv).count();
            let fail = |k: NodeId| {
                Error::input(
                    plan.place(doc.node(k).line),
                    format!("cannot remove {key}: its key does not start a line"),
                )
                .with_hint(format!("write metadata.{section} one entry per line"))
            };
            if all && doomed.len() > 1 {
                // Nothing else in the section: the section goes with them.
                let parent = doc.parent(sk).ok_or_else(|| fail(sk))?;
                let e =
                    edit::delete_pair(cx.input, doc, parent, sk, sv, None).map_err(|_| fail(sk))?;
                out.edits.push(e.because(Reason::ArgoTracking));
                continue;
            }
            if doomed.len() > 1 && doc.node(sv).style == Style::Flow {
                // Two deletions in one flow mapping would touch each other's
                // commas: the mapping is written again from the pairs that stay,
                // each as it was.
                let kept: Vec<&str> = doc
                    .pairs(sv)
                    .filter(|(k, _)| !doomed.iter().any(|(d, _)| d == k))
                    .map(|(k, v)| &cx.input[doc.node(k).start..doc.content_end(v)])
                    .collect();
                let m = doc.node(sv);
                let text = format!("{{{}}}", kept.join(", "));
                out.edits
                    .push(Edit::replace(m.start, m.end, text).because(Reason::ArgoTracking));
                continue;
            }
            for (k, v) in doomed {
                let e = edit::delete_pair(cx.input, doc, sv, k, v, Some((sk, sv)))
                    .map_err(|_| fail(k))?;
                out.edits.push(e.because(Reason::ArgoTracking));
            }
        }
    }
    Ok(())
}
