//! A partial copy (`--fork`, docs/fork.md): only the
//! chosen workloads and what exists for them are emitted; everything else stays
//! the baseline's, and the copy uses it by its baseline name.
//!
//! ```text
//! --fork web        Deployment/web                 chosen
//!                   Service/web                    serves Deployment/web
//!                   HTTPRoute/web                  routes to Service/web
//!                   Certificate/web                covers web.dev.ameide.io, claimed by HTTPRoute/web
//!                   PodDisruptionBudget/web        selects the pods of Deployment/web
//!                   ConfigMap/web                  mounted by Deployment/web
//!                   Deployment/worker, Service/db, Secret/*, ServiceAccount/*, RBAC   the baseline's
//! ```
//!
//! The choice is made between the two phases of the pipeline, from what phase 1
//! read: a document that is not forked leaves the stream like one the baseline
//! owns, so rule 2 keeps every reference to it as it is (the copy reads the
//! baseline's database Service, Secrets and ServiceAccount), rule 3 isolates only
//! the pairs the copy's own selectors use, and rule 11 looks only for the names
//! the copy changes. A document the filter would refuse counts only when it is
//! forked.
//!
//! What comes along, and why (each reported by `-v`; `docs/fork.md` for users):
//! - what the chosen pods use to keep state or configuration: the ConfigMaps and
//!   PersistentVolumeClaims their workload references;
//! - what selects the chosen pods (a Service, PodDisruptionBudget, PodMonitor,
//!   NetworkPolicy's `podSelector`: the `selectors:` table), and what selects
//!   those Services (a ServiceMonitor); not for a Job's pods, which serve nothing;
//! - what refers to anything forked (a route or Ingress to a forked Service, an
//!   HPA's `scaleTargetRef`, a policy's `targetRef`), found by the same
//!   reference table and shapes as rule 2, and only where rule 2 would follow;
//! - every route or Ingress for a host a forked one claims;
//! - the Certificates those hosts need: one that makes a Secret a forked object
//!   reads (an Ingress's `tls[].secretName`), or describes a host one claims;
//! - the resources an operator makes one group of pods from (a KafkaNodePool and
//!   its Kafka: a pod set that carries the other's name);
//! - a Role whose `resourceNames` name what the copy renames, and its
//!   RoleBindings (else the copy could not use its own Lease).
//!
//! Never through these links: another workload (it is forked only when chosen,
//! so a Service that selects chosen and other pods is forked and, by rule 3,
//! selects only the copy's), Secrets, ServiceAccounts and other RBAC (the copy
//! reuses the baseline's), Helm hooks (forked only when named by `KIND/NAME`),
//! cluster-scoped objects (a copy would act on the baseline's requests too), a
//! Gateway, and a selector that selects every pod (the baseline's already
//! governs the copy's pods).

use crate::config::{Config, ForkSel};
use crate::error::{Class, Error};
use crate::k8s::refs::walk;
use crate::k8s::{Selects, join_parts};
use crate::plan::{DocOut, DocPlan, ForkFacts, Requirement, Status, ns_compatible, renamed_name};
use crate::rules::contract::PlanCx;
use std::borrow::Cow;
use std::collections::HashMap;

/// Phase 1, with `--fork` only: what the choice needs beyond what the rules read.
pub fn read_facts<'a>(cx: &PlanCx<'_, 'a>, plan: &mut DocPlan<'a>) {
    let (doc, root, k8s) = (cx.doc, cx.root, &cx.cfg.k8s);
    let mut facts = ForkFacts {
        hook: doc
            .get(cx.metadata, "annotations")
            .filter(|&a| doc.is_map(a))
            .is_some_and(|a| doc.get(a, "helm.sh/hook").is_some()),
        ..ForkFacts::default()
    };
    let text = |id| (doc.is_scalar(id) && !doc.is_null(id)).then(|| doc.node(id).value.clone());
    for id in 0..doc.nodes.len() {
        if !doc.is_map(id) {
            continue;
        }
        for (k, v) in doc.pairs(id) {
            if !matches!(doc.str(k), Some("image" | "imageName")) {
                continue;
            }
            // `image: {repository: r, tag: t}` (operator resources) reads `r:t`.
            let image = if doc.is_map(v) {
                doc.get(v, "repository").and_then(text).map(|r| {
                    match doc.get(v, "tag").and_then(text) {
                        Some(t) => Cow::Owned(format!("{r}:{t}")),
                        None => r,
                    }
                })
            } else {
                text(v)
            };
            facts.images.extend(image);
        }
    }
    let mut found = Vec::new();
    for rule in k8s
        .host_claims
        .iter()
        .filter(|r| !r.claims && r.from.iter().any(|k| k.matches(&plan.kind, plan.group())))
    {
        found.clear();
        walk(doc, root, &rule.path, root, &mut found);
        facts
            .described
            .extend(found.iter().filter_map(|f| text(f.leaf)));
    }
    for (i, sel) in k8s.selectors.iter().enumerate() {
        if !matches!(sel.selects, Selects::Kind(_))
            || !sel.from.iter().any(|f| f.matches(&plan.kind, plan.group()))
        {
            continue;
        }
        let keys: Vec<&str> = sel.path.iter().map(String::as_str).collect();
        if let Some(node) = doc.path(root, &keys).filter(|&n| doc.is_map(n))
            && let Some(ps) = crate::rules::selectors::pod_selector(cx, node, sel.form)
        {
            facts.kind_selectors.push((i, ps.reqs));
        }
    }
    plan.fork = facts;
}

/// Does `glob` (`*` any run of characters, `?` one) match all of `text`?
pub fn glob_matches(glob: &str, text: &str) -> bool {
    let (g, t) = (glob.as_bytes(), text.as_bytes());
    let (mut gi, mut ti) = (0, 0);
    // The last `*` seen, and where in the text its run would end next.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match g.get(gi) {
            Some(b'*') => {
                star = Some((gi, ti));
                gi += 1;
            }
            Some(&c) if c == b'?' || c == t[ti] => {
                gi += 1;
                ti += 1;
            }
            _ => match star {
                Some((s, end)) => {
                    gi = s + 1;
                    ti = end + 1;
                    star = Some((s, end + 1));
                }
                None => return false,
            },
        }
    }
    g[gi..].iter().all(|&c| c == b'*')
}

/// A workload: it makes pods, by a pod template or through an operator.
pub fn is_workload(p: &DocPlan<'_>) -> bool {
    p.selectors.pod_template || !p.selectors.pod_sets.is_empty()
}

/// Does `sel` choose `p`? A name matches the baseline's name or the copy's (a
/// second run, on a partial copy, chooses what the first did).
fn selects(sel: &ForkSel, p: &DocPlan<'_>, cfg: &Config) -> bool {
    let named = |n: &str| {
        let copy = renamed_name(cfg, &p.kind, n).ok().flatten();
        p.other_names
            .iter()
            .chain(&p.name)
            .any(|o| o == n || copy.as_deref() == Some(o.as_ref()))
    };
    match sel {
        ForkSel::Object(k, n) => {
            (k.kind.eq_ignore_ascii_case(&p.kind)
                || k.kind.eq_ignore_ascii_case(&cfg.k8s.plural(&p.kind)))
                && k.group
                    .as_deref()
                    .is_none_or(|g| g.eq_ignore_ascii_case(p.group()))
                && named(n)
        }
        // A hook runs once per install or upgrade: forked only when named with
        // its kind.
        ForkSel::Name(n) => is_workload(p) && !p.fork.hook && named(n),
        ForkSel::Image(g) => {
            is_workload(p) && !p.fork.hook && p.fork.images.iter().any(|i| glob_matches(g, i))
        }
    }
}

/// A workload whose pods run to completion.
fn completes(p: &DocPlan<'_>) -> bool {
    p.group() == "batch" && matches!(p.kind.as_ref(), "Job" | "CronJob")
}

/// Kinds a partial copy never forks unless chosen: it reuses the baseline's.
fn reused(p: &DocPlan<'_>) -> bool {
    let g = p.group();
    (g.is_empty() && matches!(p.kind.as_ref(), "Secret" | "ServiceAccount"))
        || g == "rbac.authorization.k8s.io"
}

/// The labels of the pods an object makes, as its baseline makes them: its pod
/// template's (of a repeated key the last), or each set an operator makes.
fn pods_of<'p>(p: &'p DocPlan<'_>) -> Vec<Vec<(&'p str, String)>> {
    let mut out = Vec::new();
    if p.selectors.pod_template {
        out.push(p.labels_kept(false));
    }
    for set in &p.selectors.pod_sets {
        out.push(
            set.labels
                .iter()
                .map(|(k, parts)| (k.as_str(), join_parts(parts, Cow::Borrowed)))
                .collect(),
        );
    }
    out
}

/// Between the phases: decides what a partial copy emits. Every object that is
/// not forked becomes [`Status::Shared`] and loses what phase 1 planned for it;
/// each forked one gets a `-v` line with its reason. A refusal `held` for a
/// forked document ends the run; one for another document does not matter.
pub fn choose(
    plans: &mut [DocPlan<'_>],
    outs: &mut [DocOut],
    cfg: &Config,
) -> Result<Vec<String>, Error> {
    let mut notes = Vec::new();
    let why = reasons(plans, cfg, &mut notes)?;
    // A forked document's refusal ends the run; when it is an unmapped hostname,
    // its fix names the entries every forked document's unmapped hosts need.
    let mut refusals = plans
        .iter()
        .zip(outs.iter())
        .zip(&why)
        .filter(|((p, _), w)| p.status == Status::Object && w.is_some())
        .filter_map(|((_, o), _)| o.held.as_ref());
    if let Some(first) = refusals.next() {
        let later = refusals.flat_map(|e| e.hosts.iter().cloned());
        return Err(crate::rules::routes::with_later_hosts(
            cfg,
            first.clone(),
            later,
        ));
    }
    let mut forked = 0;
    let mut shared = 0;
    for ((plan, out), why) in plans.iter_mut().zip(outs.iter_mut()).zip(why) {
        if plan.status != Status::Object {
            continue;
        }
        match why {
            Some(why) => {
                forked += 1;
                out.report
                    .insert(0, format!("forked {}: {why}", plan.object()));
            }
            None => {
                shared += 1;
                plan.status = Status::Shared;
                *out = DocOut::default();
                out.report.push(format!(
                    "not forked {}: the baseline's, used by its baseline name",
                    plan.object()
                ));
            }
        }
    }
    let chosen: Vec<String> = cfg.fork.iter().map(ForkSel::shown).collect();
    notes.insert(
        0,
        format!(
            "partial copy (--fork {}): {forked} object(s) forked, {shared} left to the baseline (-vv says why each)",
            chosen.join(", --fork ")
        ),
    );
    Ok(notes)
}

/// Why each document is forked (`None`: it is not, or it is no object).
/// Notes for stderr go to `notes`.
fn reasons(
    plans: &[DocPlan<'_>],
    cfg: &Config,
    notes: &mut Vec<String>,
) -> Result<Vec<Option<String>>, Error> {
    let objects: Vec<usize> = (0..plans.len())
        .filter(|&i| plans[i].status == Status::Object)
        .collect();
    let mut why: Vec<Option<String>> = vec![None; plans.len()];
    for sel in &cfg.fork {
        let mut chosen: Vec<String> = Vec::new();
        for &i in &objects {
            if selects(sel, &plans[i], cfg) {
                if !is_workload(&plans[i]) {
                    return Err(not_a_workload(sel, &plans[i], plans));
                }
                let object = plans[i].object();
                if !chosen.contains(&object) {
                    chosen.push(object);
                }
                why[i].get_or_insert_with(|| format!("chosen by --fork {}", sel.shown()));
            }
        }
        if chosen.is_empty() {
            return Err(no_match(sel, plans));
        }
        // One name, several kinds: say so (`KIND/NAME` picks one).
        if matches!(sel, ForkSel::Name(_)) && chosen.len() > 1 {
            notes.push(format!(
                "note: --fork {} chose {} workloads: {} (KIND/NAME names one)",
                sel.shown(),
                chosen.len(),
                chosen.join(", ")
            ));
        }
    }
    // What an operator makes one set of pods from belongs together: a pool of
    // brokers and its Kafka, a Pooler and its Cluster (`operator_pods`: a set
    // that carries another resource's name). Forking one without the other would
    // add the copy's pods to the baseline's resource, or leave it without them.
    loop {
        let mut more = Vec::new();
        for &i in &objects {
            for &j in &objects {
                if why[i].is_some() && why[j].is_none() {
                    if belongs_to(&plans[i], &plans[j]) {
                        more.push((j, format!("owns {}", plans[i].object())));
                    } else if belongs_to(&plans[j], &plans[i]) {
                        more.push((j, format!("belongs to {}", plans[i].object())));
                    }
                }
            }
        }
        if more.is_empty() {
            break;
        }
        for (j, w) in more {
            why[j].get_or_insert(w);
        }
    }
    // The pods the copy makes: of what was chosen.
    // Pods that run to completion (a Job's) are no one's backends: what selects
    // them by the app's labels (its Service, PDB) is the app's.
    let pods: Vec<(usize, Vec<(&str, String)>)> = objects
        .iter()
        .filter(|&&i| why[i].is_some() && !completes(&plans[i]))
        .flat_map(|&i| pods_of(&plans[i]).into_iter().map(move |l| (i, l)))
        .collect();
    let chosen: Vec<usize> = objects
        .iter()
        .copied()
        .filter(|&i| why[i].is_some())
        .collect();
    // (kind, name) → the objects of that identity, for references.
    let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for &i in &objects {
        let p = &plans[i];
        for n in p.other_names.iter().chain(&p.name) {
            by_name
                .entry((p.kind.as_ref(), n.as_ref()))
                .or_default()
                .push(i);
        }
    }
    // Until nothing more comes along: each pass may bring what refers to the last.
    loop {
        let hosts: HashMap<&str, usize> = objects
            .iter()
            .filter(|&&i| why[i].is_some())
            .flat_map(|&i| plans[i].hosts.iter().map(move |h| (h.as_ref(), i)))
            .collect();
        let mut more = Vec::new();
        for &i in objects.iter().filter(|&&i| why[i].is_none()) {
            let cx = Link {
                plans,
                cfg,
                why: &why,
                pods: &pods,
                chosen: &chosen,
                by_name: &by_name,
                hosts: &hosts,
            };
            if let Some(w) = cx.because(i) {
                more.push((i, w));
            }
        }
        if more.is_empty() {
            return Ok(why);
        }
        for (i, w) in more {
            why[i] = Some(w);
        }
    }
}

/// What links an object to what is forked so far.
struct Link<'l, 'p, 'a> {
    plans: &'p [DocPlan<'a>],
    cfg: &'l Config,
    why: &'l [Option<String>],
    pods: &'l [(usize, Vec<(&'p str, String)>)],
    chosen: &'l [usize],
    by_name: &'l HashMap<(&'p str, &'p str), Vec<usize>>,
    hosts: &'l HashMap<&'p str, usize>,
}

impl Link<'_, '_, '_> {
    /// The forked object `kind`/`name` that a reference from `from` reaches.
    fn forked_target(
        &self,
        from: &DocPlan<'_>,
        kind: &str,
        group: Option<&str>,
        ns: Option<&str>,
        name: &str,
    ) -> Option<usize> {
        let ns = ns.or(from.ns.as_deref());
        let cluster = self.cfg.k8s.is_cluster_scoped(kind);
        self.by_name.get(&(kind, name))?.iter().copied().find(|&j| {
            let t = &self.plans[j];
            self.why[j].is_some()
                && group.is_none_or(|g| g == t.group())
                && (cluster || ns_compatible(ns, t.ns.as_deref()))
        })
    }

    /// RBAC the copy would reuse comes along only when it names what the copy
    /// renames: a Role whose `resourceNames` name a forked object or a name one
    /// makes (the copy's leader-election Lease), so the copy may use its own;
    /// and the RoleBindings of such a Role (their subjects stay the baseline's:
    /// the copy runs as the baseline's ServiceAccount).
    fn grants(&self, p: &DocPlan<'_>) -> Option<String> {
        if p.group() != "rbac.authorization.k8s.io" {
            return None;
        }
        let k8s = &self.cfg.k8s;
        match p.kind.as_ref() {
            "Role" => p.refs.iter().filter(|r| r.plural).find_map(|r| {
                let name = r.leaf.value.as_ref();
                self.why.iter().enumerate().find_map(|(j, w)| {
                    let t = &self.plans[j];
                    w.as_ref()?;
                    let own = k8s.plural(&t.kind) == r.kind
                        && t.name.as_deref() == Some(name)
                        && ns_compatible(p.ns.as_deref(), t.ns.as_deref());
                    let made = t
                        .made.names
                        .iter()
                        .find(|c| k8s.plural(&c.kind) == r.kind && c.leaf.value == name);
                    if own {
                        Some(format!("grants access to {}, which the copy renames", t.object()))
                    } else {
                        made.map(|c| {
                            format!(
                                "grants access to {}/{name}, which the copy's {} makes under its own name",
                                c.kind,
                                t.object()
                            )
                        })
                    }
                })
            }),
            "RoleBinding" => p.refs.iter().find_map(|r| {
                (r.kind == "Role" && !r.plural)
                    .then(|| self.forked_target(p, "Role", r.group.as_deref(), None, &r.leaf.value))
                    .flatten()
                    .map(|j| format!("binds {}", self.plans[j].object()))
            }),
            _ => None,
        }
    }

    /// A route of any Gateway API kind, or an Ingress.
    fn routes(&self, p: &DocPlan<'_>) -> bool {
        self.cfg.k8s.is_route(&p.kind, p.group())
            || (p.kind == "Ingress" && p.group() == "networking.k8s.io")
    }

    fn because(&self, i: usize) -> Option<String> {
        let p = &self.plans[i];
        let object = |j: usize| self.plans[j].object();
        // A cluster-scoped object (a webhook configuration, an APIService) acts
        // on the whole cluster: forked, the copy's would intercept the
        // baseline's requests too.
        if p.fork.hook || is_workload(p) || self.cfg.k8s.is_cluster_scoped(&p.kind) {
            return None;
        }
        if reused(p) {
            return self.grants(p);
        }
        let core = p.group().is_empty();
        if core && matches!(p.kind.as_ref(), "ConfigMap" | "PersistentVolumeClaim") {
            let name = p.name.as_deref()?;
            return self.chosen.iter().find_map(|&j| {
                let user = &self.plans[j];
                let r = user.refs.iter().find(|r| {
                    !r.plural
                        && !r.pinned
                        && r.kind == p.kind
                        && r.group.as_deref().is_none_or(|g| g == p.group())
                        && r.leaf.value == name
                        && ns_compatible(r.ns.as_deref().or(user.ns.as_deref()), p.ns.as_deref())
                })?;
                let how = if r.via.shown(self.cfg).contains("volumes") {
                    "mounted by"
                } else {
                    "read by"
                };
                Some(format!("{how} {}", object(j)))
            });
        }
        // What selects the chosen pods; an empty selector (every pod) is none.
        for ps in &p.selectors.pod_selectors {
            if let Some((j, _)) = self
                .pods
                .iter()
                .find(|(_, labels)| ps.reqs.iter().all(|r| r.holds(labels)))
            {
                return Some(if core && p.kind == "Service" {
                    format!("serves {}", object(*j))
                } else {
                    format!("selects the pods of {}", object(*j))
                });
            }
        }
        if core && p.kind == "Service" {
            return None;
        }
        // What selects forked objects of a kind (a ServiceMonitor, Services).
        for (s, reqs) in &p.fork.kind_selectors {
            let Selects::Kind(want) = &self.cfg.k8s.selectors[*s].selects else {
                continue;
            };
            let hit = (0..self.plans.len()).find(|&j| {
                let t = &self.plans[j];
                self.why[j].is_some()
                    && want.matches(&t.kind, t.group())
                    && ns_compatible(p.ns.as_deref(), t.ns.as_deref())
                    && holds_all(reqs, &t.labels_kept(true))
            });
            if let Some(j) = hit {
                return Some(format!("selects {}", object(j)));
            }
        }
        // What refers to something forked (a route, an HPA, a policy).
        for r in p.refs.iter().filter(|r| !r.plural && !r.pinned) {
            if let Some(j) = self.forked_target(
                p,
                &r.kind,
                r.group.as_deref(),
                r.ns.as_deref(),
                &r.leaf.value,
            ) {
                let verb = if self.routes(p) {
                    "routes to"
                } else {
                    "refers to"
                };
                return Some(format!("{verb} {}", object(j)));
            }
        }
        // A route or Ingress for a host a forked one claims: the copy's host
        // must serve all of it (its other backends stay the baseline's). A
        // Gateway that claims it too stays: a copy of it would be a second load
        // balancer, and the copy's routes attach to the shared one.
        if let Some((host, j)) = p
            .hosts
            .iter()
            .find_map(|h| self.hosts.get_key_value(h.as_ref()))
            .filter(|_| self.routes(p))
        {
            return Some(format!("claims {host} with {}", object(*j)));
        }
        // The Certificates forked hosts need.
        for c in &p.made.names {
            let name = c.leaf.value.as_ref();
            let reader = self.why.iter().enumerate().find(|&(j, w)| {
                let t = &self.plans[j];
                w.is_some()
                    && t.refs.iter().any(|r| {
                        r.kind == c.kind
                            && r.leaf.value == name
                            && ns_compatible(r.ns.as_deref().or(t.ns.as_deref()), p.ns.as_deref())
                    })
            });
            if let Some((j, _)) = reader {
                return Some(format!("makes {}/{name}, read by {}", c.kind, object(j)));
            }
        }
        for h in &p.fork.described {
            if let Some((host, j)) = self.hosts.iter().find(|(host, _)| covers(h, host)) {
                return Some(format!("covers {host}, claimed by {}", object(*j)));
            }
        }
        None
    }
}

fn holds_all(reqs: &[Requirement], labels: &[(&str, String)]) -> bool {
    reqs.iter().all(|r| r.holds(labels))
}

/// Does a certificate name (`www.x`, `*.x`) cover a claimed host (`*.x` claims
/// are covered only by the same wildcard)?
fn covers(name: &str, host: &str) -> bool {
    name.eq_ignore_ascii_case(host)
        || name.strip_prefix("*.").is_some_and(|zone| {
            host.split_once('.')
                .is_some_and(|(label, rest)| label != "*" && rest.eq_ignore_ascii_case(zone))
        })
}

/// Does a set of pods `member` makes carry the name of `owner` (a
/// KafkaNodePool's `strimzi.io/cluster: <Kafka>`)? Both make pods through an
/// operator.
fn belongs_to(member: &DocPlan<'_>, owner: &DocPlan<'_>) -> bool {
    let (Some(own), Some(theirs)) = (member.name.as_deref(), owner.name.as_deref()) else {
        return false;
    };
    !owner.selectors.pod_sets.is_empty()
        && own != theirs
        && member
            .selectors
            .pod_sets
            .iter()
            .flat_map(|set| &set.labels)
            .flat_map(|(_, parts)| parts)
            .any(|part| matches!(part, crate::k8s::Part::Name(n) if n == theirs))
}

/// The error for a selector that names what is no workload.
fn not_a_workload(sel: &ForkSel, p: &DocPlan<'_>, plans: &[DocPlan<'_>]) -> Error {
    let mut e = no_match(sel, plans);
    e.message = format!(
        "--fork {}: {} runs nothing: fork a workload, and what exists for it comes along ({})",
        sel.shown(),
        p.object(),
        e.message
            .split_once(" matches (")
            .map_or("", |(_, l)| l.trim_end_matches(')'))
    );
    e
}

/// The error for a selector that chooses nothing: it lists the workloads.
fn no_match(sel: &ForkSel, plans: &[DocPlan<'_>]) -> Error {
    let mut workloads: Vec<String> = plans
        .iter()
        .filter(|p| p.status == Status::Object && is_workload(p))
        .map(DocPlan::object)
        .collect();
    workloads.dedup();
    let listed = if workloads.is_empty() {
        "the stream has no workload".to_string()
    } else {
        format!("its workloads: {}", workloads.join(", "))
    };
    let what = match sel {
        ForkSel::Object(..) => "no object of the stream",
        ForkSel::Name(_) => "no workload of the stream",
        ForkSel::Image(_) => "no workload of the stream has a container image that",
    };
    // The workload the selector seems to mean (its name, misspelt), else the first.
    let wanted = match sel {
        ForkSel::Object(_, n) | ForkSel::Name(n) => n.as_str(),
        ForkSel::Image(_) => "",
    };
    let names: Vec<&str> = workloads
        .iter()
        .map(|w| w.split_once('/').map_or(w.as_str(), |(_, n)| n))
        .collect();
    let pick = crate::config::did_you_mean(wanted, &names)
        .and_then(|n| workloads.iter().find(|w| w.ends_with(&format!("/{n}"))))
        .or(workloads.first());
    let hint = match pick {
        Some(w) => format!(
            "fork a workload of the stream, e.g. --fork {w} (or in AMEIDE_TILT_FORK, or `fork:` in the config file)"
        ),
        None => "run without --fork: the stream has no workload to fork".to_string(),
    };
    Error {
        class: Class::Input,
        place: None,
        message: format!("--fork {}: {what} matches ({listed})", sel.shown()),
        hint: None,
        hosts: Vec::new(),
    }
    .with_hint(hint)
}

#[cfg(test)]
mod tests;
