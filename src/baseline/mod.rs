//! `check --baseline`: can the baseline and the tilt copy run side by side?
//!
//! A model of one namespace built from the two streams alone, independent of how
//! the filter decided: each stream's objects are read ([`read`]), placed in the
//! namespace (an absent `metadata.namespace` is the shared release namespace), and
//! compared. A collision is a fact the cluster would act on:
//!
//! 1. the same object identity in both (group, kind, namespace, name; cluster-scoped
//!    kinds regardless of namespace);
//! 2. a hostname both claim;
//! 3. a name both make at run time (or one makes and the other emits);
//! 4. a selector of either side that selects pods or Services of the other;
//! 5. a reference of the copy to an object the baseline has, where the copy has its
//!    own object for it (the reference should have followed the rename);
//! 6. a selector of the copy that selects nothing although the baseline's
//!    counterpart selects something (it lost its target).
//!
//! What renaming cannot separate is not a collision but never silent:
//! [`controllers`] says what is classified so, and why.
//!
//! ```text
//! collision: same object Service/web (baseline document 3 (Service/web) line 5 at metadata.name; tilt document 3 (Service/web) line 5 at metadata.name)
//! ```

pub mod controllers;
pub mod model;
pub mod read;
pub mod selector;

use crate::config::Config;
use crate::error::Error;
use crate::plan::renamed_name;
use controllers::Note;
use model::{Place, SelectorUse, Stream, Targets, same_ns};
use std::collections::HashMap;
use std::fmt;

/// A collision, with its place in each stream.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Collision {
    /// The category (1–6 as in the module docs), for a stable order.
    pub rank: u8,
    pub baseline: Place,
    pub tilt: Place,
    pub what: String,
}

impl fmt::Display for Collision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "collision: {} (baseline {}; tilt {})",
            self.what, self.baseline, self.tilt
        )
    }
}

/// What `check --baseline` found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub collisions: Vec<Collision>,
    pub controllers: Vec<Note>,
}

/// Reads both streams and compares them. Errors name the stream they come from.
pub fn check_baseline(baseline: &str, tilt: &str, cfg: &Config) -> Result<Report, Error> {
    let which = |side: &'static str| {
        move |mut e: Error| {
            e.message = format!("{side} stream: {}", e.message);
            e
        }
    };
    let b = read::read_stream(baseline, cfg).map_err(which("baseline"))?;
    let t = read::read_stream(tilt, cfg).map_err(which("tilt"))?;
    Ok(compare(&b, &t, cfg))
}

/// The two streams in one namespace.
pub fn compare(b: &Stream, t: &Stream, cfg: &Config) -> Report {
    let m = Model::new(b, t, cfg);
    let mut collisions = Vec::new();
    m.same_objects(&mut collisions);
    m.same_hosts(&mut collisions);
    m.same_made(&mut collisions);
    let mut notes = controllers::notes(b, t, &cfg.k8s);
    m.cross_selectors(&mut collisions, &mut notes);
    m.stale_references(&mut collisions);
    m.lost_targets(&mut collisions);
    collisions.sort();
    collisions.dedup();
    Report {
        collisions,
        controllers: notes,
    }
}

type KindName<'s> = (&'s str, &'s str);

/// One stream with its indexes.
struct Indexed<'s> {
    s: &'s Stream,
    ids: HashMap<KindName<'s>, Vec<usize>>,
    made: HashMap<KindName<'s>, Vec<usize>>,
    /// Pods by label pair, Services by label pair.
    pods: HashMap<KindName<'s>, Vec<usize>>,
    services: HashMap<KindName<'s>, Vec<usize>>,
    service_list: Vec<usize>,
    /// Selectors by the object that holds them.
    selectors_of: HashMap<usize, Vec<usize>>,
}

impl<'s> Indexed<'s> {
    fn new(s: &'s Stream) -> Self {
        let mut made: HashMap<KindName<'s>, Vec<usize>> = HashMap::new();
        for (i, x) in s.made.iter().enumerate() {
            made.entry((x.kind.as_str(), x.name.as_str()))
                .or_default()
                .push(i);
        }
        let mut pods: HashMap<KindName<'s>, Vec<usize>> = HashMap::new();
        for (i, p) in s.pods.iter().enumerate() {
            for (k, v) in &p.labels {
                pods.entry((k.as_str(), v.as_str())).or_default().push(i);
            }
        }
        let mut services: HashMap<KindName<'s>, Vec<usize>> = HashMap::new();
        let mut service_list = Vec::new();
        for (i, o) in s
            .objects
            .iter()
            .enumerate()
            // Only the core group's Services (a ServiceMonitor selects those).
            .filter(|(_, o)| o.kind == "Service" && o.group.is_empty())
        {
            service_list.push(i);
            for (k, v) in &o.labels {
                services
                    .entry((k.as_str(), v.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        let mut selectors_of: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, u) in s.selectors.iter().enumerate() {
            selectors_of.entry(u.obj).or_default().push(i);
        }
        Indexed {
            s,
            ids: s.by_kind_name(),
            made,
            pods,
            services,
            service_list,
            selectors_of,
        }
    }

    /// Objects of this stream with this identity.
    fn emitted(&self, kind: &str, group: Option<&str>, ns: Option<&str>, name: &str) -> Vec<usize> {
        self.ids
            .get(&(kind, name))
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                let o = &self.s.objects[i];
                group.is_none_or(|g| g == o.group)
                    && (o.cluster_scoped || same_ns(ns, o.ns.as_deref()))
            })
            .collect()
    }

    /// Names this stream makes at run time with this identity.
    fn makes(&self, kind: &str, ns: Option<&str>, name: &str) -> Vec<usize> {
        self.made
            .get(&(kind, name))
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| same_ns(ns, self.s.made[i].ns.as_deref()))
            .collect()
    }

    /// The place of an object or made name with this identity, if any.
    fn has(&self, kind: &str, group: Option<&str>, ns: Option<&str>, name: &str) -> Option<&Place> {
        if let Some(&i) = self.emitted(kind, group, ns, name).first() {
            return Some(&self.s.objects[i].place);
        }
        self.makes(kind, ns, name)
            .first()
            .map(|&i| &self.s.made[i].place)
    }

    /// What `u` (a selector of either stream) selects in this stream: indexes into
    /// `pods` or `objects`. Candidates come from the label index where the selector
    /// requires a pair; only a selector without one scans everything.
    fn selected(&self, u: &SelectorUse, from: &Stream) -> Vec<usize> {
        let ns = from.objects[u.obj].ns.as_deref();
        let index = match u.targets {
            Targets::Pods => &self.pods,
            Targets::Services => &self.services,
        };
        let mut candidates: Vec<usize> = match u.selector.required_pairs() {
            Some(pairs) => pairs
                .iter()
                .flat_map(|p| index.get(p).into_iter().flatten().copied())
                .collect(),
            None => match u.targets {
                Targets::Pods => (0..self.s.pods.len()).collect(),
                Targets::Services => self.service_list.clone(),
            },
        };
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|&i| {
            let (labels, obj) = match u.targets {
                Targets::Pods => (&self.s.pods[i].labels, &self.s.objects[self.s.pods[i].obj]),
                Targets::Services => (&self.s.objects[i].labels, &self.s.objects[i]),
            };
            same_ns(ns, obj.ns.as_deref()) && u.selector.matches(labels)
        });
        candidates
    }

    fn target_place(&self, targets: Targets, i: usize) -> &Place {
        match targets {
            Targets::Pods => &self.s.pods[i].place,
            Targets::Services => &self.s.objects[i].place,
        }
    }
}

struct Model<'s> {
    b: Indexed<'s>,
    t: Indexed<'s>,
    cfg: &'s Config,
}

/// `Certificate spec.secretName, --secret-name of Job/x`: who makes a name.
fn makers(s: &Stream, made: &[usize]) -> String {
    let mut how: Vec<&str> = made.iter().map(|&i| s.made[i].how.as_str()).collect();
    how.dedup();
    how.join(", ")
}

fn plural(t: Targets) -> &'static str {
    match t {
        Targets::Pods => "pods",
        Targets::Services => "Services",
    }
}

impl<'s> Model<'s> {
    fn new(b: &'s Stream, t: &'s Stream, cfg: &'s Config) -> Self {
        Model {
            b: Indexed::new(b),
            t: Indexed::new(t),
            cfg,
        }
    }

    /// 1. The same object identity in both streams.
    fn same_objects(&self, out: &mut Vec<Collision>) {
        for o in &self.t.s.objects {
            for i in self
                .b
                .emitted(&o.kind, Some(&o.group), o.ns.as_deref(), &o.name)
            {
                out.push(Collision {
                    rank: 1,
                    baseline: self.b.s.objects[i].place.clone(),
                    tilt: o.place.clone(),
                    what: format!("same object {}/{}", o.kind, o.name),
                });
            }
        }
    }

    /// 2. A hostname both claim.
    fn same_hosts(&self, out: &mut Vec<Collision>) {
        let mut claimed: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, c) in self.b.s.hosts.iter().enumerate() {
            claimed.entry(c.host.as_str()).or_default().push(i);
        }
        // One line per host and pair of documents (an Ingress names a host in its
        // rules and its TLS entry: one claim).
        let mut done = std::collections::HashSet::new();
        for c in &self.t.s.hosts {
            for &i in claimed.get(c.host.as_str()).into_iter().flatten() {
                if !done.insert((c.host.as_str(), self.b.s.hosts[i].place.doc, c.place.doc)) {
                    continue;
                }
                out.push(Collision {
                    rank: 2,
                    baseline: self.b.s.hosts[i].place.clone(),
                    tilt: c.place.clone(),
                    what: format!("same host {}", c.host),
                });
            }
        }
    }

    /// 3. A name both make at run time (one line per name, at the first maker in
    ///    each stream), or one makes and the other emits.
    fn same_made(&self, out: &mut Vec<Collision>) {
        let (b, t) = (&self.b, &self.t);
        let mut done = std::collections::HashSet::new();
        for x in &t.s.made {
            let ns = x.ns.as_deref();
            let theirs = b.makes(&x.kind, ns, &x.name);
            if let Some(&i) = theirs.first()
                && done.insert((x.kind.as_str(), x.name.as_str()))
            {
                let ours = t.makes(&x.kind, ns, &x.name);
                out.push(Collision {
                    rank: 3,
                    baseline: b.s.made[i].place.clone(),
                    tilt: x.place.clone(),
                    what: format!(
                        "same name made at run time {}/{} (baseline: {}; tilt: {})",
                        x.kind,
                        x.name,
                        makers(b.s, &theirs),
                        makers(t.s, &ours)
                    ),
                });
            }
            for i in b.emitted(&x.kind, None, ns, &x.name) {
                out.push(Collision {
                    rank: 3,
                    baseline: b.s.objects[i].place.clone(),
                    tilt: x.place.clone(),
                    what: format!(
                        "the copy makes {}/{} at run time ({}), which the baseline emits",
                        x.kind, x.name, x.how
                    ),
                });
            }
        }
        for x in &b.s.made {
            for i in t.emitted(&x.kind, None, x.ns.as_deref(), &x.name) {
                out.push(Collision {
                    rank: 3,
                    baseline: x.place.clone(),
                    tilt: t.s.objects[i].place.clone(),
                    what: format!(
                        "the baseline makes {}/{} at run time ({}), which the copy emits",
                        x.kind, x.name, x.how
                    ),
                });
            }
        }
    }

    /// 4. A selector of either side that selects pods or Services of the other.
    ///
    /// The baseline's own empty selector (a NetworkPolicy governing the whole
    /// namespace) selects the copy's pods whatever the copy is called: no
    /// renaming can separate that, so it is a note, not a collision.
    fn cross_selectors(&self, out: &mut Vec<Collision>, notes: &mut Vec<Note>) {
        for u in &self.b.s.selectors {
            let holder = &self.b.s.objects[u.obj];
            if u.selector.is_everything() {
                if !self.t.selected(u, self.b.s).is_empty() {
                    notes.push(Note {
                        places: vec![(model::Side::Baseline, u.place.clone())],
                        what: format!(
                            "the baseline's {}/{} has an empty selector: it governs every pod of the namespace, the copy's too; renaming cannot change that (narrow the baseline's own policy)",
                            holder.kind, holder.name
                        ),
                    });
                }
                continue;
            }
            let mut made_for = Vec::new();
            for i in self.t.selected(u, self.b.s) {
                // Pods an operator makes for the copy's resource carry the labels it
                // gives both copies' pods (the copy's own differ only in values made
                // from its name): what selects them by those labels is the baseline's
                // to narrow, as an empty selector is.
                if let Some(owner) = self.operator_owner(self.t.s, u.targets, i) {
                    let obj = self.t.s.pods[i].obj;
                    if !made_for.contains(&obj) {
                        made_for.push(obj);
                        let o = &self.t.s.objects[obj];
                        notes.push(Note {
                            places: vec![
                                (model::Side::Baseline, u.place.clone()),
                                (model::Side::Tilt, o.place.clone()),
                            ],
                            what: format!(
                                "the baseline's {}/{} selector `{}` selects the pods an operator makes for the copy's {}/{} by labels it gives both copies' pods; renaming cannot change that (narrow the baseline's own selector with {owner})",
                                holder.kind,
                                holder.name,
                                u.selector.show(),
                                o.kind,
                                o.name
                            ),
                        });
                    }
                    continue;
                }
                out.push(Collision {
                    rank: 4,
                    baseline: u.place.clone(),
                    tilt: self.t.target_place(u.targets, i).clone(),
                    what: format!(
                        "the baseline's {}/{} selector `{}` selects the copy's {}",
                        holder.kind,
                        holder.name,
                        u.selector.show(),
                        plural(u.targets)
                    ),
                });
            }
        }
        for u in &self.t.s.selectors {
            let holder = &self.t.s.objects[u.obj];
            for i in self.b.selected(u, self.t.s) {
                out.push(Collision {
                    rank: 4,
                    baseline: self.b.target_place(u.targets, i).clone(),
                    tilt: u.place.clone(),
                    what: format!(
                        "the copy's {}/{} selector `{}` selects the baseline's {}",
                        holder.kind,
                        holder.name,
                        u.selector.show(),
                        plural(u.targets)
                    ),
                });
            }
        }
    }

    /// The owner label of the operator that makes pod `i` of `s` for a custom
    /// resource (`operator_pods`), when it is such a pod.
    fn operator_owner(&self, s: &Stream, targets: Targets, i: usize) -> Option<&'s str> {
        if targets != Targets::Pods {
            return None;
        }
        let o = &s.objects[s.pods[i].obj];
        self.cfg
            .k8s
            .operator_pods
            .iter()
            .find(|op| op.kind.matches(&o.kind, &o.group))
            .map(|op| op.owner.as_str())
    }

    /// The name the copy gives to an object the baseline calls `name`: what an
    /// operator makes is named after the copy's resource (`db-rw` →
    /// `db-tilt-rw`), anything else gets the suffix. An object of the stream
    /// wins over an operator's, as in the filter.
    fn renamed(&self, kind: &str, name: &str) -> Option<String> {
        let made = self.b.made.get(&(kind, name)).into_iter().flatten();
        if !self.b.ids.contains_key(&(kind, name))
            && let Some(c) = made
                .filter_map(|&i| self.b.s.made[i].counterpart.clone())
                .next()
        {
            return Some(c);
        }
        renamed_name(self.cfg, kind, name).ok().flatten()
    }

    /// 5. A reference of the copy to the baseline's object where the copy has its own.
    fn stale_references(&self, out: &mut Vec<Collision>) {
        for r in &self.t.s.refs {
            let (group, ns) = (r.group.as_deref(), r.ns.as_deref());
            if self.t.has(&r.kind, group, ns, &r.name).is_some() {
                continue;
            }
            let Some(theirs) = self.b.has(&r.kind, group, ns, &r.name) else {
                continue;
            };
            let Some(own) = self.renamed(&r.kind, &r.name) else {
                continue;
            };
            if self.t.has(&r.kind, group, ns, &own).is_none() {
                continue;
            }
            out.push(Collision {
                rank: 5,
                baseline: theirs.clone(),
                tilt: r.place.clone(),
                what: format!(
                    "the copy refers to the baseline's {}/{} although it has its own {}/{own}",
                    r.kind, r.name, r.kind
                ),
            });
        }
    }

    /// 6. A selector of the copy that lost its target: it selects nothing in the
    ///    copy, while its counterpart in the baseline selects something there.
    fn lost_targets(&self, out: &mut Vec<Collision>) {
        // Every baseline object the copy's object may stand for (a stream can
        // hold one identity twice: a hook and a template of the same object).
        let mut counterparts: HashMap<(&str, String), Vec<usize>> = HashMap::new();
        for (i, o) in self.b.s.objects.iter().enumerate() {
            let name = self
                .renamed(&o.kind, &o.name)
                .unwrap_or_else(|| o.name.clone());
            counterparts
                .entry((o.kind.as_str(), name))
                .or_default()
                .push(i);
        }
        for u in &self.t.s.selectors {
            if !self.t.selected(u, self.t.s).is_empty() {
                continue;
            }
            let holder = &self.t.s.objects[u.obj];
            let Some(bis) = counterparts.get(&(holder.kind.as_str(), holder.name.clone())) else {
                continue;
            };
            // The counterpart lives where the copy's object does (one name may
            // stand in two namespaces of a stream).
            let theirs: Vec<&SelectorUse> = bis
                .iter()
                .filter(|&&bi| {
                    let b = &self.b.s.objects[bi];
                    b.cluster_scoped || same_ns(b.ns.as_deref(), holder.ns.as_deref())
                })
                .flat_map(|bi| self.b.selectors_of.get(bi).into_iter().flatten())
                .map(|&si| &self.b.s.selectors[si])
                .filter(|bu| bu.place.path == u.place.path)
                .collect();
            // Lost only if every counterpart selected something.
            if theirs.is_empty()
                || theirs
                    .iter()
                    .any(|bu| self.b.selected(bu, self.b.s).is_empty())
            {
                continue;
            }
            let bu = theirs[0];
            out.push(Collision {
                rank: 6,
                baseline: bu.place.clone(),
                tilt: u.place.clone(),
                what: format!(
                    "the copy's {}/{} selector `{}` selects no {} of the copy, while the \
                     baseline's `{}` selects some: it lost its target",
                    holder.kind,
                    holder.name,
                    u.selector.show(),
                    plural(u.targets),
                    bu.selector.show()
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collisions(b: &str, t: &str) -> Vec<String> {
        check_baseline(b, t, &Config::default())
            .unwrap()
            .collisions
            .iter()
            .map(|c| c.what.clone())
            .collect()
    }

    const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n";

    #[test]
    fn namespaces_place_objects() {
        let other = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: y}\n";
        assert!(collisions(CM, other).is_empty(), "two namespaces");
        // Absent: the release namespace, which may be the one the other names.
        let absent = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
        assert_eq!(collisions(CM, absent), ["same object ConfigMap/a"]);
        // Cluster-scoped kinds collide whatever namespace the text gives.
        let role = |ns| {
            format!(
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: r, namespace: {ns}}}\n"
            )
        };
        assert_eq!(
            collisions(&role("x"), &role("y")),
            ["same object ClusterRole/r"]
        );
        // Same kind name, another group: another object.
        let gw = |g| format!("apiVersion: {g}/v1\nkind: Gateway\nmetadata: {{name: g}}\n");
        assert!(
            collisions(&gw("gateway.networking.k8s.io"), &gw("networking.istio.io")).is_empty()
        );
    }

    #[test]
    fn empty_network_policy_selects_every_pod_of_the_other_side() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: p}}\nspec: {containers: [{name: c, image: i}]}\n";
        let np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n-tilt}\nspec: {podSelector: {}}\n";
        let found = collisions(pod, np);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("selects the baseline's pods"),
            "{found:?}"
        );
    }

    #[test]
    fn a_lost_target_is_judged_against_the_counterpart_in_the_same_namespace() {
        // Found by the fuzz target: one policy name in two namespaces; the copy's
        // policy in `b` selects nothing, and so does its counterpart there, whose
        // absent podSelector (every pod of `b`: none) stands where the copy's does.
        let pod = |name: &str, app: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: a, labels: {{app: {app}}}}}\nspec: {{containers: [{{name: c, image: i}}]}}\n"
            )
        };
        let np = |name: &str, ns: &str, spec: &str| {
            format!(
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {spec}\n"
            )
        };
        let b = [
            pod("p", "p"),
            np("n", "a", "{podSelector: {}}"),
            np("n", "b", "{policyTypes: [Ingress]}"),
        ]
        .join("---\n");
        let sel = "{podSelector: {matchLabels: {app: p-tilt}}}";
        let t = [
            pod("p-tilt", "p-tilt"),
            np("n-tilt", "a", sel),
            np("n-tilt", "b", sel),
        ]
        .join("---\n");
        assert_eq!(collisions(&b, &t), Vec::<String>::new());
    }

    #[test]
    fn nothing_inside_a_mapping_key_is_a_reference() {
        // Found by the fuzz target: rule 2 reads values only, and the API server
        // refuses a mapping as a key.
        let b = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n";
        let t = "apiVersion: v1\nkind: Secret\nmetadata: {name: s-tilt}\n---\napiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t-tilt}\nspec:\n  ? secretKeyRef: {name: s, key: k}\n";
        assert_eq!(collisions(b, t), Vec::<String>::new());
        let t_value = "apiVersion: v1\nkind: Secret\nmetadata: {name: s-tilt}\n---\napiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t-tilt}\nspec:\n  x: {secretKeyRef: {name: s, key: k}}\n";
        assert_eq!(
            collisions(b, t_value).len(),
            1,
            "the same shape as a value is read"
        );
    }

    #[test]
    fn a_node_port_of_both_copies_is_noted_not_counted() {
        let svc = |name: &str, port: &str| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{type: NodePort, ports: [{{port: 22, nodePort: {port}}}]}}\n"
            )
        };
        let notes = |b: &str, t: &str| {
            let r = check_baseline(b, t, &Config::default()).unwrap();
            assert!(r.collisions.is_empty());
            r.controllers
                .iter()
                .map(|n| n.what.clone())
                .collect::<Vec<_>>()
        };
        let found = notes(&svc("ssh", "30022"), &svc("ssh-tilt", "30022"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("node port 30022/TCP"), "{found:?}");
        assert!(notes(&svc("ssh", "30022"), &svc("ssh-tilt", "30023")).is_empty());
    }

    #[test]
    fn an_absent_selector_selects_what_its_type_says() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: p}}\nspec: {containers: [{name: c, image: i}]}\n";
        let copy = |kind: &str, spec: &str| {
            let api = if kind == "NetworkPolicy" {
                "networking.k8s.io/v1"
            } else {
                "policy/v1"
            };
            format!("apiVersion: {api}\nkind: {kind}\nmetadata: {{name: n-tilt}}\nspec: {spec}\n")
        };
        // A NetworkPolicy's podSelector is a struct: absent or null, it is empty.
        for spec in ["{}", "{podSelector: ~}"] {
            assert_eq!(
                collisions(pod, &copy("NetworkPolicy", spec)).len(),
                1,
                "{spec}"
            );
        }
        // A PodDisruptionBudget's selector is a pointer: absent or null, it is nil
        // and selects nothing; `{}` selects every pod.
        for spec in ["{minAvailable: 1}", "{selector: ~}"] {
            let found = collisions(pod, &copy("PodDisruptionBudget", spec));
            assert!(found.is_empty(), "{spec}: {found:?}");
        }
        assert_eq!(
            collisions(pod, &copy("PodDisruptionBudget", "{selector: {}}")).len(),
            1
        );
    }
}
