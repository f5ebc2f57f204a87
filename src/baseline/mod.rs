//! `check --baseline`: can the baseline and the tilt copy run side by side?
//!
//! A model of one namespace built from the two streams alone, independent of how
//! the filter decided: each stream's objects are read ([`read`]), placed in the
//! namespace (an absent `metadata.namespace` is the shared release namespace), and
//! compared. It shares facts with the filter (the Kubernetes tables of
//! [`crate::k8s`], the reading of strings of [`crate::k8s::leftover`]), never the
//! rules' decisions. A collision is a fact the cluster would act on; each has a
//! category ([`Collision::category`]):
//!
//! 1. `object`: the same object identity in both (group, kind, namespace, name;
//!    cluster-scoped kinds regardless of namespace);
//! 2. `host`: a hostname both claim;
//! 3. `made`: a name both make at run time (or one makes and the other emits);
//! 4. `select`: a selector of either side that selects pods (or, for a
//!    ServiceMonitor, Services) of the other. Matching labels, such a selector
//!    has no pair of its own stream: every pair it requires is carried by the
//!    other side's pods too (fixed labels like `app.kubernetes.io/name:
//!    entity-operator`). The pods include those operators make for custom
//!    resources (`operator_pods`). The baseline's selector that catches only
//!    pods an operator makes for the copy's resource is a controller-level note
//!    instead: the copy cannot change it;
//! 5. `reference`: a reference of the copy to an object the baseline has, where
//!    the copy has its own object for it (the reference should have followed the
//!    rename);
//! 6. `lost`: a selector of the copy that selects nothing of the copy although
//!    the baseline's counterpart selects something of the baseline (it lost its
//!    target). docs/isolation.md lists "a selector of the copy that lost its target"
//!    among the collisions that make the exit code 1, so this stays a collision; the
//!    other selectors of the copy that select none of its pods are `note (lost)`;
//! 7. `leftover`: an old name still written in a string of the copy ([`leftovers`],
//!    no table).
//!
//! The line of a collision names its category by its words (`same object`,
//! `same host`, `selects`, `refers to`, `lost its target`, `old name`), as it
//! always has; [`Collision::category`] gives the name for programs.
//!
//! Notes never change the exit code ([`controllers::NoteKind`]): `controller:`
//! for what renaming cannot separate ([`controllers`]); `note (lost)` for a
//! selector of the copy that selects none of the copy's pods where that is no
//! collision; `note (unproven)` for each custom resource kind of the copy whose
//! pods the model cannot model (which kinds, and why: `Model::unproven`).
//!
//! Several copies ([`check_copies`], one per developer): the baseline is checked
//! against each copy as above, and every pair of copies with categories 1–4
//! (and the ports both bind); within a pair the first copy stands where the
//! baseline does, and the lines name both files. References, lost targets and
//! leftovers are judged against the baseline, which both copies derive from.
//!
//! ```text
//! collision: same object Service/web (baseline document 3 (Service/web) line 5 at metadata.name; tilt document 3 (Service/web) line 5 at metadata.name)
//! ```

pub mod controllers;
pub mod leftovers;
pub mod model;
pub mod read;
pub mod selector;

use crate::config::Config;
use crate::error::Error;
use crate::k8s::OperatorObjects;
use crate::plan::renamed_name;
use controllers::{Note, NoteKind};
use model::{Place, SelectorUse, Side, Stream, Targets, same_ns};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// A collision, with its place in each stream.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Collision {
    /// The category (1–7 as in the module docs), for a stable order.
    pub rank: u8,
    pub baseline: Place,
    pub tilt: Place,
    pub what: String,
}

/// The category names, by rank.
pub const CATEGORIES: [&str; 7] = [
    "object",
    "host",
    "made",
    "select",
    "reference",
    "lost",
    "leftover",
];

impl Collision {
    /// The category's name (`object`, `host`, `made`, `select`, `reference`,
    /// `lost`, `leftover`).
    pub fn category(&self) -> &'static str {
        CATEGORIES
            .get(usize::from(self.rank).wrapping_sub(1))
            .copied()
            .unwrap_or("")
    }

    /// The line printed for it, each place named by its stream (`baseline`,
    /// `tilt`, or the copies' file names when several are checked).
    pub fn line(&self, baseline: &str, tilt: &str) -> String {
        format!(
            "collision: {} ({baseline} {}; {tilt} {})",
            self.what, self.baseline, self.tilt
        )
    }
}

impl fmt::Display for Collision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line("baseline", "tilt"))
    }
}

/// What `check --baseline` found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub collisions: Vec<Collision>,
    /// Controller-level, `lost` and `unproven` notes, in that order.
    pub notes: Vec<Note>,
}

/// Reads both streams and compares them. Errors name the stream they come from.
pub fn check_baseline(baseline: &str, tilt: &str, cfg: &Config) -> Result<Report, Error> {
    let b = read::read_stream(baseline, cfg, None).map_err(which("baseline"))?;
    let watch = leftovers::watch_list(&b);
    let t = read::read_stream(tilt, cfg, Some(&watch)).map_err(which("tilt"))?;
    Ok(compare(&b, &t, cfg))
}

/// Prefixes an error's message with the stream it comes from.
fn which(side: &str) -> impl Fn(Error) -> Error + '_ {
    move |mut e: Error| {
        e.message = format!("{side} stream: {}", e.message);
        e
    }
}

/// Two streams checked side by side, and what to call them in lines.
#[derive(Clone, Debug)]
pub struct Pair {
    /// The stream that stands where the baseline does: `baseline`, or a copy's name.
    pub first: String,
    pub second: String,
    pub report: Report,
}

impl Pair {
    /// The pair's collision lines, then its note lines; with `prefix` (several
    /// copies), each line begins with `[first vs second] ` and names the places
    /// by the streams' names instead of `baseline` and `tilt`.
    pub fn lines(&self, prefix: bool) -> (Vec<String>, Vec<String>) {
        let (head, b, t) = if prefix {
            (
                format!("[{} vs {}] ", self.first, self.second),
                self.first.as_str(),
                self.second.as_str(),
            )
        } else {
            (String::new(), "baseline", "tilt")
        };
        (
            self.report
                .collisions
                .iter()
                .map(|c| format!("{head}{}", c.line(b, t)))
                .collect(),
            self.report
                .notes
                .iter()
                .map(|n| format!("{head}{}", n.line(b, t)))
                .collect(),
        )
    }
}

/// `check --baseline BASELINE COPY...`: the baseline against each copy, then every
/// pair of copies (each `(name, text)`), in that order. Errors name the stream.
pub fn check_copies(
    baseline: &str,
    copies: &[(String, &str)],
    cfg: &Config,
) -> Result<Vec<Pair>, Error> {
    let b = read::read_stream(baseline, cfg, None).map_err(which("baseline"))?;
    let watch = leftovers::watch_list(&b);
    let mut read = Vec::with_capacity(copies.len());
    for (name, text) in copies {
        let label = if copies.len() == 1 { "tilt" } else { name };
        read.push(read::read_stream(text, cfg, Some(&watch)).map_err(which(label))?);
    }
    let mut out = Vec::new();
    for ((name, _), t) in copies.iter().zip(&read) {
        out.push(Pair {
            first: "baseline".into(),
            second: name.clone(),
            report: compare(&b, t, cfg),
        });
    }
    for i in 0..read.len() {
        for j in i + 1..read.len() {
            let sides = Sides {
                first: format!("copy {}", copies[i].0),
                second: format!("copy {}", copies[j].0),
                baseline: false,
            };
            out.push(Pair {
                first: copies[i].0.clone(),
                second: copies[j].0.clone(),
                report: compare_copies(&read[i], &read[j], cfg, &sides),
            });
        }
    }
    Ok(out)
}

/// Who stands on each side, for the words of findings.
struct Sides {
    /// `the baseline`, or `copy alice.yaml`.
    first: String,
    /// `the copy`, or `copy bob.yaml`.
    second: String,
    /// The first stream is the baseline (Argo CD's, which no copy can change);
    /// false for two copies.
    baseline: bool,
}

impl Sides {
    fn baseline_and_copy() -> Sides {
        Sides {
            first: "the baseline".into(),
            second: "the copy".into(),
            baseline: true,
        }
    }
}

/// The baseline and one copy in one namespace.
pub fn compare(b: &Stream, t: &Stream, cfg: &Config) -> Report {
    let sides = Sides::baseline_and_copy();
    let m = Model::new(b, t, cfg, &sides);
    let mut collisions = Vec::new();
    m.same_objects(&mut collisions);
    m.same_hosts(&mut collisions);
    m.same_made(&mut collisions);
    let mut notes = controllers::notes(b, t, &cfg.k8s);
    m.cross_selectors(&mut collisions, &mut notes);
    m.stale_references(&mut collisions);
    m.lost_targets(&mut collisions, &mut notes);
    m.leftovers(&mut collisions);
    m.unproven(&mut notes);
    finish(collisions, notes)
}

/// Two copies in one namespace: identities, hosts, made names, selectors, ports.
fn compare_copies(a: &Stream, b: &Stream, cfg: &Config, sides: &Sides) -> Report {
    let m = Model::new(a, b, cfg, sides);
    let mut collisions = Vec::new();
    m.same_objects(&mut collisions);
    m.same_hosts(&mut collisions);
    m.same_made(&mut collisions);
    let mut notes = controllers::between_copies(a, b);
    m.cross_selectors(&mut collisions, &mut notes);
    finish(collisions, notes)
}

fn finish(mut collisions: Vec<Collision>, mut notes: Vec<Note>) -> Report {
    collisions.sort();
    collisions.dedup();
    notes.sort();
    notes.dedup();
    Report { collisions, notes }
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
    fn new(b: &'s Stream, t: &'s Stream, cfg: &'s Config, sides: &'s Sides) -> Self {
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
    fn same_made(&self, out: &mut Vec<Collision>) {
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
    fn cross_selectors(&self, out: &mut Vec<Collision>, notes: &mut Vec<Note>) {
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
    fn lost_targets(&self, out: &mut Vec<Collision>, notes: &mut Vec<Note>) {
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
    fn leftovers(&self, out: &mut Vec<Collision>) {
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
    fn unproven(&self, notes: &mut Vec<Note>) {
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
            r.notes.iter().map(|n| n.what.clone()).collect::<Vec<_>>()
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

    fn report(b: &str, t: &str) -> Report {
        check_baseline(b, t, &Config::default()).unwrap()
    }

    fn leftovers(b: &str, t: &str) -> Vec<String> {
        report(b, t)
            .collisions
            .iter()
            .filter(|c| c.category() == "leftover")
            .map(|c| format!("{} @ {}", c.what, c.tilt.path))
            .collect()
    }

    fn deploy(name: &str, env: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n      - name: web\n        image: web:1\n        env: {env}\n"
        )
    }

    #[test]
    fn an_old_name_in_a_string_is_a_leftover_unless_an_exception_keeps_it() {
        let b = deploy("web", "[]");
        let t = |env: &str| deploy("web-tilt", env);
        let found = leftovers(&b, &t("[{name: DEPLOYMENT_NAME, value: web}]"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("old name `web` left in the copy: it names the baseline's Deployment/web, which the copy has as web-tilt"),
            "{found:?}"
        );
        assert!(found[0].ends_with("env[0].value"), "{found:?}");
        // The container's own name and its image say nothing (named exceptions);
        // a one-word name under a key that names no kind merely equals a name.
        assert!(leftovers(&b, &t("[{name: DB_USER, value: web}]")).is_empty());
        // Inside a text: `KEY=web`, `--deployment web`.
        assert_eq!(
            leftovers(&b, &t("[{name: X, value: 'DEPLOYMENT=web'}]")).len(),
            1
        );
        // A key that names another kind says the word is not this object.
        assert!(leftovers(&b, &t("[{name: WEB_SECRET, value: web}]")).is_empty());
    }

    #[test]
    fn hosts_paths_and_namespaces() {
        let svc = |name: &str| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: apps}}\nspec: {{selector: {{app: {name}}}}}\n"
            )
        };
        let cm = |data: &str| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c-tilt, namespace: apps}}\ndata: {data}\n"
            )
        };
        let b = svc("web-api");
        let t = |data: &str| format!("{}---\n{}", svc("web-api-tilt"), cm(data));
        for (data, n) in [
            ("{URL: 'http://web-api:8080/x'}", 1),
            ("{URL: 'web-api.apps.svc.cluster.local:80'}", 1),
            ("{URL: 'web-api.other.svc:80'}", 0),
            ("{HOST: 'web-api.server'}", 0),
            ("{PATH: '/etc/web-api'}", 0),
            ("{REF: 'apps/web-api'}", 1),
            ("{REF: 'service/web-api'}", 1),
            ("{Q: 'up{job=\"web-api\"}'}", 0),
        ] {
            assert_eq!(leftovers(&b, &t(data)).len(), n, "{data}");
        }
    }

    #[test]
    fn a_secret_value_is_read_and_never_shown() {
        let secret = |name: &str, data: &str| {
            format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}}}\n{data}\n")
        };
        let svc =
            |name: &str| format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n");
        let b = format!("{}---\n{}", svc("web-api"), secret("s", "data: {}"));
        for data in [
            "stringData: {URL: 'http://web-api:80'}",
            // base64 of `http://web-api:80`
            "data: {URL: aHR0cDovL3dlYi1hcGk6ODA=}",
        ] {
            let t = format!("{}---\n{}", svc("web-api-tilt"), secret("s-tilt", data));
            let found: Vec<String> = report(&b, &t)
                .collisions
                .iter()
                .map(|c| c.to_string())
                .collect();
            assert_eq!(found.len(), 1, "{data}: {found:?}");
            assert!(
                found[0].starts_with("collision: old name left in the copy (a Secret value, not shown): it names the baseline's Service/web-api"),
                "{found:?}"
            );
            assert!(
                !found[0].contains("http") && !found[0].contains("aHR0"),
                "{found:?}"
            );
        }
    }

    #[test]
    fn rbac_resource_names_name_the_kinds_of_their_resources() {
        let role = |names: &str| {
            format!(
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: r-tilt}}\nrules: [{{apiGroups: [''], resources: [secrets], resourceNames: [{names}]}}]\n"
            )
        };
        let b = deploy("web-api", "[]");
        let t = format!("{}---\n{}", deploy("web-api-tilt", "[]"), role("web-api"));
        assert!(
            leftovers(&b, &t).is_empty(),
            "a Secret web-api is not the Deployment"
        );
        let s = "apiVersion: v1\nkind: Secret\nmetadata: {name: web-api}\n";
        let t2 = format!("{t}---\n{}", s.replace("web-api", "web-api-tilt"));
        assert_eq!(leftovers(&format!("{b}---\n{s}"), &t2).len(), 1);
    }

    #[test]
    fn a_statefulset_pod_name_is_a_name_of_the_set() {
        let sts = |name: &str, env: &str| {
            format!(
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: {name}}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec: {{containers: [{{name: db, image: db, env: {env}}}]}}\n"
            )
        };
        let found = leftovers(
            &sts("db", "[]"),
            &sts("db-tilt", "[{name: PEER, value: db-0}]"),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains(
                "a pod of the baseline's StatefulSet/db, whose pods the copy has as db-tilt-0"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn a_copy_made_with_another_suffix_is_read_with_it() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\n";
        let b = format!(
            "{}---\n{cm}",
            deploy(
                "web",
                "[{name: A, valueFrom: {configMapKeyRef: {name: web-config, key: a}}}]"
            )
        );
        let t = format!(
            "{}---\n{}",
            deploy(
                "web-tilt-alice",
                "[{name: A, valueFrom: {configMapKeyRef: {name: web-config, key: a}}}]"
            ),
            cm.replace("web-config", "web-config-tilt-alice")
        );
        let r = report(&b, &t);
        let found: Vec<&str> = r.collisions.iter().map(|c| c.what.as_str()).collect();
        assert_eq!(
            found,
            [
                "the copy refers to the baseline's ConfigMap/web-config although it has its own ConfigMap/web-config-tilt-alice"
            ]
        );
    }

    #[test]
    fn a_stream_against_itself_has_no_suffix_and_no_old_names() {
        let svc = |name: &str| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{ports: [{{port: 80}}]}}\n"
            )
        };
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {URL: 'http://db:80', H: 'db-headless'}\n";
        let s = [svc("db"), svc("db-headless"), cm.to_string()].join("---\n");
        let r = report(&s, &s);
        let found: Vec<&str> = r.collisions.iter().map(|c| c.category()).collect();
        assert_eq!(found, ["object", "object", "object"]);
    }

    #[test]
    fn custom_resources_whose_pods_the_model_cannot_see_are_unproven() {
        let cr = |api: &str, kind: &str, spec: &str| {
            format!("apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x-tilt}}\nspec: {spec}\n")
        };
        let unproven = |t: &str| -> Vec<String> {
            report("", t)
                .notes
                .iter()
                .filter(|n| n.kind == NoteKind::Unproven)
                .map(|n| n.what.clone())
                .collect()
        };
        // Known to make pods, labels unknown (a Gateway's data plane).
        assert_eq!(
            unproven(&cr(
                "gateway.networking.k8s.io/v1",
                "Gateway",
                "{gatewayClassName: eg}"
            ))
            .len(),
            1
        );
        // Unknown to every table, with a pod-like spec.
        let found = unproven(&cr("example.com/v1", "Widget", "{server: {replicas: 2}}"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("Widget.example.com (1 in the copy)"),
            "{found:?}"
        );
        // Known for what they are, or saying nothing of pods; modelled operators.
        for (api, kind, spec) in [
            (
                "monitoring.coreos.com/v1",
                "ServiceMonitor",
                "{selector: {}}",
            ),
            ("cert-manager.io/v1", "Certificate", "{secretName: s}"),
            ("kafka.strimzi.io/v1beta2", "KafkaTopic", "{replicas: 3}"),
            ("monitoring.coreos.com/v1", "PrometheusRule", "{groups: []}"),
            ("monitoring.coreos.com/v1", "Prometheus", "{replicas: 1}"),
            ("apps/v1", "Deployment", "{replicas: 1}"),
        ] {
            assert!(unproven(&cr(api, kind, spec)).is_empty(), "{kind}");
        }
    }

    #[test]
    fn a_copy_selector_without_a_counterpart_that_selects_nothing_is_a_lost_note() {
        let np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: extra-tilt}\nspec: {podSelector: {matchLabels: {app: gone-tilt}}}\n";
        let r = report("", np);
        assert!(r.collisions.is_empty());
        assert_eq!(r.notes.len(), 1);
        assert_eq!(r.notes[0].kind, NoteKind::Lost);
        assert!(r.notes[0].to_string().starts_with("note (lost): the copy's NetworkPolicy/extra-tilt selector `app=gone-tilt` selects no pods of the copy"));
    }

    #[test]
    fn the_baselines_selector_on_the_copys_operator_pods_is_a_note() {
        let prom = |name: &str| {
            format!(
                "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {{name: {name}}}\nspec: {{replicas: 1}}\n"
            )
        };
        let svc = |name: &str, sel: &str| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{selector: {sel}}}\n"
            )
        };
        let fixed = "{app.kubernetes.io/name: prometheus}";
        let b = format!("{}---\n{}", prom("p"), svc("p", fixed));
        let t = format!(
            "{}---\n{}",
            prom("p-tilt"),
            svc("p-tilt", "{prometheus: p-tilt}")
        );
        let r = report(&b, &t);
        assert!(r.collisions.is_empty(), "{:?}", r.collisions);
        let notes: Vec<String> = r.notes.iter().map(|n| n.to_string()).collect();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("controller: the baseline's Service/p selector `app.kubernetes.io/name=prometheus` selects the pods the operator makes for the copy's Prometheus/p-tilt"), "{notes:?}");
        // The copy's own fixed-label selector is the copy's to narrow: a collision.
        let t = format!("{}---\n{}", prom("p-tilt"), svc("p-tilt", fixed));
        let r = report(
            &format!("{}---\n{}", prom("p"), svc("p", "{prometheus: p}")),
            &t,
        );
        let found: Vec<&str> = r.collisions.iter().map(|c| c.category()).collect();
        assert_eq!(found, ["select"]);
    }
}
