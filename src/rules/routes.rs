//! Rule 4: route and ingress hostnames go through the host map, and every route
//! parentRef to a Gateway gets the tilt listener.
//!
//! ```yaml
//! parentRefs:                       parentRefs:
//!   - name: ameide                    - name: ameide
//!     sectionName: https                sectionName: https-local
//! hostnames:                        hostnames:
//!   - www.dev.ameide.io               - www.local.ameide.io
//! ```
//! A hostname already under a target domain stays; any other hostname the map does
//! not cover is an error (the tilt route would compete for the baseline's host).

use crate::config::Mapped;
use crate::edit;
use crate::error::Error;
use crate::k8s::K8s;
use crate::plan::{DocOut, DocPlan, NodeSpan, PlanCx, ResolveCx, Rule, rewrite_scalar};
use crate::reason::Reason;
use crate::yaml::{Doc, NodeId};

pub struct Routes;

impl Rule for Routes {
    fn plan<'a>(
        &self,
        cx: &PlanCx<'_, 'a>,
        plan: &mut DocPlan<'a>,
        out: &mut DocOut,
    ) -> Result<(), Error> {
        hostnames(cx, plan, out)?;
        if cx.cfg.k8s.is_route(&plan.kind, plan.group()) {
            listeners(cx, plan, out)?;
        }
        Ok(())
    }

    fn resolve(&self, _: &ResolveCx<'_, '_>, _: &DocPlan<'_>, _: &mut DocOut) -> Result<(), Error> {
        Ok(())
    }
}

/// Hostname scalars of a route or ingress.
pub fn hostname_nodes(
    k8s: &K8s,
    doc: &Doc<'_>,
    root: NodeId,
    kind: &str,
    group: &str,
) -> Vec<NodeId> {
    let mut out = Vec::new();
    let Some(spec) = doc.get(root, "spec") else {
        return out;
    };
    let items = |seq: Option<NodeId>| -> Vec<NodeId> {
        seq.filter(|&s| doc.is_seq(s))
            .map(|s| doc.children(s).collect())
            .unwrap_or_default()
    };
    if k8s.is_route(kind, group) {
        out.extend(items(doc.get(spec, "hostnames")));
    } else if k8s.is_ingress(kind, group) {
        for rule in items(doc.get(spec, "rules")) {
            out.extend(doc.get(rule, "host"));
        }
        for tls in items(doc.get(spec, "tls")) {
            out.extend(items(doc.get(tls, "hosts")));
        }
    }
    out.retain(|&n| doc.is_scalar(n) && !doc.is_null(n));
    out
}

/// Rule 4: claimed hostnames through the host map.
fn hostnames<'a>(
    cx: &PlanCx<'_, 'a>,
    plan: &mut DocPlan<'a>,
    out: &mut DocOut,
) -> Result<(), Error> {
    let (input, doc, root, cfg) = (cx.input, cx.doc, cx.root, cx.cfg);
    let group = plan.group().to_string();
    let kind = plan.kind.to_string();
    for h in hostname_nodes(&cfg.k8s, doc, root, &kind, &group) {
        let host = doc.node(h).value.clone();
        match cfg.map_host(&host) {
            Mapped::Already => {}
            Mapped::Unmapped => {
                let domains: Vec<String> = cfg
                    .host_map
                    .iter()
                    .map(|(f, t)| format!("{f}={t}"))
                    .collect();
                return Err(Error::input(
                    plan.place(doc.node(h).line),
                    format!(
                        "hostname {host:?} is not covered by the host map ({}): keeping it would make the tilt route compete with the baseline for the same host",
                        domains.join(", ")
                    ),
                )
                .with_hint("add --host-map <its domain>=<a local domain> (or host_map in the config file)"));
            }
            Mapped::To(new) => {
                let e = rewrite_scalar(input, plan, &NodeSpan::of(doc, h), "a hostname", &new)?;
                out.edits.push(e.because(Reason::Hostname));
            }
        }
        plan.hosts.push(host);
    }
    Ok(())
}

/// Rule 4: every parentRef to a Gateway gets the tilt listener.
fn listeners(cx: &PlanCx<'_, '_>, plan: &DocPlan<'_>, out: &mut DocOut) -> Result<(), Error> {
    let (input, doc, root, cfg) = (cx.input, cx.doc, cx.root, cx.cfg);
    let gateway = &cfg.k8s.gateway;
    let gateway_group = gateway.group.as_deref().unwrap_or("");
    let Some(refs) = doc
        .path(root, &["spec", "parentRefs"])
        .filter(|&s| doc.is_seq(s))
    else {
        return Ok(());
    };
    for r in doc
        .children(refs)
        .filter(|&r| doc.is_map(r))
        .collect::<Vec<_>>()
    {
        let kind = doc.get_str(r, "kind").unwrap_or(&gateway.kind);
        let group = doc.get_str(r, "group").unwrap_or(gateway_group);
        if !gateway.matches(kind, group) {
            continue;
        }
        match doc.get(r, "sectionName") {
            Some(s) if doc.str(s) == Some(cfg.listener.as_str()) => {}
            Some(s) => {
                let e = rewrite_scalar(
                    input,
                    plan,
                    &NodeSpan::of(doc, s),
                    "a parentRef sectionName",
                    &cfg.listener,
                )?;
                out.edits.push(e.because(Reason::Listener));
            }
            None => {
                let e =
                    edit::insert_pair(input, doc, r, "sectionName", &edit::quote(&cfg.listener))
                        .map_err(|_| {
                            Error::input(
                        plan.place(doc.node(r).line),
                        "cannot add sectionName to this parentRef: its first key has no text",
                    )
                    .with_hint("write the parentRef as `- name: <gateway>` in the chart template")
                        })?;
                out.edits.push(e.because(Reason::Listener));
            }
        }
    }
    Ok(())
}
