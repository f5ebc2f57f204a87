//! The namespace model at work: both streams indexed, then compared category
//! by category (docs/isolation.md). Categories 1–4 hold between any two streams
//! (baseline and copy, or two copies); [`derived`] has those judged against
//! the baseline only.

mod derived;

use super::*;

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
    pub(super) fn new(s: &'s Stream) -> Self {
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

pub(super) struct Model<'s> {
    b: Indexed<'s>,
    t: Indexed<'s>,
    /// The configuration, with the suffix the copy was made with (see
    /// [`copy_suffix`]).
    cfg: Cow<'s, Config>,
    sides: &'s Sides,
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

/// The suffix the copy `t` was made with: the one most of its renamed objects
/// carry (`web-tilt-alice` beside the baseline's `web`: `-tilt-alice`), so one
/// `check --baseline` reads every developer's copy, whatever `--suffix` made it.
/// `None` when the configured suffix is as good (or nothing tells).
fn copy_suffix(b: &Indexed<'_>, t: &Stream, cfg: &Config) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    // An object the baseline has under the same name is no renamed one (`db` and
    // `db-headless` in a stream checked against itself say nothing of a suffix).
    for o in t
        .objects
        .iter()
        .filter(|o| !b.ids.contains_key(&(o.kind.as_str(), o.name.as_str())))
    {
        for (i, _) in o.name.match_indices('-') {
            if b.ids.contains_key(&(o.kind.as_str(), &o.name[..i])) {
                *counts.entry(&o.name[i..]).or_default() += 1;
            }
        }
    }
    let configured = counts.get(cfg.suffix.as_str()).copied().unwrap_or(0);
    let (best, n) = counts
        .into_iter()
        .max_by_key(|&(s, n)| (n, std::cmp::Reverse(s)))?;
    (n > configured).then(|| best.to_string())
}

impl<'s> Model<'s> {
    pub(super) fn new(b: &'s Stream, t: &'s Stream, cfg: &'s Config, sides: &'s Sides) -> Self {
        let b = Indexed::new(b);
        let cfg = match copy_suffix(&b, t, cfg) {
            Some(suffix) if sides.baseline => {
                let mut own = cfg.clone();
                own.suffix = suffix;
                Cow::Owned(own)
            }
            _ => Cow::Borrowed(cfg),
        };
        Model {
            b,
            t: Indexed::new(t),
            cfg,
            sides,
        }
    }

    /// 1. The same object identity in both streams.
    pub(super) fn same_objects(&self, out: &mut Vec<Collision>) {
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
    pub(super) fn same_hosts(&self, out: &mut Vec<Collision>) {
        let mut claimed: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, c) in self.b.s.hosts.iter().enumerate() {
            claimed.entry(c.host.as_str()).or_default().push(i);
        }
        // One line per host and pair of documents (an Ingress names a host in its
        // rules and its TLS entry: one claim).
        let mut done = HashSet::new();
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
    pub(super) fn same_made(&self, out: &mut Vec<Collision>) {
        let (b, t) = (&self.b, &self.t);
        let (first, second) = (&self.sides.first, &self.sides.second);
        let mut done = HashSet::new();
        for x in &t.s.made {
            let ns = x.ns.as_deref();
            let theirs = b.makes(&x.kind, ns, &x.name);
            if let Some(&i) = theirs.first()
                && done.insert((x.kind.as_str(), x.name.as_str()))
            {
                let ours = t.makes(&x.kind, ns, &x.name);
                let (bn, tn) = if self.sides.baseline {
                    (Cow::Borrowed("baseline"), Cow::Borrowed("tilt"))
                } else {
                    (
                        Cow::Borrowed(first.as_str()),
                        Cow::Borrowed(second.as_str()),
                    )
                };
                out.push(Collision {
                    rank: 3,
                    baseline: b.s.made[i].place.clone(),
                    tilt: x.place.clone(),
                    what: format!(
                        "same name made at run time {}/{} ({bn}: {}; {tn}: {})",
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
                        "{second} makes {}/{} at run time ({}), which {first} emits",
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
                        "{first} makes {}/{} at run time ({}), which {second} emits",
                        x.kind, x.name, x.how
                    ),
                });
            }
        }
    }

    /// 4. A selector of either side that selects pods or Services of the other
    ///    (`select`).
    ///
    /// The baseline's own empty selector (a NetworkPolicy governing the whole
    /// namespace) selects the copy's pods whatever the copy is called: no
    /// renaming can separate that, so it is a note, not a collision. So is the
    /// baseline's selector that selects pods an operator makes for the copy's
    /// custom resource: its pairs are labels the operator gives both copies'
    /// pods, and only the baseline can narrow it. Between two copies both are
    /// collisions: each copy's selectors are the filter's to narrow.
    pub(super) fn cross_selectors(&self, out: &mut Vec<Collision>, notes: &mut Vec<Note>) {
        let (first, second) = (&self.sides.first, &self.sides.second);
        for u in &self.b.s.selectors {
            let holder = &self.b.s.objects[u.obj];
            let selected = self.t.selected(u, self.b.s);
            if selected.is_empty() {
                continue;
            }
            if u.selector.is_everything() && self.sides.baseline {
                notes.push(Note::controller(
                    vec![(Side::Baseline, u.place.clone())],
                    format!(
                        "the baseline's {}/{} has an empty selector: it governs every pod of the namespace, the copy's too; renaming cannot change that (narrow the baseline's own policy)",
                        holder.kind, holder.name
                    ),
                ));
                continue;
            }
            let mut operator_made = Vec::new();
            for i in selected {
                if self.sides.baseline && u.targets == Targets::Pods && self.t.s.pods[i].by_operator
                {
                    operator_made.push(i);
                    continue;
                }
                out.push(Collision {
                    rank: 4,
                    baseline: u.place.clone(),
                    tilt: self.t.target_place(u.targets, i).clone(),
                    what: format!(
                        "{first}'s {}/{} selector `{}` selects {second}'s {}",
                        holder.kind,
                        holder.name,
                        u.selector.show(),
                        plural(u.targets)
                    ),
                });
            }
            let mut made_for = Vec::new();
            for i in operator_made {
                // One note per resource (an operator makes several pod sets).
                let obj = self.t.s.pods[i].obj;
                if made_for.contains(&obj) {
                    continue;
                }
                made_for.push(obj);
                let owner = &self.t.s.objects[obj];
                let label = self
                    .operator_owner(self.t.s, Targets::Pods, i)
                    .unwrap_or_else(|| "?".into());
                notes.push(Note::controller(
                    vec![
                        (Side::Baseline, u.place.clone()),
                        (Side::Tilt, self.t.s.pods[i].place.clone()),
                    ],
                    format!(
                        "the baseline's {}/{} selector `{}` selects the pods the operator makes for the copy's {}/{}: its pairs are labels the operator gives both copies' pods, and the copy cannot change the baseline's selector (narrow it there with the owner label `{label}`)",
                        holder.kind,
                        holder.name,
                        u.selector.show(),
                        owner.kind,
                        owner.name
                    ),
                ));
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
                        "{second}'s {}/{} selector `{}` selects {first}'s {}",
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
    fn operator_owner(&self, s: &Stream, targets: Targets, i: usize) -> Option<String> {
        if targets != Targets::Pods {
            return None;
        }
        let o = &s.objects[s.pods[i].obj];
        self.cfg
            .k8s
            .operator_pods
            .iter()
            .find(|op| op.kind.matches(&o.kind, &o.group))
            .map(|op| op.owner.clone())
    }

    /// The name the copy gives to an object the baseline calls `name`: what an
    /// operator makes is named after the copy's resource (`db-rw` →
    /// `db-tilt-rw`), anything else gets the suffix. An object of the stream
    /// wins over an operator's, as in the filter.
    fn renamed(&self, kind: &str, name: &str) -> Option<String> {
        if !self.b.ids.contains_key(&(kind, name)) {
            let made = self.b.made.get(&(kind, name)).into_iter().flatten();
            for &i in made {
                let Some(op) = &self.b.s.made[i].operator else {
                    continue;
                };
                let owner = self
                    .b
                    .s
                    .objects
                    .iter()
                    .find(|o| o.kind == op.kind && o.group == op.group && o.name == op.name)
                    .map_or(op.kind.as_str(), |o| o.kind.as_str());
                if let Some(new) = renamed_name(&self.cfg, owner, &op.name).ok().flatten() {
                    return Some(OperatorObjects::fill(&op.pattern, &new));
                }
            }
        }
        renamed_name(&self.cfg, kind, name).ok().flatten()
    }
}
