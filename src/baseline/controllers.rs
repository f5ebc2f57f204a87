//! What renaming cannot separate (docs/isolation.md, "Where it ends"): notes
//! that `check --baseline` always prints and never counts as collisions.
//!
//! Classified as controller-level, exactly (the kinds are data, in
//! `src/k8s/builtin.yaml`):
//! - a class of the copy that names its controller (`controller_classes`: an
//!   IngressClass's `spec.controller`, a GatewayClass's `spec.controllerName`):
//!   the string is the same in both copies, and controllers pick their work
//!   cluster-wide by that string and by class;
//! - a webhook configuration of the copy (`webhook_kinds`): cluster-scoped, it
//!   intercepts matching requests in every namespace, the baseline's objects too;
//! - a long-running workload of the copy (not of `run_once_kinds`: a Job or CronJob) whose
//!   ServiceAccount a ClusterRoleBinding of the copy binds: it acts on the whole cluster (an operator, Argo CD, external-secrets, an
//!   ingress controller, kube-state-metrics), by label or class, not by name;
//! - a port on the node (`hostPort`, or a `containerPort` under `hostNetwork`) that
//!   pods of both copies bind: a node agent runs once per node, and the second
//!   copy's pod cannot run where the first one does;
//! - a `nodePort` that Services of both copies ask for by number: one cluster has
//!   one, and the API server refuses the second Service (the filter leaves the
//!   number alone: which port the copy should get is the user's choice);
//! - the baseline's CustomResourceDefinitions (one note per API group) and
//!   APIServices, which the copy does not emit: one definition, one API, shared;
//! - a selector of the baseline that selects pods an operator makes for a custom
//!   resource of the copy (the selector holds only labels the operator gives
//!   both copies' pods): the copy cannot change the baseline's selector (made in
//!   `cross_selectors`, `src/baseline/mod.rs`).
//!
//! The same type carries the other notes of `check --baseline` ([`NoteKind`]):
//! `note (lost)` and `note (unproven)`.

use crate::baseline::model::{Place, Side, Stream, same_ns};
use crate::k8s::K8s;
use std::collections::BTreeMap;
use std::fmt;

/// What a note is about. Notes never change the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoteKind {
    /// What renaming cannot separate (this module).
    Controller,
    /// A selector of the copy that selects none of the copy's own pods, where
    /// that is no collision (see `lost_targets` in the module above).
    Lost,
    /// A custom resource kind of the copy whose pods the model cannot model.
    Unproven,
}

impl NoteKind {
    /// How a note line begins: `controller:`, `note (lost):`, `note (unproven):`.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Controller => "controller",
            NoteKind::Lost => "note (lost)",
            NoteKind::Unproven => "note (unproven)",
        }
    }
}

/// A fact that is no collision, with the places it comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub kind: NoteKind,
    pub places: Vec<(Side, Place)>,
    pub what: String,
}

impl Note {
    /// A controller-level note.
    pub fn controller(places: Vec<(Side, Place)>, what: String) -> Note {
        Note {
            kind: NoteKind::Controller,
            places,
            what,
        }
    }

    /// The line printed for it, each place named by its stream (`baseline`,
    /// `tilt`, or the copies' file names when several are checked).
    pub fn line(&self, baseline: &str, tilt: &str) -> String {
        let mut out = format!("{}: {} (", self.kind.label(), self.what);
        for (i, (side, place)) in self.places.iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            let at = match side {
                Side::Baseline => baseline,
                Side::Tilt => tilt,
            };
            out.push_str(&format!("{at} {place}"));
        }
        out.push(')');
        out
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line("baseline", "tilt"))
    }
}

/// Every controller-level note for the two streams, sorted.
pub fn notes(b: &Stream, t: &Stream, k8s: &K8s) -> Vec<Note> {
    let mut out = Vec::new();
    classes(b, t, &mut out);
    for o in t
        .objects
        .iter()
        .filter(|o| k8s.webhook_kinds.contains(&o.kind))
    {
        out.push(Note {
            kind: NoteKind::Controller,
            places: vec![(Side::Tilt, o.place.clone())],
            what: format!(
                "{}/{} is cluster-scoped: its webhooks see matching requests in every \
                 namespace, the baseline's objects too",
                o.kind, o.name
            ),
        });
    }
    cluster_wide_workloads(t, k8s, &mut out);
    host_ports(b, t, &mut out);
    node_ports(b, t, &mut out);
    shared_definitions(b, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The notes for two copies side by side: the ports both bind or ask for. (What
/// each copy runs cluster-wide, and the baseline's definitions, are noted once
/// per copy, against the baseline.)
pub fn between_copies(a: &Stream, b: &Stream) -> Vec<Note> {
    let mut out = Vec::new();
    host_ports(a, b, &mut out);
    node_ports(a, b, &mut out);
    out.sort();
    out.dedup();
    out
}

fn classes(b: &Stream, t: &Stream, out: &mut Vec<Note>) {
    for o in &t.objects {
        let Some(controller) = &o.controller else {
            continue;
        };
        let mut places = Vec::new();
        if let Some(bo) = b
            .objects
            .iter()
            .find(|bo| bo.kind == o.kind && bo.controller.as_ref() == Some(controller))
        {
            places.push((Side::Baseline, bo.place.clone()));
        }
        places.push((Side::Tilt, o.place.clone()));
        out.push(Note {
            kind: NoteKind::Controller,
            places,
            what: format!(
                "{}/{} names controller `{controller}`: a controller serves its class \
                 cluster-wide, and both copies run the same one; renaming the class does \
                 not change which Ingresses or routes each controller takes",
                o.kind, o.name
            ),
        });
    }
}

fn cluster_wide_workloads(t: &Stream, k8s: &K8s, out: &mut Vec<Note>) {
    for binding in &t.bindings {
        let bo = &t.objects[binding.obj];
        for pods in &t.pods {
            let Some(sa) = &pods.service_account else {
                continue;
            };
            let wo = &t.objects[pods.obj];
            // A Job runs once and stops (a certificate generator patching a webhook):
            // it reconciles nothing.
            if k8s.run_once_kinds.contains(&wo.kind) {
                continue;
            }
            let bound = binding
                .subjects
                .iter()
                .any(|(ns, name)| name == sa && same_ns(ns.as_deref(), wo.ns.as_deref()));
            if !bound {
                continue;
            }
            out.push(Note {
                kind: NoteKind::Controller,
                places: vec![
                    (Side::Tilt, wo.place.clone()),
                    (Side::Tilt, bo.place.clone()),
                ],
                what: format!(
                    "{}/{} runs with cluster-wide permissions (ClusterRoleBinding/{} to \
                     ClusterRole/{}): a cluster-wide controller picks its objects by class or \
                     label, not by name, so the copy's acts on the baseline's objects and the \
                     baseline's on the copy's",
                    wo.kind, wo.name, bo.name, binding.role
                ),
            });
        }
    }
}

fn host_ports(b: &Stream, t: &Stream, out: &mut Vec<Note>) {
    fn of(s: &Stream) -> Vec<&(String, Place)> {
        s.pods.iter().flat_map(|p| &p.host_ports).collect()
    }
    in_both(&of(b), &of(t), out, |port| {
        format!(
            "host port {port} is bound by pods of both copies: one node has one such \
             port, so where the baseline's pod runs the copy's cannot (a node agent \
             runs once per node)"
        )
    });
}

fn node_ports(b: &Stream, t: &Stream, out: &mut Vec<Note>) {
    fn of(s: &Stream) -> Vec<&(String, Place)> {
        s.node_ports.iter().collect()
    }
    in_both(&of(b), &of(t), out, |port| {
        format!(
            "node port {port} is asked for by Services of both copies: a node port is \
             unique in the cluster, so the API server refuses the second Service (leave \
             nodePort unset in the copy's values)"
        )
    });
}

/// A note for each port of the copy that the baseline has too (the baseline's
/// first place for it, then the copy's).
fn in_both(
    b: &[&(String, Place)],
    t: &[&(String, Place)],
    out: &mut Vec<Note>,
    what: impl Fn(&str) -> String,
) {
    let mut theirs: BTreeMap<&str, &Place> = BTreeMap::new();
    for (port, place) in b.iter().copied() {
        theirs.entry(port.as_str()).or_insert(place);
    }
    for (port, place) in t.iter().copied() {
        if let Some(first) = theirs.get(port.as_str()) {
            out.push(Note {
                kind: NoteKind::Controller,
                places: vec![
                    (Side::Baseline, (*first).clone()),
                    (Side::Tilt, place.clone()),
                ],
                what: what(port),
            });
        }
    }
}

fn shared_definitions(b: &Stream, out: &mut Vec<Note>) {
    let mut groups: BTreeMap<&str, Vec<&Place>> = BTreeMap::new();
    for o in &b.objects {
        match o.kind.as_str() {
            "CustomResourceDefinition" => {
                let group = o.name.split_once('.').map_or("", |(_, g)| g);
                groups.entry(group).or_default().push(&o.place);
            }
            "APIService" => out.push(Note {
                kind: NoteKind::Controller,
                places: vec![(Side::Baseline, o.place.clone())],
                what: format!(
                    "APIService/{} is the baseline's (the copy does not emit it): the API it \
                     serves is answered by the baseline's Service for both copies",
                    o.name
                ),
            }),
            _ => {}
        }
    }
    for (group, places) in groups {
        out.push(Note {
            kind: NoteKind::Controller,
            places: vec![(Side::Baseline, places[0].clone())],
            what: format!(
                "{} CustomResourceDefinition(s) of group {group} are the baseline's (the copy \
                 does not emit them): one definition for both copies, and every controller of \
                 these kinds, in either copy, reconciles the objects of both",
                places.len()
            ),
        });
    }
}
