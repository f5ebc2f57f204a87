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
use crate::render::DocPlan;
use crate::syntax::{Doc, NodeId};

pub const TRACKING_ANNOTATION: &str = "argocd.argoproj.io/tracking-id";
pub const INSTANCE_LABEL: &str = "argocd.argoproj.io/instance";

const WHY: &str = "rule 7: Argo CD tracking metadata must go";

pub fn plan(
    input: &str,
    doc: &Doc<'_>,
    metadata: NodeId,
    plan: &mut DocPlan<'_>,
) -> Result<(), Error> {
    for (section, key) in [
        ("annotations", TRACKING_ANNOTATION),
        ("labels", INSTANCE_LABEL),
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
        let Some(e) = edit::delete_pair(input, doc, sv, k, v, Some((sk, sv))) else {
            return Err(Error::input(
                plan.place(doc.node(k).line),
                format!("cannot remove {key}: its key does not start a line"),
            )
            .with_hint("write metadata.{section} one entry per line"));
        };
        plan.edits.push(e.because(WHY));
    }
    Ok(())
}
