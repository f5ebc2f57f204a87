//! The stream index: what the whole stream emits, built from every document's
//! plan between the two phases, for the rules that look across documents —
//! which objects are emitted and under which names, which label pairs rule 3
//! isolates ([`LabelFate`]), the pods operators make, and the old names rule 11
//! looks for.

use crate::config::Config;
use crate::k8s::{Part, Selects, join_parts};
use crate::plan::{DocPlan, LabelOcc, Status, ns_compatible, renamed_name};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Where emitted objects of one (kind, name) live: (group or kind, namespace).
type Homes<'p> = Vec<(&'p str, Option<&'p str>)>;

/// What the whole stream emits, for the rules that look across documents.
pub struct StreamIndex<'p> {
    cfg: &'p Config,
    /// (kind, name) → (group, namespace) of every emitted object.
    objects: HashMap<(&'p str, &'p str), Homes<'p>>,
    /// (plural, name) → (kind, namespace), for RBAC resourceNames.
    plurals: HashMap<(String, &'p str), Homes<'p>>,
    /// What becomes of each label pair that appears in a selector (rule 3).
    pub labels: HashMap<(&'p str, &'p str), LabelFate<'p>>,
    /// Name → kind of the objects whose pods may carry their name (rule 3).
    pub label_owners: HashMap<&'p str, &'p str>,
    /// Every set of pods an operator makes for a custom resource of the stream.
    pub pod_sets: Vec<OperatorPodSet<'p>>,
    /// The pair every pod template of the copy carries, isolated (rule 3), or why
    /// there is none. An `Err` leaves an empty NetworkPolicy podSelector as it is
    /// (`-v` says so); `check --baseline` is the place to report that policy as
    /// governing the baseline's pods (docs/rules.md#rule-3).
    pub narrow: Result<(&'p str, String), &'static str>,
    /// The labels of the baseline's pods that the stream shows (every pod
    /// template of an object not already named as a copy, emitted or not): what
    /// a selector of the copy must not select (rule 3).
    pub baseline_pods: Vec<Vec<(&'p str, String)>>,
    /// Hostnames the stream claims (rule 4), for rule 9a.
    pub hosts: HashSet<&'p str>,
    /// Service name → namespace, for rule 9b.
    pub services: HashMap<&'p str, Vec<Option<&'p str>>>,
    /// (kind, name) of what operators make for the stream's custom resources →
    /// the name the copy's resource makes instead (rule 10).
    made_by_operator: HashMap<(&'p str, &'p str), Option<&'p str>>,
    /// Lengths (capped at 255) that a host or a Service name has: rule 9 looks at
    /// every word of every string, and most words can be ruled out by length alone.
    pub host_lens: LenSet,
    pub service_lens: LenSet,
    /// Old name → every object the copy renames from it (rule 11), with lengths.
    pub old_names: HashMap<&'p str, Vec<OldName<'p>>>,
    pub old_lens: LenSet,
    /// (first byte, length) and (last byte, length) of the old names: most words
    /// are ruled out by these before any hashing.
    pub old_shapes: WordShapes,
    /// Every namespace the stream names.
    pub namespaces: HashSet<&'p str>,
    /// Every kind the stream emits, as written: what a key may name.
    pub kinds: HashSet<String>,
}

/// An object of the stream (or a name it or its operator makes) that the copy
/// renames: its old name is what rule 11 looks for.
#[derive(Clone, Debug)]
pub struct OldName<'p> {
    pub kind: &'p str,
    pub ns: Option<&'p str>,
    pub new: String,
}

/// The first and last byte of a set of words, each with the word's length (64
/// and more share a slot): a two-bit test before a hash lookup.
#[derive(Clone, Debug)]
pub struct WordShapes {
    first: Vec<u64>,
    last: Vec<u64>,
}

impl Default for WordShapes {
    fn default() -> Self {
        WordShapes {
            first: vec![0; 256],
            last: vec![0; 256],
        }
    }
}

impl WordShapes {
    fn bit(len: usize) -> u64 {
        1 << len.min(63)
    }

    pub fn insert(&mut self, w: &[u8]) {
        if let (Some(&f), Some(&l)) = (w.first(), w.last()) {
            self.first[usize::from(f)] |= Self::bit(w.len());
            self.last[usize::from(l)] |= Self::bit(w.len());
        }
    }

    pub fn may_contain(&self, w: &[u8]) -> bool {
        match (w.first(), w.last()) {
            (Some(&f), Some(&l)) => {
                self.first[usize::from(f)] & Self::bit(w.len()) != 0
                    && self.last[usize::from(l)] & Self::bit(w.len()) != 0
            }
            _ => false,
        }
    }
}

/// A set of string lengths; lengths of 255 and more share one slot.
#[derive(Clone, Debug)]
pub struct LenSet([bool; 256]);

impl Default for LenSet {
    fn default() -> Self {
        LenSet([false; 256])
    }
}

impl LenSet {
    pub fn insert(&mut self, len: usize) {
        self.0[len.min(255)] = true;
    }

    pub fn contains(&self, len: usize) -> bool {
        self.0[len.min(255)]
    }
}

impl<'p> StreamIndex<'p> {
    pub fn build(plans: &'p [DocPlan<'_>], cfg: &'p Config) -> Self {
        let mut idx = StreamIndex {
            cfg,
            objects: HashMap::new(),
            plurals: HashMap::new(),
            labels: HashMap::new(),
            label_owners: HashMap::new(),
            pod_sets: Vec::new(),
            narrow: Err(""),
            baseline_pods: Vec::new(),
            hosts: HashSet::new(),
            services: HashMap::new(),
            made_by_operator: HashMap::new(),
            host_lens: LenSet::default(),
            service_lens: LenSet::default(),
            old_names: HashMap::new(),
            old_lens: LenSet::default(),
            old_shapes: WordShapes::default(),
            namespaces: HashSet::new(),
            kinds: HashSet::new(),
        };
        for p in plans.iter().filter(|p| p.status == Status::Object) {
            let ns = p.ns.as_deref();
            for name in p.other_names.iter().chain(&p.name).map(Cow::as_ref) {
                idx.add_object(&p.kind, p.group(), ns, name);
                if p.kind == "Service" && p.group().is_empty() {
                    idx.add_service(ns, name);
                }
            }
            // What the object makes at run time counts as emitted (rule 10).
            for c in &p.made.names {
                let group = c.group.as_deref().unwrap_or("");
                idx.add_object(&c.kind, group, c.ns.as_deref().or(ns), &c.leaf.value);
            }
            if cfg.string_refs {
                for h in &p.hosts {
                    idx.hosts.insert(h.as_ref());
                    idx.host_lens.insert(h.len());
                }
            }
        }
        // What operators make counts as emitted too, unless the stream holds an
        // object of that identity itself.
        for p in plans.iter().filter(|p| p.status == Status::Object) {
            let ns = p.ns.as_deref();
            for m in &p.made.by_operator {
                let id = (m.kind.as_str(), m.name.as_str());
                if idx.objects.contains_key(&id) && !idx.made_by_operator.contains_key(&id) {
                    continue;
                }
                idx.made_by_operator.insert(id, m.new.as_deref());
                idx.add_object(&m.kind, "", ns, &m.name);
                if m.kind == "Service" {
                    idx.add_service(ns, &m.name);
                }
            }
        }
        idx.old_names(plans);
        let fated = label_fates(plans, cfg);
        (idx.labels, idx.label_owners, idx.pod_sets) = (fated.fates, fated.owners, fated.pod_sets);
        idx.narrow = narrowing_pair(plans, cfg, &idx.labels);
        idx.baseline_pods = plans
            .iter()
            .filter(|p| {
                matches!(p.status, Status::Object | Status::Shared) && p.selectors.pod_template
            })
            .filter(|p| !p.named_as_copy(cfg))
            .map(|p| p.labels_kept(false))
            .collect();
        idx
    }

    /// Rule 11's index: every name the copy changes, by its old name.
    fn old_names(&mut self, plans: &'p [DocPlan<'_>]) {
        let add = |idx: &mut Self, kind: &'p str, ns: Option<&'p str>, old: &'p str| {
            if let Ok(Some(new)) = idx.renamed(kind, old) {
                let list = idx.old_names.entry(old).or_default();
                if !list.iter().any(|o| o.kind == kind && o.ns == ns) {
                    list.push(OldName { kind, ns, new });
                }
                idx.old_lens.insert(old.len());
                idx.old_shapes.insert(old.as_bytes());
            }
        };
        for p in plans.iter().filter(|p| p.status == Status::Object) {
            let ns = p.ns.as_deref();
            if let Some(n) = ns {
                self.namespaces.insert(n);
            }
            self.kinds.insert(p.kind.to_string());
            for name in p.other_names.iter().chain(&p.name).map(Cow::as_ref) {
                add(self, &p.kind, ns, name);
            }
            for c in &p.made.names {
                add(self, &c.kind, c.ns.as_deref().or(ns), &c.leaf.value);
            }
            for m in &p.made.by_operator {
                add(self, &m.kind, ns, &m.name);
            }
        }
    }

    /// Counts `kind`/`name` as emitted in `ns`, also under its RBAC plural.
    fn add_object(&mut self, kind: &'p str, group: &'p str, ns: Option<&'p str>, name: &'p str) {
        self.objects
            .entry((kind, name))
            .or_default()
            .push((group, ns));
        self.plurals
            .entry((self.cfg.k8s.plural(kind), name))
            .or_default()
            .push((kind, ns));
    }

    /// A core Service of the stream, for rule 9b.
    fn add_service(&mut self, ns: Option<&'p str>, name: &'p str) {
        self.services.entry(name).or_default().push(ns);
        self.service_lens.insert(name.len());
    }

    /// The name the copy gives to `kind`/`name`, an object of the stream or one an
    /// operator makes for a custom resource of it (then named after the copy's
    /// resource: `db-rw` → `db-tilt-rw`). `Ok(None)`: it keeps its name; `Err`:
    /// too long (see [`renamed_name`]).
    pub fn renamed(&self, kind: &str, name: &str) -> Result<Option<String>, usize> {
        match self.made_by_operator.get(&(kind, name)) {
            Some(new) => Ok(new.filter(|n| *n != name).map(str::to_string)),
            None => renamed_name(self.cfg, kind, name),
        }
    }

    /// Is an object of `kind` named `name` emitted in a namespace compatible with
    /// `ns`? An absent namespace means "the release namespace", which matches any.
    pub fn emits(&self, kind: &str, group: Option<&str>, ns: Option<&str>, name: &str) -> bool {
        let cluster = self.cfg.k8s.is_cluster_scoped(kind);
        self.objects.get(&(kind, name)).is_some_and(|v| {
            v.iter().any(|(g, n)| {
                group.is_none_or(|want| want == *g) && (cluster || ns_compatible(ns, *n))
            })
        })
    }

    /// The kind of an emitted object that RBAC names as `plural`/`name`.
    pub fn emits_plural(&self, plural: &str, ns: Option<&str>, name: &str) -> Option<&'p str> {
        self.plurals
            .get(&(plural.to_string(), name))?
            .iter()
            .find(|(k, n)| self.cfg.k8s.is_cluster_scoped(k) || ns_compatible(ns, *n))
            .map(|(k, _)| *k)
    }
}

/// What rule 3 does with a label pair that a selector of the stream uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelFate<'p> {
    /// Something of the stream that a selector of it can select carries it: the
    /// value gets the suffix everywhere.
    Isolate,
    /// Nothing of the stream carries it, but the pods an object of the stream
    /// makes do, with a value made from the object's name: its name itself (an
    /// operator's custom resource), a value an operator makes from it
    /// (`strimzi.io/name: <kafka>-entity-operator`, `operator_pods`) or a pod's
    /// name `<set>-<ordinal>` (`pod_name_labels`). The value follows that
    /// object's rename (`Err`: the new value's length, over the label value
    /// limit).
    Owner {
        kind: &'p str,
        name: &'p str,
        new: Result<String, usize>,
    },
    /// Nothing of the stream carries it: it selects something outside the stream
    /// and stays as it is.
    Shared,
}

/// Rule 3's decision for every selected pair (see [`LabelFate`]). A pair isolated
/// by one selector is isolated everywhere, so every selector stays consistent with
/// the pod templates and labels it meets.
type Fates<'p> = HashMap<(&'p str, &'p str), LabelFate<'p>>;

/// What [`label_fates`] finds.
struct Fated<'p> {
    fates: Fates<'p>,
    /// Name → kind of the objects whose pods may carry their name.
    owners: HashMap<&'p str, &'p str>,
    pod_sets: Vec<OperatorPodSet<'p>>,
}

/// A set of pods an operator makes for a custom resource of the stream
/// (`operator_pods`): what a pod selector of rule 3 may select although no pod
/// template of the stream carries its labels.
#[derive(Debug)]
pub struct OperatorPodSet<'p> {
    /// The resource that makes them.
    pub kind: &'p str,
    pub name: &'p str,
    /// The labels the baseline's such pods carry.
    pub labels: Vec<(&'p str, String)>,
    /// The owner label, and its value on the copy's such pods (`Err`: that
    /// value's length, over the label value limit).
    pub owner: (&'p str, Result<String, usize>),
}

fn label_fates<'p>(plans: &'p [DocPlan<'_>], cfg: &Config) -> Fated<'p> {
    let k8s = &cfg.k8s;
    let objects = || plans.iter().filter(|p| p.status == Status::Object);
    let pair = |o: &'p LabelOcc<'_>| (o.key.as_ref(), o.value.value.as_ref());
    let mut pods: HashSet<(&str, &str)> = HashSet::new();
    // (kind, key, value) → groups of the objects of that kind carrying the pair.
    let mut carried: HashMap<(&str, &str, &str), Vec<&str>> = HashMap::new();
    // name → (rank, kind) of the object that may label its pods with it: the best
    // ranked, then the first in the stream.
    let mut owners: HashMap<&str, (u8, &str)> = HashMap::new();
    // (pod name label, controller's name) → its kind (`pod_name_labels`).
    let mut controllers: HashMap<(&str, &str), &str> = HashMap::new();
    for p in objects() {
        for o in &p.selectors.labels {
            let (k, v) = pair(o);
            if o.pod {
                pods.insert((k, v));
            }
            if o.object {
                carried.entry((&p.kind, k, v)).or_default().push(p.group());
            }
        }
        let Some(name) = p.name.as_deref() else {
            continue;
        };
        if let Some(rank) = k8s.label_owner_rank(&p.kind, p.group()) {
            let best = owners.entry(name).or_insert((rank, &p.kind));
            if rank < best.0 {
                *best = (rank, &p.kind);
            }
        }
        for (label, kind) in &k8s.pod_name_labels {
            if kind.matches(&p.kind, p.group()) {
                controllers.entry((label.as_str(), name)).or_insert(&p.kind);
            }
        }
    }
    let mut fates = HashMap::new();
    // The selectors of what a partial copy leaves to the baseline count too: the
    // baseline runs them, so a pair they select that a pod of the copy carries
    // is isolated, or they would select the copy's pods.
    let selecting = plans
        .iter()
        .filter(|p| matches!(p.status, Status::Object | Status::Shared));
    for p in selecting {
        for o in &p.selectors.labels {
            let Some(sel) = o.selects.map(|i| &k8s.selectors[i]) else {
                continue;
            };
            let (k, v) = pair(o);
            let is_carried = match &sel.selects {
                Selects::Pods => pods.contains(&(k, v)),
                Selects::Kind(want) => carried
                    .get(&(want.kind.as_str(), k, v))
                    .is_some_and(|gs| gs.iter().any(|g| want.matches(&want.kind, g))),
            };
            let fate = fates.entry((k, v)).or_insert(LabelFate::Shared);
            if is_carried {
                *fate = LabelFate::Isolate;
            }
        }
    }
    // What a name of the stream becomes in the copy (a name no owner of the
    // stream has stays).
    let limit = k8s.label_value_limit;
    let within = |n: String| if n.len() > limit { Err(n.len()) } else { Ok(n) };
    let copy_of = |v: &str| -> Result<String, usize> {
        match owners.get(v) {
            Some(&(_, kind)) => {
                renamed_name(cfg, kind, v).map(|n| n.unwrap_or_else(|| v.to_string()))
            }
            None => Ok(v.to_string()),
        }
    };
    // In a pod set of resource `own`, a name other than its own (`{label:…}`,
    // `{field:…}`: the Kafka a KafkaNodePool belongs to, a Pooler's Cluster) is
    // a reference: the copy's pods carry it renamed exactly when rule 2 follows
    // that reference, i.e. when an object of the kind (and group) the reference
    // names has that name in the stream. Anything else of that name (a Kafka
    // `db` beside a Pooler of Cluster `db`) is not what the operator names.
    let follows = |p: &DocPlan<'_>, n: &str| {
        p.refs.iter().any(|c| {
            !c.plural
                && c.leaf.value == n
                && objects().any(|q| {
                    q.name.as_deref() == Some(n)
                        && q.kind == c.kind
                        && c.group.as_deref().is_none_or(|g| g.trim() == q.group())
                })
        })
    };
    let copy_value = |p: &DocPlan<'_>, parts: &[Part], own: &str| -> Result<String, usize> {
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Name(n) if n != own && !follows(p, n) => out.push_str(n),
                Part::Name(n) => out.push_str(&copy_of(n)?),
            }
        }
        within(out)
    };
    // The pods operators make: their labels, and the values made from a name
    // that the copy's pods carry instead ((key, baseline value) → the fate of
    // that pair where a selector uses it and nothing of the stream carries it).
    let mut pod_sets = Vec::new();
    let mut made: HashMap<(&str, String), LabelFate<'p>> = HashMap::new();
    for p in objects() {
        let Some(name) = p.name.as_deref() else {
            continue;
        };
        for set in &p.selectors.pod_sets {
            let labels: Vec<(&str, String)> = set
                .labels
                .iter()
                .map(|(k, parts)| (k.as_str(), join_parts(parts, Cow::Borrowed)))
                .collect();
            for ((k, parts), (_, value)) in set.labels.iter().zip(&labels) {
                let named = parts.iter().find_map(|part| match part {
                    Part::Name(n) => owners.get(n.as_str()).map(|&(_, kind)| (kind, n.as_str())),
                    Part::Text(_) => None,
                });
                if let Some((kind, n)) = named {
                    made.entry((k.as_str(), value.clone()))
                        .or_insert_with(|| LabelFate::Owner {
                            kind,
                            name: n,
                            new: copy_value(p, parts, name),
                        });
                }
            }
            let (owner_key, owner_parts) = &set.labels[set.owner];
            pod_sets.push(OperatorPodSet {
                kind: &p.kind,
                name,
                labels,
                owner: (owner_key.as_str(), copy_value(p, owner_parts, name)),
            });
        }
    }
    for (&(k, v), fate) in fates.iter_mut() {
        if *fate != LabelFate::Shared {
            continue;
        }
        // A pod's name `<set>-<ordinal>`, given by its controller.
        let ordinal = v
            .rsplit_once('-')
            .filter(|(_, n)| is_ordinal(n))
            .and_then(|(set, n)| Some((*controllers.get(&(k, set))?, set, n)));
        *fate = if let Some((kind, set, n)) = ordinal {
            let new = renamed_name(cfg, kind, set)
                .map(|r| format!("{}-{n}", r.as_deref().unwrap_or(set)))
                .and_then(within);
            LabelFate::Owner {
                kind,
                name: set,
                new,
            }
        } else if let Some(owned) = made.get(&(k, v.to_string())) {
            // What an operator's table says its pods carry under this very key
            // outranks a guess from a name alone: a Pooler of a Cluster outside
            // the stream labels its pods with that Cluster's name, unrenamed,
            // whatever else of the stream shares the name.
            owned.clone()
        } else if let Some(&(_, kind)) = owners.get(v) {
            let new = renamed_name(cfg, kind, v)
                .map(|n| n.unwrap_or_else(|| v.to_string()))
                .and_then(within);
            LabelFate::Owner { kind, name: v, new }
        } else {
            continue;
        };
    }
    let owners = owners.into_iter().map(|(n, (_, k))| (n, k)).collect();
    Fated {
        fates,
        owners,
        pod_sets,
    }
}

/// A StatefulSet's ordinal as its pods' names write it: decimal, no leading zero.
fn is_ordinal(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'))
}

/// The value a label pair has in the copy, by its fate (`None`: unchanged, or
/// refused; rule 3 says why).
pub fn label_value_in_copy(
    cfg: &Config,
    fate: Option<&LabelFate<'_>>,
    value: &str,
) -> Option<String> {
    use crate::names::{Suffixed, suffixed};
    match fate? {
        LabelFate::Isolate => match suffixed(
            value,
            &cfg.suffix,
            cfg.k8s.label_value_limit,
            !cfg.strict_names,
        ) {
            Suffixed::Appended(s) | Suffixed::Shortened(s) => Some(s),
            Suffixed::Unchanged | Suffixed::TooLong(_) => None,
        },
        LabelFate::Owner { new: Ok(n), .. } if n != value => Some(n.clone()),
        LabelFate::Owner { .. } | LabelFate::Shared => None,
    }
}

/// Why no pair narrows: the stream has no pods of its own.
pub const NO_POD_TEMPLATE: &str = "the stream has no pod template";

/// The pair that narrows an empty NetworkPolicy podSelector to the copy's pods:
/// one that every pod template of the stream carries after rule 3 with a value
/// that ends with the suffix (a pair without it would select the baseline's pods
/// too). The first of `narrow_keys` that qualifies, else the first qualifying pair
/// of the first pod template.
fn narrowing_pair<'p>(
    plans: &'p [DocPlan<'_>],
    cfg: &Config,
    fates: &HashMap<(&'p str, &'p str), LabelFate<'p>>,
) -> Result<(&'p str, String), &'static str> {
    let mut common: Option<Vec<(&'p str, String)>> = None;
    for p in plans
        .iter()
        .filter(|p| p.status == Status::Object && p.selectors.pod_template)
    {
        // The pod's labels as Kubernetes keeps them: of a repeated key, the last.
        let mut pod_labels: Vec<(&'p str, &'p str)> = Vec::new();
        for o in p.selectors.labels.iter().filter(|o| o.pod) {
            let (k, v) = (o.key.as_ref(), o.value.value.as_ref());
            pod_labels.retain(|(key, _)| *key != k);
            pod_labels.push((k, v));
        }
        let here: Vec<(&'p str, String)> = pod_labels
            .into_iter()
            .map(|(k, v)| {
                let new = label_value_in_copy(cfg, fates.get(&(k, v)), v);
                (k, new.unwrap_or_else(|| v.to_string()))
            })
            .filter(|(_, v)| v.ends_with(&cfg.suffix))
            .collect();
        common = Some(match common {
            None => here,
            Some(c) => c.into_iter().filter(|x| here.contains(x)).collect(),
        });
    }
    let Some(common) = common else {
        return Err(NO_POD_TEMPLATE);
    };
    cfg.k8s
        .narrow_keys
        .iter()
        .find_map(|k| common.iter().find(|(key, _)| key == k))
        .or(common.first())
        .cloned()
        .ok_or("no label pair with the suffix is carried by every pod template of the copy")
}
