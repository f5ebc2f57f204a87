//! Rule 4: every hostname an object claims (the `host_claims` table of
//! `src/k8s/builtin.yaml`: route `hostnames`, Ingress hosts, external-dns's
//! annotation, Gateway listeners, Istio, Traefik, Contour) goes through the host
//! map, and every route parentRef to a Gateway gets the tilt listener. A
//! Certificate's `dnsNames`/`commonName` follow the map where it covers them.
//!
//! ```yaml
//! parentRefs:                       parentRefs:
//!   - name: ameide                    - name: ameide
//!     sectionName: https                sectionName: https-local
//! hostnames:                        hostnames:
//!   - www.dev.ameide.io               - www.local.ameide.io
//! ```
//! A hostname already under a target domain stays; any other claimed hostname the
//! map does not cover is an error (the tilt copy would compete for the baseline's
//! host). Inside a longer value (`a.dev.ameide.io,b.dev.ameide.io`,
//! `` Host(`a.dev.ameide.io`) ``) only the host's text is replaced.

use crate::config::Config;
use crate::config::Mapped;
use crate::edit::{self, Edit};
use crate::error::{Error, Place};
use crate::k8s::refs::walk;
use crate::k8s::{HostRule, hosts_in};
use crate::plan::{DocOut, DocPlan, NodeSpan, locate_in_scalar, rewrite_scalar};
use crate::reason::Reason;
use crate::rules::contract::{PlanCx, Rule};
use crate::yaml::Style;
use std::borrow::Cow;

pub const RULE: Rule = Rule {
    plan,
    ..Rule::new(4)
};

fn plan<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>, out: &mut DocOut) -> Result<(), Error> {
    hostnames(cx, plan, out)?;
    if cx.cfg.k8s.is_route(&plan.kind, plan.group()) {
        listeners(cx, plan, out)?;
    }
    Ok(())
}

/// Rule 4: every hostname a field of the `host_claims` table holds goes through
/// the host map; claimed ones feed rule 9.
fn hostnames<'a>(
    cx: &PlanCx<'_, 'a>,
    plan: &mut DocPlan<'a>,
    out: &mut DocOut,
) -> Result<(), Error> {
    let (doc, root, cfg) = (cx.doc, cx.root, cx.cfg);
    let group = plan.group().to_string();
    let mut found = Vec::new();
    let mut missed = Vec::new();
    for rule in &cfg.k8s.host_claims {
        if !rule.from.iter().any(|k| k.matches(&plan.kind, &group)) {
            continue;
        }
        found.clear();
        walk(doc, root, &rule.path, root, &mut found);
        for f in &found {
            if !doc.is_scalar(f.leaf) || doc.is_null(f.leaf) {
                continue;
            }
            let whole = NodeSpan::of(doc, f.leaf);
            // A described name the map does not cover may be a Service DNS name
            // of the stream (`svc.ns.svc`): rule 9(b) follows it, as it follows
            // every string.
            let ns = plan.ns.as_deref();
            for (at, host) in hosts_in(&whole.value, rule.format, ns) {
                if claim(cx, plan, out, rule, &whole, at, host)? == Claim::Unmapped {
                    missed.push((plan.place(whole.line), host.to_string()));
                }
            }
        }
    }
    match unmapped(cfg, missed) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The refusal for claimed hostnames no host map entry covers (keeping one would
/// make the tilt route compete with the baseline for its host), or `None` when
/// there are none. The first host is the error's place and the others are
/// listed after it; the fix adds an entry for every domain among them, so
/// following it does not stop at the next one.
pub fn unmapped(cfg: &Config, mut hosts: Vec<(Place, String)>) -> Option<Error> {
    if let Some(rest) = hosts.get_mut(1..) {
        rest.sort_by_key(|(p, _)| (p.doc, p.line));
    }
    let ((place, first), rest) = hosts.split_first()?;
    let map: Vec<String> = cfg
        .host_map
        .iter()
        .map(|(f, t)| format!("{f}={t}"))
        .collect();
    let mut message = format!(
        "hostname {first:?} is not covered by the host map ({}): keeping it would make the tilt route compete with the baseline for the same host",
        map.join(", ")
    );
    if !rest.is_empty() {
        const LISTED: usize = 5;
        let mut others: Vec<String> = rest
            .iter()
            .take(LISTED)
            .map(|(p, h)| match &p.object {
                _ if p.doc == place.doc => format!("{h:?} (line {})", p.line),
                Some(o) => format!("{h:?} (document {} ({o}) line {})", p.doc, p.line),
                None => format!("{h:?} (document {} line {})", p.doc, p.line),
            })
            .collect();
        if rest.len() > LISTED {
            others.push(format!("{} more", rest.len() - LISTED));
        }
        message.push_str(&format!("; nor are {}", others.join(", ")));
    }
    let names: Vec<&str> = hosts.iter().map(|(_, h)| h.as_str()).collect();
    let (entries, unmappable) = cfg.host_map_entries_for(&names);
    let entries: Vec<String> = entries
        .iter()
        .map(|(from, to)| format!("--host-map {from}={to}"))
        .collect();
    let mut fixes = Vec::new();
    if !entries.is_empty() {
        let those = if entries.len() == 1 {
            "that entry"
        } else {
            "those entries"
        };
        fixes.push(format!(
            "add {} (or {those} to host_map in the config file)",
            entries.join(" ")
        ));
    }
    for h in unmappable {
        fixes.push(format!("write {h:?} in lowercase letters, digits, `-` and `.` in the chart: only such names can be mapped"));
    }
    let mut e = Error::input(place.clone(), message).with_hint(fixes.join("; "));
    e.hosts = hosts;
    Some(e)
}

/// `first`, a refusal, extended by the unmapped hostnames of later documents
/// when it is itself one: one error, and one fix for all of them, for the filter
/// and for a partial copy alike. Any other refusal comes back as it is.
pub fn with_later_hosts(
    cfg: &Config,
    first: Error,
    later: impl IntoIterator<Item = (Place, String)>,
) -> Error {
    if first.hosts.is_empty() {
        return first;
    }
    let mut hosts = first.hosts.clone();
    hosts.extend(later);
    if hosts.len() == first.hosts.len() {
        return first;
    }
    unmapped(cfg, hosts).unwrap_or(first)
}

/// What became of one hostname: mapped or left as it may stay (`Done`), or a
/// claimed one the map does not cover, refused with the document's others
/// ([`unmapped`]).
#[derive(PartialEq, Eq)]
enum Claim {
    Done,
    Unmapped,
}

/// One hostname found at `at` in the value of `whole`.
fn claim<'a>(
    cx: &PlanCx<'_, 'a>,
    plan: &mut DocPlan<'a>,
    out: &mut DocOut,
    rule: &HostRule,
    whole: &NodeSpan<'_>,
    at: usize,
    host: &str,
) -> Result<Claim, Error> {
    let cfg = cx.cfg;
    let new = match cfg.map_host(host) {
        Mapped::Already => None,
        Mapped::Unmapped if !rule.claims => return Ok(Claim::Done),
        Mapped::Unmapped => return Ok(Claim::Unmapped),
        Mapped::To(new) => Some(new),
    };
    if let Some(new) = new {
        let why = if rule.claims {
            Reason::Hostname
        } else {
            Reason::CertificateHost
        };
        // Only the host's text is replaced, inside the scalar as written (so the
        // edit is the very one rule 9 would make for the same host); a whole-value
        // host in a block scalar, or under an anchor, gets rewrite_scalar's refusal.
        let quoted_or_plain = matches!(whole.style, Style::Plain | Style::Single | Style::Double);
        let whole_value = at == 0 && host.len() == whole.value.len();
        let found = locate_in_scalar(cx.input, whole, at, host)
            .filter(|_| !whole.anchored && (quoted_or_plain || !whole_value));
        let e = match found {
            Some(start) => Edit::replace(start, start + host.len(), new.clone()),
            None if whole_value => rewrite_scalar(plan, whole, "a hostname", &new)?,
            None => {
                return Err(Error::input(
                    plan.place(whole.line),
                    format!("hostname {host:?} sits in a value this tool cannot edit in place (an anchor, or the same text escaped)"),
                )
                .with_hint("write the value out without anchors or escapes in the chart template"));
            }
        };
        out.edits.push(e.because(why));
    }
    if rule.claims {
        plan.hosts.push(Cow::Owned(host.to_string()));
    }
    Ok(Claim::Done)
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
                    plan,
                    &NodeSpan::of(doc, s),
                    "a parentRef sectionName",
                    &cfg.listener,
                )?;
                out.edits.push(e.because(Reason::Listener));
            }
            None => {
                let gw = doc
                    .get(r, "name")
                    .and_then(|n| doc.str(n))
                    .filter(|n| !n.trim().is_empty());
                let fix = match gw {
                    Some(gw) => format!(
                        "write the parentRef as `- name: {gw}` or `{{name: {gw}}}` in the chart template"
                    ),
                    None => "write the parentRef as a block mapping, one `key: value` per line, with its Gateway's `name:`, in the chart template".to_string(),
                };
                let e =
                    edit::insert_pair(input, doc, r, "sectionName", &edit::quote(&cfg.listener))
                        .map_err(|why| {
                            Error::input(
                                plan.place(doc.node(r).line),
                                format!("cannot add sectionName to this parentRef: {}", why.says()),
                            )
                            .with_hint(fix)
                        })?;
                out.edits.push(e.because(Reason::Listener));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::HostFormat;

    fn hosts(v: &str, f: HostFormat) -> Vec<(usize, &str)> {
        hosts_in(v, f, Some("shop"))
    }

    #[test]
    fn hosts_in_each_format() {
        assert_eq!(
            hosts("a.x.io, b.x.io,,", HostFormat::List),
            vec![(0, "a.x.io"), (8, "b.x.io")]
        );
        assert!(hosts("reviews", HostFormat::Mesh).is_empty());
        assert!(hosts("reviews.shop", HostFormat::Mesh).is_empty());
        assert!(hosts("r.other.svc.cluster.local", HostFormat::Mesh).is_empty());
        assert_eq!(hosts("r.x.io", HostFormat::Mesh), vec![(0, "r.x.io")]);
        assert_eq!(
            hosts("ns/*.x.io", HostFormat::NamespacedHost),
            vec![(3, "*.x.io")]
        );
        assert!(hosts("*/*", HostFormat::NamespacedHost).is_empty());
        let rule = "Host(`a.x.io`) && PathPrefix(`/p.q`) || HostSNI(`b.x.io`) || HostRegexp(`c.x.io`) || XHost(`d.x.io`) || Host(`*`)";
        assert_eq!(
            hosts(rule, HostFormat::Traefik),
            vec![(6, "a.x.io"), (49, "b.x.io")]
        );
    }
}
