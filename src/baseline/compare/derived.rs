//! The categories judged against the baseline alone, which every copy derives
//! from: references that should have followed a rename (5), selectors that lost
//! their target (6), old names left in strings (7), and the kinds the model
//! cannot prove (`note (unproven)`).

use super::*;

impl Model<'_> {
    /// 5. A reference of the copy to the baseline's object where the copy has its own.
    pub(in super::super) fn stale_references(&self, out: &mut Vec<Collision>) {
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
    ///
    /// That is a collision (exit 1): docs/isolation.md lists "a selector of the copy that lost its
    /// target" among them, and a Service of the copy whose pods are gone sends its
    /// traffic nowhere (or, with a label another rule forgot, to the baseline).
    /// Any other selector of the copy that selects none of the copy's own pods is
    /// a `note (lost)`, which leaves the exit code alone: one that has no
    /// counterpart in the baseline (nothing to compare with: the model cannot
    /// tell a mistake from a selector meant for pods made elsewhere). A selector
    /// whose counterpart selects nothing of the baseline either selects only
    /// what lives outside both streams (CoreDNS, the kubelet, another release:
    /// rule 3 keeps such pairs shared on purpose); the copy lost nothing, and
    /// nothing is said.
    pub(in super::super) fn lost_targets(&self, out: &mut Vec<Collision>, notes: &mut Vec<Note>) {
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
            // The counterpart lives where the copy's object does (one name may
            // stand in two namespaces of a stream).
            let theirs: Vec<&SelectorUse> = counterparts
                .get(&(holder.kind.as_str(), holder.name.clone()))
                .into_iter()
                .flatten()
                .filter(|&&bi| {
                    let b = &self.b.s.objects[bi];
                    b.cluster_scoped || same_ns(b.ns.as_deref(), holder.ns.as_deref())
                })
                .flat_map(|bi| self.b.selectors_of.get(bi).into_iter().flatten())
                .map(|&si| &self.b.s.selectors[si])
                .filter(|bu| bu.place.path == u.place.path)
                .collect();
            if theirs.is_empty() {
                notes.push(Note {
                    kind: NoteKind::Lost,
                    places: vec![(Side::Tilt, u.place.clone())],
                    what: format!(
                        "the copy's {}/{} selector `{}` selects no {} of the copy, and the baseline has no counterpart of it to compare with",
                        holder.kind,
                        holder.name,
                        u.selector.show(),
                        plural(u.targets)
                    ),
                });
                continue;
            }
            // Lost only if every counterpart selected something.
            if theirs
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

    /// 7. Old names left in the copy's strings ([`leftovers`]).
    pub(in super::super) fn leftovers(&self, out: &mut Vec<Collision>) {
        use leftovers::OldName;
        let (b, t) = (&self.b, &self.t);
        if t.s.mentions.is_empty() {
            return;
        }
        let wanted: HashSet<&str> = t.s.mentions.iter().map(|m| m.name.as_str()).collect();
        let mut old: HashMap<&str, Vec<OldName<'_>>> = HashMap::new();
        for o in
            b.s.objects
                .iter()
                .filter(|o| wanted.contains(o.name.as_str()))
        {
            let Some(new) = self.renamed(&o.kind, &o.name) else {
                continue;
            };
            if t.has(&o.kind, Some(&o.group), o.ns.as_deref(), &new)
                .is_some()
            {
                old.entry(&o.name).or_default().push(OldName {
                    kind: &o.kind,
                    ns: o.ns.as_deref(),
                    cluster_scoped: o.cluster_scoped,
                    place: &o.place,
                    new,
                });
            }
        }
        for m in b.s.made.iter().filter(|m| wanted.contains(m.name.as_str())) {
            let Some(new) = self.renamed(&m.kind, &m.name) else {
                continue;
            };
            if t.has(&m.kind, None, m.ns.as_deref(), &new).is_some() {
                old.entry(&m.name).or_default().push(OldName {
                    kind: &m.kind,
                    ns: m.ns.as_deref(),
                    cluster_scoped: false,
                    place: &m.place,
                    new,
                });
            }
        }
        if old.is_empty() {
            return;
        }
        let known_ns = |ns: &str| b.s.namespaces.contains(ns) || t.s.namespaces.contains(ns);
        let services: HashSet<&str> = [b.s, t.s]
            .iter()
            .flat_map(|s| {
                let objects = s
                    .objects
                    .iter()
                    .filter(|o| o.kind == "Service" && o.group.is_empty())
                    .map(|o| o.name.as_str());
                let made = s
                    .made
                    .iter()
                    .filter(|m| m.kind == "Service")
                    .map(|m| m.name.as_str());
                objects.chain(made)
            })
            .collect();
        let is_service = |name: &str| services.contains(name);
        let k8s = &self.cfg.k8s;
        let mut vocabulary: Vec<String> = [b.s, t.s]
            .iter()
            .flat_map(|s| s.objects.iter().map(|o| o.kind.clone()))
            .chain(k8s.pod_specs.keys().cloned())
            .chain(k8s.shapes.iter().map(|s| s.target.clone()))
            .chain(
                [
                    "Pod",
                    "Service",
                    "Secret",
                    "ConfigMap",
                    "Container",
                    "Volume",
                    "Port",
                ]
                .map(String::from),
            )
            .collect();
        vocabulary.sort();
        vocabulary.dedup();
        let plural = |kind: &str| k8s.plural(kind);
        let workload = |kind: &str| k8s.pod_specs.contains_key(kind);
        // A place a reference already holds (category 5) is not reported again.
        let referenced: HashSet<(usize, &str)> = out
            .iter()
            .filter(|c| c.rank == 5)
            .map(|c| (c.tilt.doc, c.tilt.path.as_str()))
            .collect();
        let mut done: HashSet<(usize, &str, &str)> = HashSet::new();
        let mut found = Vec::new();
        for m in &t.s.mentions {
            let Some(targets) = old.get(m.name.as_str()) else {
                continue;
            };
            let around = leftovers::Around {
                holder_ns: t.s.objects[m.obj].ns.as_deref(),
                known_ns: &known_ns,
                is_service: &is_service,
                vocabulary: &vocabulary,
                plural: &plural,
                workload: &workload,
            };
            let can = leftovers::candidates(targets, m, &around);
            let Some(target) = can.first() else {
                continue;
            };
            if referenced.contains(&(m.place.doc, m.place.path.as_str()))
                || !done.insert((m.place.doc, m.place.path.as_str(), m.name.as_str()))
            {
                continue;
            }
            let shown = match (&m.pod, m.secret) {
                (_, true) => "old name left in the copy (a Secret value, not shown)".to_string(),
                (Some(pod), false) => format!("old name `{pod}` left in the copy"),
                (None, false) => format!("old name `{}` left in the copy", m.name),
            };
            let mut others: Vec<&str> = can[1..].iter().map(|t| t.kind).collect();
            others.sort_unstable();
            others.dedup();
            others.retain(|k| *k != target.kind);
            let also = if others.is_empty() {
                String::new()
            } else {
                format!(" (or its {} of that name)", others.join(", "))
            };
            let what = match &m.pod {
                Some(pod) => {
                    let n = pod.rsplit_once('-').map_or("", |(_, n)| n);
                    format!(
                        "{shown}: it names a pod of the baseline's {}/{}, whose pods the copy has as {}-{n}",
                        target.kind, m.name, target.new
                    )
                }
                None => format!(
                    "{shown}: it names the baseline's {}/{}{also}, which the copy has as {}",
                    target.kind, m.name, target.new
                ),
            };
            found.push(Collision {
                rank: 7,
                baseline: target.place.clone(),
                tilt: m.place.clone(),
                what,
            });
        }
        out.extend(found);
    }

    /// `note (unproven)`: one per custom resource kind of the copy whose pods the
    /// model cannot model, so a selector around them can be neither proven nor
    /// faulted. Which kinds:
    ///
    /// - custom resources only (a group outside `builtin_groups`), and none whose
    ///   pods `operator_pods` models;
    /// - a kind the tables know to make pods labelled with its name
    ///   (`label_owner_kinds`: CloudNativePG's Pooler, Strimzi's KafkaNodePool, a
    ///   Gateway that Envoy Gateway runs), or
    /// - a kind no table mentions at all whose objects carry a pod-like spec: a
    ///   key that sizes or runs pods (`replicas`, `instances`, `image`,
    ///   `resources`, `storage`) in `spec` or just below it.
    ///
    /// A kind any table mentions otherwise (as a holder of selectors, references,
    /// made names, claimed hosts, routes, operator objects) is known for what it
    /// is: ServiceMonitor, Certificate, HTTPRoute, ExternalSecret, KafkaTopic
    /// (whose `replicas` are a topic's) make no pods. A kind no table mentions and
    /// whose spec says nothing of pods (PrometheusRule, a Database) is taken to
    /// make none: a note for every custom resource would bury the few that matter.
    /// ("Selected by nothing" does not tell them apart: the model sees no pods of
    /// such a kind, so nothing in it ever selects them.)
    pub(in super::super) fn unproven(&self, notes: &mut Vec<Note>) {
        let k8s = &self.cfg.k8s;
        let named = |from: &[crate::k8s::refs::KindSel], kind: &str, group: &str| {
            from.iter().any(|k| k.kind != "*" && k.matches(kind, group))
        };
        let mentioned = |kind: &str, group: &str| {
            k8s.selectors.iter().any(|s| named(&s.from, kind, group))
                || k8s.references.iter().any(|r| named(&r.from, kind, group))
                || k8s.produces.iter().any(|r| named(&r.from, kind, group))
                || k8s.host_claims.iter().any(|h| named(&h.from, kind, group))
                || named(&k8s.route_kinds, kind, group)
                || k8s
                    .operator_objects
                    .iter()
                    .any(|o| named(std::slice::from_ref(&o.kind), kind, group))
        };
        let mut kinds: BTreeMap<(&str, &str), (usize, &Place, &'static str)> = BTreeMap::new();
        for o in &self.t.s.objects {
            let (kind, group) = (o.kind.as_str(), o.group.as_str());
            if !k8s.is_custom_group(group)
                || k8s
                    .operator_pods
                    .iter()
                    .any(|p| p.kind.matches(kind, group))
            {
                continue;
            }
            let why = if named(&k8s.label_owner_kinds, kind, group) {
                "a kind known to make pods labelled with its name, whose labels the model does not know (`operator_pods`)"
            } else if o.pod_like && !mentioned(kind, group) {
                "a kind no table knows, whose spec sizes or runs pods (`replicas`, `instances`, `image`, `resources` or `storage`)"
            } else {
                continue;
            };
            kinds
                .entry((kind, group))
                .and_modify(|e| e.0 += 1)
                .or_insert((1, &o.place, why));
        }
        for ((kind, group), (n, place, why)) in kinds {
            notes.push(Note {
                kind: NoteKind::Unproven,
                places: vec![(Side::Tilt, place.clone())],
                what: format!(
                    "{kind}.{group} ({n} in the copy) is {why}: which pods it makes, and whether a selector of either copy selects them, is unproven"
                ),
            });
        }
    }
}
