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

use crate::config::Config;
use crate::edit;
use crate::error::Error;
use crate::render::DocPlan;
use crate::render::NodeSpan;
use crate::rules::rewrite_scalar;
use crate::syntax::{Doc, NodeId};

pub const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";
const LISTENER: &str = "rule 4: parentRef to a Gateway lacks the tilt listener";

pub const ROUTE_KINDS: &[&str] = &["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

#[derive(Debug, PartialEq, Eq)]
pub enum Mapped {
    /// Already under a target domain.
    Already,
    To(String),
    Unmapped,
}

fn under(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// Longest matching `from` suffix wins (the map is sorted longest first).
pub fn map_host(cfg: &Config, host: &str) -> Mapped {
    if cfg.host_map.iter().any(|(_, to)| under(host, to)) {
        return Mapped::Already;
    }
    for (from, to) in &cfg.host_map {
        if under(host, from) {
            return Mapped::To(format!("{}{to}", &host[..host.len() - from.len()]));
        }
    }
    Mapped::Unmapped
}

pub fn is_route(kind: &str, group: &str) -> bool {
    group == GATEWAY_GROUP && ROUTE_KINDS.contains(&kind)
}

pub fn is_ingress(kind: &str, group: &str) -> bool {
    kind == "Ingress" && matches!(group, "networking.k8s.io" | "extensions")
}

/// Hostname scalars of a route or ingress.
pub fn hostname_nodes(doc: &Doc<'_>, root: NodeId, kind: &str, group: &str) -> Vec<NodeId> {
    let mut out = Vec::new();
    let Some(spec) = doc.get(root, "spec") else {
        return out;
    };
    let items = |seq: Option<NodeId>| -> Vec<NodeId> {
        seq.filter(|&s| doc.is_seq(s))
            .map(|s| doc.children(s).collect())
            .unwrap_or_default()
    };
    if is_route(kind, group) {
        out.extend(items(doc.get(spec, "hostnames")));
    } else if is_ingress(kind, group) {
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

pub fn plan<'a>(
    input: &str,
    doc: &Doc<'a>,
    root: NodeId,
    cfg: &Config,
    plan: &mut DocPlan<'a>,
) -> Result<(), Error> {
    let group = plan.group().to_string();
    let kind = plan.kind.to_string();
    for h in hostname_nodes(doc, root, &kind, &group) {
        let host = doc.node(h).value.clone();
        match map_host(cfg, &host) {
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
                plan.edits
                    .push(e.because("rule 4: hostname outside the target domains"));
            }
        }
        plan.hosts.push(host);
    }
    if !is_route(&kind, &group) {
        return Ok(());
    }
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
        let kind = doc.get_str(r, "kind").unwrap_or("Gateway");
        let group = doc.get_str(r, "group").unwrap_or(GATEWAY_GROUP);
        if kind != "Gateway" || group != GATEWAY_GROUP {
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
                plan.edits.push(e.because(LISTENER));
            }
            None => {
                let e =
                    edit::insert_pair(input, doc, r, "sectionName", &edit::quote(&cfg.listener))
                        .ok_or_else(|| {
                            Error::input(
                        plan.place(doc.node(r).line),
                        "cannot add sectionName to this parentRef: its first key has no text",
                    )
                    .with_hint("write the parentRef as `- name: <gateway>` in the chart template")
                        })?;
                plan.edits.push(e.because(LISTENER));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_map_longest_suffix_and_wildcards() {
        let cfg = Config {
            host_map: vec![
                ("eu.dev.ameide.io".into(), "eu.local.ameide.io".into()),
                ("dev.ameide.io".into(), "local.ameide.io".into()),
            ],
            ..Config::default()
        };
        assert_eq!(
            map_host(&cfg, "a.eu.dev.ameide.io"),
            Mapped::To("a.eu.local.ameide.io".into())
        );
        assert_eq!(
            map_host(&cfg, "*.dev.ameide.io"),
            Mapped::To("*.local.ameide.io".into())
        );
        assert_eq!(
            map_host(&cfg, "dev.ameide.io"),
            Mapped::To("local.ameide.io".into())
        );
        assert_eq!(map_host(&cfg, "www.local.ameide.io"), Mapped::Already);
        assert_eq!(map_host(&cfg, "xdev.ameide.io"), Mapped::Unmapped);
        assert_eq!(map_host(&cfg, "example.com"), Mapped::Unmapped);
    }
}
