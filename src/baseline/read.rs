//! Reads one stream into the cluster model's facts ([`Stream`]) from the objects
//! themselves, with the Kubernetes tables of [`crate::k8s`]; the filter's rules are
//! never asked, so the model does not share their mistakes. A copy read beside a
//! baseline also keeps the words of its strings that equal a name of the
//! baseline, for the leftover scan ([`crate::baseline::leftovers`]).

mod references;

use crate::baseline::leftovers;
use crate::baseline::model::{
    Claim, ClusterBinding, Made, Object, OperatorOwner, Place, Pods, Ref, SelectorUse, Stream,
    Targets,
};
use crate::baseline::selector::{Selector, label_pairs};
use crate::config::Config;
use crate::error::{self, Error};
use crate::k8s::OperatorObjects;
use crate::k8s::refs::{self, Target};
use crate::k8s::words::POD_KEYS;
use crate::plan::api_group;
use crate::yaml::{self, Doc, NodeId, NodeKind};
use references::references;
use std::collections::{HashMap, HashSet};

/// Reads every document of `input`. Documents that are no object (empty,
/// comment-only, not a mapping, no `kind`/`apiVersion`, only `generateName`)
/// have no identity in the cluster and are skipped. With `watch` (the names of
/// the baseline, when `input` is a copy), every word of every string that equals
/// one of them is kept as a [`crate::baseline::model::Mention`] for the leftover
/// scan.
pub fn read_stream(
    input: &str,
    cfg: &Config,
    watch: Option<&HashSet<String>>,
) -> Result<Stream, Error> {
    // Of the documents the copy never emits (a CRD can be megabytes) only the
    // identity matters here: glanced at. Which kinds those are is a fact of the
    // table (the kinds the baseline owns). Drop kinds are read like any object:
    // a copy that kept one (a drop kind that matched nothing) gets it applied.
    // The filter never parses a document it drops, so one that is not valid YAML
    // passes it: such a stream is read again with its drop kinds glanced at.
    let read = |glance_drops: bool| {
        let mut s = Stream::default();
        let skip = |g: &yaml::Glance<'_>| {
            cfg.k8s.is_not_emitted(g.kind)
                || glance_drops
                    && cfg
                        .drop_kinds
                        .iter()
                        .any(|d| d.matches(g.kind, api_group(g.api_version), &cfg.k8s))
        };
        let parsed =
            yaml::for_each_doc_skipping(input, skip, |doc: &Doc<'_>| -> Result<(), Error> {
                read_doc(doc, cfg, watch, &mut s);
                Ok(())
            });
        parsed.map(|r| r.map(|()| s))
    };
    let parsed = read(false).or_else(|_| read(true));
    match parsed {
        Err(e) => Err(Error::input(
            error::Place {
                doc: e.doc_index,
                object: None,
                line: e.line,
            },
            format!("invalid YAML: {} (column {})", e.message, e.col),
        )
        .with_hint("fix the chart template that produced this document")),
        Ok(r) => r,
    }
}

/// One object being read.
struct Cx<'c, 'a> {
    doc: &'c Doc<'a>,
    root: NodeId,
    kind: &'c str,
    group: &'c str,
    ns: Option<String>,
    object: String,
    obj: usize,
}

impl Cx<'_, '_> {
    fn place(&self, id: NodeId) -> Place {
        Place {
            doc: self.doc.index,
            object: self.object.clone(),
            line: self.doc.node(id).line,
            path: self.doc.path_to(id),
        }
    }

    fn text(&self, id: NodeId) -> Option<&str> {
        self.doc
            .str(id)
            .filter(|_| !self.doc.is_null(id))
            .filter(|s| !s.is_empty())
    }
}

fn read_doc(doc: &Doc<'_>, cfg: &Config, watch: Option<&HashSet<String>>, s: &mut Stream) {
    if let Some(g) = &doc.glance {
        if let Some(name) = g.name {
            s.objects.push(Object {
                kind: g.kind.to_string(),
                group: api_group(g.api_version).to_string(),
                ns: None,
                name: name.to_string(),
                cluster_scoped: true,
                labels: Vec::new(),
                place: Place {
                    doc: doc.index,
                    object: format!("{}/{name}", g.kind),
                    line: g.line,
                    path: "kind".into(),
                },
                controller: None,
                pod_like: false,
            });
        }
        return;
    }
    let Some(root) = doc.root().filter(|&r| doc.is_map(r)) else {
        return;
    };
    let (Some(kind), Some(api)) = (doc.get_str(root, "kind"), doc.get_str(root, "apiVersion"))
    else {
        return;
    };
    let Some(meta) = doc.get(root, "metadata").filter(|&m| doc.is_map(m)) else {
        return;
    };
    let scalar = |key| {
        doc.get(meta, key)
            .filter(|&n| doc.is_scalar(n) && !doc.is_null(n))
    };
    let Some(name_id) = scalar("name") else {
        return;
    };
    let cluster_scoped = cfg.k8s.is_cluster_scoped(kind);
    let name = doc.node(name_id).value.to_string();
    let cx = Cx {
        doc,
        root,
        kind,
        group: api_group(api),
        ns: scalar("namespace")
            .filter(|_| !cluster_scoped)
            .map(|n| doc.node(n).value.to_string()),
        object: format!("{kind}/{name}"),
        obj: s.objects.len(),
    };
    // A class names the controller that serves it (`controller_classes`).
    let controller = cfg.k8s.controller_classes.get(kind).and_then(|path| {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        doc.path(root, &keys)
    });
    s.objects.push(Object {
        kind: kind.to_string(),
        group: cx.group.to_string(),
        ns: cx.ns.clone(),
        name,
        cluster_scoped,
        labels: doc
            .get(meta, "labels")
            .map(|l| label_pairs(doc, l))
            .unwrap_or_default(),
        place: cx.place(name_id),
        controller: controller.and_then(|c| cx.text(c)).map(str::to_string),
        pod_like: cfg.k8s.is_custom_group(cx.group) && pod_like(doc, root),
    });
    if let Some(ns) = &cx.ns {
        s.namespaces.insert(ns.clone());
    }
    hosts(&cx, cfg, s);
    // The strings that name an object by a known field (a reference, a name made
    // at run time) are judged by kind there; the leftover scan leaves them alone.
    // Where the `produces:` and `references:` tables are read, once for both.
    let table = refs::TableObject {
        doc,
        root,
        kind,
        group: cx.group,
        pod_spec: cfg.k8s.pod_spec(doc, root, kind),
        annotations: doc.get(meta, "annotations").filter(|&a| doc.is_map(a)),
    };
    let mut judged = made(&cx, cfg, &table, s);
    pods(&cx, cfg, s);
    operator_pods(&cx, cfg, &s.objects[cx.obj].name.clone(), s);
    operator_objects(&cx, cfg, s);
    judged.extend(selectors(&cx, cfg, s).into_iter().flatten());
    let (referenced, resources) = references(&cx, cfg, &table, s);
    judged.extend(referenced);
    bindings(&cx, s);
    node_ports(&cx, s);
    if let Some(watch) = watch {
        let within = leftovers::Within {
            kind: cx.kind,
            group: cx.group,
            judged: &judged,
            resources: &resources,
        };
        for (id, m) in leftovers::mentions(doc, root, &within, watch) {
            let mut place = cx.place(id);
            place.line = m.line;
            s.mentions.push(crate::baseline::model::Mention {
                obj: cx.obj,
                name: m.name,
                pod: m.pod,
                stands: m.stands,
                keys: m.keys,
                resources: m.resources,
                place,
                secret: m.secret,
            });
        }
    }
}

/// Does the custom resource at `root` carry a pod-like spec: one of [`POD_KEYS`]
/// in `spec` or in a mapping directly below it (Strimzi's `spec.kafka.replicas`)?
fn pod_like(doc: &Doc<'_>, root: NodeId) -> bool {
    let Some(spec) = doc.get(root, "spec").filter(|&m| doc.is_map(m)) else {
        return false;
    };
    let has = |m: NodeId| {
        doc.pairs(m)
            .any(|(k, _)| doc.str(k).is_some_and(|k| POD_KEYS.contains(&k)))
    };
    has(spec) || doc.pairs(spec).any(|(_, v)| doc.is_map(v) && has(v))
}

/// The node ports a core Service asks for by number (`spec.ports[].nodePort`).
fn node_ports(cx: &Cx<'_, '_>, s: &mut Stream) {
    let doc = cx.doc;
    if cx.kind != "Service" || !cx.group.is_empty() {
        return;
    }
    let Some(ports) = doc
        .path(cx.root, &["spec", "ports"])
        .filter(|&p| doc.is_seq(p))
    else {
        return;
    };
    for p in doc.children(ports) {
        let Some(n) = doc.get(p, "nodePort") else {
            continue;
        };
        if let Some(port) = cx.text(n).filter(|t| t.parse::<u32>().is_ok_and(|v| v > 0)) {
            let proto = doc.get_str(p, "protocol").unwrap_or("TCP");
            s.node_ports.push((format!("{port}/{proto}"), cx.place(n)));
        }
    }
}

/// The hosts the object claims: the `host_claims` table rule 4 reads, read the
/// same way ([`crate::k8s::hosts_in`]); a field that only describes hosts
/// (`claims: false`, a Certificate's `dnsNames`) claims none.
fn hosts(cx: &Cx<'_, '_>, cfg: &Config, s: &mut Stream) {
    let mut found = Vec::new();
    for rule in cfg
        .k8s
        .host_claims
        .iter()
        .filter(|r| r.claims && r.from.iter().any(|k| k.matches(cx.kind, cx.group)))
    {
        found.clear();
        refs::walk(cx.doc, cx.root, &rule.path, cx.root, &mut found);
        for x in &found {
            let Some(v) = cx.text(x.leaf) else { continue };
            for (_, host) in crate::k8s::hosts_in(v, rule.format, cx.ns.as_deref()) {
                // One name however written: `A.x.io.` is `a.x.io`.
                let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
                if host.is_empty() {
                    continue;
                }
                s.hosts.push(Claim {
                    host,
                    place: cx.place(x.leaf),
                });
            }
        }
    }
}

/// The names the object makes at run time: the `produces` table rule 10 reads,
/// read the same way (its flags, `when_annotation`, `when_first_arg`, formats).
/// Returns the strings that hold them.
fn made(
    cx: &Cx<'_, '_>,
    cfg: &Config,
    table: &refs::TableObject<'_, '_>,
    s: &mut Stream,
) -> HashSet<NodeId> {
    let mut holding = HashSet::new();
    let doc = cx.doc;
    refs::for_each_table_hit(table, &cfg.k8s.produces, |_, rule, f| {
        let Some((node, at)) = rule.name_place(doc, f.leaf) else {
            return;
        };
        let Some(text) = cx.text(node) else { return };
        let name = &text[at.unwrap_or(0)..];
        let kind = match &rule.target {
            Target::Kind(k) => Some(k.clone()),
            Target::Sibling { key, default } => doc
                .get(f.holder, key)
                .and_then(|k| cx.text(k))
                .map(str::to_string)
                .or_else(|| default.clone()),
            Target::Resources => None,
        };
        let (Some(kind), false) = (kind, name.is_empty()) else {
            return;
        };
        let how = rule.flag.as_deref().unwrap_or(&rule.shown);
        holding.insert(node);
        s.made.push(Made {
            kind,
            ns: cx.ns.clone(),
            name: name.to_string(),
            how: format!("{how} of {}", cx.object),
            place: cx.place(node),
            operator: None,
        });
    });
    holding
}

/// The pods of a pod template.
fn pods(cx: &Cx<'_, '_>, cfg: &Config, s: &mut Stream) {
    let doc = cx.doc;
    let Some(spec) = cfg.k8s.pod_spec(doc, cx.root, cx.kind) else {
        return;
    };
    let template = doc.parent(spec).unwrap_or(cx.root);
    let labels = doc.path(template, &["metadata", "labels"]);
    let at = labels
        .or_else(|| doc.get(template, "metadata"))
        .unwrap_or(spec);
    let service_account = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|k| doc.get(spec, k).and_then(|v| cx.text(v)))
        .map(str::to_string);
    let host_network = doc.get_str(spec, "hostNetwork") == Some("true");
    let mut host_ports = Vec::new();
    for list in &cfg.k8s.container_lists {
        let Some(containers) = doc.get(spec, list).filter(|&l| doc.is_seq(l)) else {
            continue;
        };
        for c in doc.children(containers) {
            let Some(ports) = doc.get(c, "ports").filter(|&p| doc.is_seq(p)) else {
                continue;
            };
            for p in doc.children(ports) {
                let bound = doc
                    .get(p, "hostPort")
                    .or_else(|| host_network.then(|| doc.get(p, "containerPort")).flatten());
                if let Some(n) = bound.filter(|&n| cx.text(n).is_some()) {
                    let proto = doc.get_str(p, "protocol").unwrap_or("TCP");
                    host_ports.push((format!("{}/{proto}", doc.node(n).value), cx.place(n)));
                }
            }
        }
    }
    let mut pods = Pods {
        obj: cx.obj,
        labels: labels.map(|l| label_pairs(doc, l)).unwrap_or_default(),
        service_account,
        place: cx.place(at),
        host_ports,
        by_operator: false,
    };
    // A controller that labels each pod with its own name (`pod_name_labels`: a
    // StatefulSet's `statefulset.kubernetes.io/pod-name: <set>-<ordinal>`) makes
    // pods a selector can tell apart: one per ordinal, its host ports noted once.
    let Some(label) = cfg.k8s.pod_name_label(cx.kind, cx.group) else {
        s.pods.push(pods);
        return;
    };
    let name = s.objects[cx.obj].name.clone();
    for n in ordinals(doc, cx.root) {
        let mut p = pods.clone();
        p.labels.push((label.to_string(), format!("{name}-{n}")));
        s.pods.push(p);
        pods.host_ports.clear();
    }
}

/// The ordinals of a StatefulSet's pods: `spec.ordinals.start` on, `spec.replicas`
/// of them (one where it is absent or zero: the model counts a template's pods
/// whatever it is scaled to), at most [`MAX_ORDINALS`].
fn ordinals(doc: &Doc<'_>, root: NodeId) -> std::ops::Range<u64> {
    let number = |keys: &[&str]| {
        doc.path(root, keys)
            .and_then(|n| doc.str(n))
            .and_then(|t| t.parse::<u64>().ok())
    };
    let start = number(&["spec", "ordinals", "start"]).unwrap_or(0);
    let count = number(&["spec", "replicas"])
        .unwrap_or(1)
        .clamp(1, MAX_ORDINALS);
    start..start.saturating_add(count)
}

/// Pods modelled per StatefulSet: a bound on the work a hostile `replicas` asks
/// for. A selector of a pod beyond it selects nothing, in both copies.
const MAX_ORDINALS: u64 = 100;

/// What an operator makes for this custom resource (`operator_objects`), the
/// same list the filter follows (rule 10), each with the pattern it is named by
/// (so the model can name the renamed resource's instead).
fn operator_objects(cx: &Cx<'_, '_>, cfg: &Config, s: &mut Stream) {
    let o = &s.objects[cx.obj];
    let (owner, place) = (o.name.clone(), o.place.clone());
    for entry in cfg
        .k8s
        .operator_objects
        .iter()
        .filter(|e| e.kind.matches(cx.kind, cx.group))
    {
        for pattern in &entry.names {
            s.made.push(Made {
                how: format!("the operator of {}", cx.object),
                kind: entry.target.clone(),
                ns: cx.ns.clone(),
                name: OperatorObjects::fill(pattern, &owner),
                place: place.clone(),
                operator: Some(OperatorOwner {
                    kind: cx.kind.to_string(),
                    group: cx.group.to_string(),
                    name: owner.clone(),
                    pattern: pattern.clone(),
                }),
            });
        }
    }
}

/// The pods an operator makes for this custom resource (`operator_pods`), every
/// set of them, with the resource's `spec.podMetadata.labels` where it has them.
fn operator_pods(cx: &Cx<'_, '_>, cfg: &Config, name: &str, s: &mut Stream) {
    let k8s = &cfg.k8s;
    for set in k8s.operator_pod_sets(cx.doc, cx.root, cx.kind, cx.group, name) {
        let mut pairs = set.values();
        if let Some(extra) = cx.doc.path(cx.root, &["spec", "podMetadata", "labels"]) {
            pairs.extend(label_pairs(cx.doc, extra));
        }
        let at = s.objects[cx.obj].place.clone();
        s.pods.push(Pods {
            obj: cx.obj,
            labels: pairs,
            service_account: None,
            place: at,
            host_ports: Vec::new(),
            by_operator: true,
        });
    }
}

/// The selectors of the object (the `selectors` table). Returns the nodes they
/// are made of: label keys and values, rule 3's business, which the leftover scan
/// leaves alone.
fn selectors(cx: &Cx<'_, '_>, cfg: &Config, s: &mut Stream) -> Vec<std::ops::Range<NodeId>> {
    use crate::k8s::{SelectorForm, Selects, WhenAbsent};
    let doc = cx.doc;
    let mut read = Vec::new();
    // The same table rule 3 reads: where each kind's selector sits, and what it
    // selects.
    for entry in &cfg.k8s.selectors {
        if !entry.from.iter().any(|k| k.matches(cx.kind, cx.group)) {
            continue;
        }
        let targets = match &entry.selects {
            Selects::Pods => Targets::Pods,
            Selects::Kind(k) if k.kind == "Service" => Targets::Services,
            Selects::Kind(_) => continue,
        };
        let (parents, last) = entry.path.split_at(entry.path.len().saturating_sub(1));
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        let Some(parent) = doc.path(cx.root, &parents).filter(|&p| doc.is_map(p)) else {
            continue;
        };
        // An absent or null selector selects nothing or everything, by the type
        // behind the field (`when_absent`); the rule's narrowing reads the same.
        let everything_when_absent = entry.when_absent == WhenAbsent::Everything;
        // (`at`: the selector, or where it would be; `given`: a mapping is there.)
        let (at, given) = match last.first().and_then(|k| doc.get(parent, k)) {
            Some(v) if doc.is_map(v) => (v, true),
            Some(v) if everything_when_absent && doc.is_null(v) => (v, false),
            None if everything_when_absent => (parent, false),
            _ => continue,
        };
        let selector = match entry.form {
            SelectorForm::Map => {
                let selector = Selector::from_map(doc, at);
                // An empty Service selector selects nothing: its endpoints are
                // managed by hand.
                if selector.is_everything() {
                    continue;
                }
                selector
            }
            SelectorForm::LabelSelector if given => Selector::from_label_selector(doc, at),
            SelectorForm::LabelSelector => Selector::default(),
        };
        let mut place = cx.place(at);
        if at == parent
            && let Some(key) = last.first()
        {
            // An absent selector is placed where it would stand.
            place.path = if place.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", place.path)
            };
        }
        if given {
            read.push(at..doc.node(at).next);
        }
        s.selectors.push(SelectorUse {
            obj: cx.obj,
            targets,
            selector,
            place,
        });
    }
    read
}

fn bindings(cx: &Cx<'_, '_>, s: &mut Stream) {
    if cx.kind != "ClusterRoleBinding" {
        return;
    }
    let doc = cx.doc;
    let role = doc
        .path(cx.root, &["roleRef", "name"])
        .and_then(|r| cx.text(r))
        .unwrap_or("")
        .to_string();
    let subjects = doc
        .get(cx.root, "subjects")
        .filter(|&l| doc.is_seq(l))
        .map(|l| {
            doc.children(l)
                .filter(|&sub| doc.get_str(sub, "kind") == Some("ServiceAccount"))
                .filter_map(|sub| {
                    let name = doc.get_str(sub, "name")?.to_string();
                    Some((doc.get_str(sub, "namespace").map(str::to_string), name))
                })
                .collect()
        })
        .unwrap_or_default();
    s.bindings.push(ClusterBinding {
        obj: cx.obj,
        role,
        subjects,
    });
}
