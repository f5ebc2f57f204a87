//! Every Kubernetes fact the tool relies on, in one place, as data.
//!
//! The facts live in `builtin.yaml` beside this file, embedded in the binary and
//! read once per process. Its `references:` entries use exactly the schema of the
//! config file's `references:` ([`Reference`]), so a new CRD is one entry in one
//! file, and the config file extends the same table (see [`crate::config`]).
//!
//! ```yaml
//! references:
//!   - {kind: "Certificate.cert-manager.io", path: "spec.secretName", target: "Secret"}
//! ```

pub mod base64;
pub mod leftover;
pub mod refs;
pub mod schema;
pub mod words;

pub use schema::File;
pub use schema::{
    GroupDefaultSpec, HostClaim, HostFormat, OperatorObjectsEntry, Reference, ReferenceShape,
    SelectorForm, WhenAbsent,
};

use crate::yaml::{Doc, NodeId};
use refs::{KindSel, Shape, TableRef};
use std::collections::HashMap;
use std::sync::LazyLock;

/// The embedded table (`src/k8s/builtin.yaml`).
pub const BUILTIN_YAML: &str = include_str!("builtin.yaml");

/// The same table, read and checked by `build.rs` with the same types, as JSON:
/// it loads in microseconds where reading the YAML took millions of
/// instructions per run (see docs/configuration.md, "The built-in table").
const BUILTIN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/builtin.json"));

/// What a selector can select, and so where the pairs it selects are carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selects {
    /// Pods: carried by the labels of the stream's pod templates.
    Pods,
    /// Objects of a kind: carried by their `metadata.labels`.
    Kind(KindSel),
}

/// A selector of the stream (rule 3): where it sits and what it selects.
#[derive(Clone, Debug)]
pub struct Selector {
    pub from: Vec<KindSel>,
    pub path: Vec<String>,
    pub form: SelectorForm,
    pub selects: Selects,
    /// A selector that selects every pod of the namespace (empty, or absent where
    /// `when_absent` says so) is narrowed in the copy.
    pub narrow_empty: bool,
    /// What the selector selects when its field is absent or null.
    pub when_absent: schema::WhenAbsent,
}

impl Selector {
    fn from_entry(e: &schema::SelectorEntry) -> Selector {
        Selector {
            from: e
                .kind
                .split(',')
                .map(|k| KindSel::parse(k.trim()))
                .collect(),
            path: e.path.split('.').map(str::to_string).collect(),
            form: e.form,
            selects: match e.selects.as_str() {
                "@pod" => Selects::Pods,
                k => Selects::Kind(KindSel::parse(k)),
            },
            narrow_empty: e.narrow_empty,
            when_absent: e.when_absent,
        }
    }

    /// What carries what it selects, for `-v`: "pod template", "Service".
    pub fn carrier(&self) -> &str {
        match &self.selects {
            Selects::Pods => "pod template",
            Selects::Kind(k) => &k.kind,
        }
    }
}

/// A compiled host-claim entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostRule {
    pub from: Vec<KindSel>,
    pub path: Vec<refs::Seg>,
    pub format: HostFormat,
    pub claims: bool,
    pub shown: String,
}

impl HostRule {
    pub fn build(c: &HostClaim) -> Result<HostRule, String> {
        let from = refs::kind_list(&c.kind, false)?;
        let mut paths = refs::parse_path(&c.path, &[])?;
        if paths.len() != 1 {
            return Err("`@c` is not allowed in a host claim path".into());
        }
        let path = paths.remove(0);
        Ok(HostRule {
            from,
            shown: refs::display_path(&path),
            path,
            format: c.format,
            claims: c.claims,
        })
    }
}

/// Hosts written in a value of a `host_claims` field, with their byte offsets in
/// it; `ns` is the object's namespace (a mesh name `svc.<ns>` is no host). Rule 4
/// edits them; `check --baseline` compares them.
pub fn hosts_in<'v>(value: &'v str, format: HostFormat, ns: Option<&str>) -> Vec<(usize, &'v str)> {
    let dotted = |h: &str| h.contains('.');
    match format {
        HostFormat::Host => vec![(0, value)],
        HostFormat::List => {
            let mut out = Vec::new();
            let mut at = 0;
            for piece in value.split(',') {
                let lead = piece.len() - piece.trim_start().len();
                let host = piece.trim();
                if !host.is_empty() {
                    out.push((at + lead, host));
                }
                at += piece.len() + 1;
            }
            out
        }
        HostFormat::Mesh => {
            let mesh = !dotted(value)
                || value.ends_with(".svc")
                || value.contains(".svc.")
                || value
                    .split_once('.')
                    .is_some_and(|(_, rest)| Some(rest) == ns);
            if mesh { Vec::new() } else { vec![(0, value)] }
        }
        HostFormat::NamespacedHost => {
            let at = value.rfind('/').map_or(0, |i| i + 1);
            let host = &value[at..];
            if dotted(host) {
                vec![(at, host)]
            } else {
                Vec::new()
            }
        }
        HostFormat::Traefik => traefik_hosts(value),
    }
}

/// The arguments of every `` Host(`…`) `` and `` HostSNI(`…`) `` matcher of a
/// Traefik rule (`HostRegexp` is a pattern, not a host; `*` matches any host).
fn traefik_hosts(rule: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = rule[from..].find("Host") {
        let at = from + i;
        from = at + 4;
        if rule[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            continue;
        }
        let rest = &rule[from..];
        let open = if rest.starts_with('(') {
            1
        } else if rest.starts_with("SNI(") {
            4
        } else {
            continue;
        };
        let args_at = from + open;
        let Some(close) = rule[args_at..].find(')') else {
            break;
        };
        let args = &rule[args_at..args_at + close];
        let mut parts = args.split('`');
        let mut at = args_at;
        // Odd pieces are inside backticks.
        let mut inside = false;
        for p in parts.by_ref() {
            if inside && p.contains('.') {
                out.push((at, p));
            }
            at += p.len() + 1;
            inside = !inside;
        }
        from = args_at + close;
    }
    out
}

/// The pods an operator makes for a custom resource of one kind: one set per
/// component, each with the labels it gives them (`operator_pods` in
/// `builtin.yaml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorPods {
    pub kind: KindSel,
    /// The label every set carries with a name as its whole value.
    pub owner: String,
    pub pods: Vec<PodSet>,
}

/// One set of pods of an [`OperatorPods`] entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSet {
    /// Made only when the resource has this field (not null).
    pub when: Option<Vec<String>>,
    pub labels: Vec<(String, Vec<Piece>)>,
}

/// A piece of a label value in `operator_pods`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// `{name}`: the resource's name.
    Name,
    /// `{label:KEY}`: the value of one of the resource's labels (a
    /// KafkaNodePool's `strimzi.io/cluster` names its Kafka).
    Label(String),
    /// `{field:PATH}`: the value of one of its fields (a Pooler's
    /// `spec.cluster.name` names its Cluster).
    Field(Vec<String>),
}

/// A label value as one resource fills it in: text, and the names it read (its
/// own, or the object's it belongs to). The copy's value follows those names'
/// renames, the text stays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Name(String),
}

/// The labels of one set of pods an operator makes for one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilledPodSet {
    pub labels: Vec<(String, Vec<Part>)>,
    /// Index in `labels` of the owner label (its value is one name).
    pub owner: usize,
}

/// The value `parts` make, with each name written by `name`.
pub fn join_parts<'p>(
    parts: &'p [Part],
    name: impl Fn(&'p str) -> std::borrow::Cow<'p, str>,
) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Name(n) => out.push_str(&name(n)),
        }
    }
    out
}

impl FilledPodSet {
    /// The labels as the resource's own pods carry them.
    pub fn values(&self) -> Vec<(String, String)> {
        self.labels
            .iter()
            .map(|(k, parts)| (k.clone(), join_parts(parts, std::borrow::Cow::Borrowed)))
            .collect()
    }
}

impl OperatorPods {
    /// An entry as written, checked: every placeholder is known, and every set
    /// carries the owner label with one placeholder as its whole value.
    pub fn build(e: &schema::OperatorPodsEntry) -> Result<OperatorPods, String> {
        let mut pods = Vec::new();
        for (i, set) in e.pods.iter().enumerate() {
            let mut labels = Vec::new();
            for (k, v) in &set.labels.0 {
                let pieces = Self::pieces(v).map_err(|why| {
                    format!("operator_pods: {} set {}: label {k}: {why}", e.kind, i + 1)
                })?;
                labels.push((k.clone(), pieces));
            }
            let owned = labels
                .iter()
                .find(|(k, _)| *k == e.owner)
                .is_some_and(|(_, p)| p.len() == 1 && !matches!(p[0], Piece::Text(_)));
            if !owned {
                return Err(format!(
                    "operator_pods: {} set {} lacks its owner label {} with a placeholder as its whole value",
                    e.kind,
                    i + 1,
                    e.owner
                ));
            }
            pods.push(PodSet {
                when: set
                    .when
                    .as_deref()
                    .map(|w| w.split('.').map(str::to_string).collect()),
                labels,
            });
        }
        if pods.is_empty() {
            return Err(format!("operator_pods: {} has no pod set", e.kind));
        }
        Ok(OperatorPods {
            kind: KindSel::parse(&e.kind),
            owner: e.owner.clone(),
            pods,
        })
    }

    /// `strimzi-{name}` → text and placeholders.
    fn pieces(v: &str) -> Result<Vec<Piece>, String> {
        let mut out = Vec::new();
        let mut rest = v;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                out.push(Piece::Text(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("`{v}` has a `{{` without `}}`"))?;
            let inner = &rest[open + 1..open + close];
            out.push(match inner.split_once(':') {
                None if inner == "name" => Piece::Name,
                Some(("label", key)) if !key.is_empty() => Piece::Label(key.to_string()),
                Some(("field", path)) if !path.is_empty() => {
                    Piece::Field(path.split('.').map(str::to_string).collect())
                }
                _ => return Err(format!("unknown placeholder `{{{inner}}}` in `{v}`")),
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            out.push(Piece::Text(rest.to_string()));
        }
        Ok(out)
    }

    /// The sets of pods the operator makes for the resource `name` (`root` in
    /// `doc`), each placeholder read from it. A set whose `when` field the
    /// resource lacks, or whose placeholder it cannot fill, is not made.
    pub fn fill(&self, doc: &Doc<'_>, root: NodeId, name: &str) -> Vec<FilledPodSet> {
        let text = |id: NodeId| {
            doc.str(id)
                .filter(|s| !s.is_empty() && !doc.is_null(id))
                .map(str::to_string)
        };
        let read = |piece: &Piece| -> Option<Part> {
            Some(match piece {
                Piece::Text(t) => Part::Text(t.clone()),
                Piece::Name => Part::Name(name.to_string()),
                Piece::Label(key) => Part::Name(
                    doc.path(root, &["metadata", "labels", key.as_str()])
                        .and_then(text)?,
                ),
                Piece::Field(path) => {
                    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
                    Part::Name(doc.path(root, &keys).and_then(text)?)
                }
            })
        };
        let mut out = Vec::new();
        'sets: for set in &self.pods {
            if let Some(when) = &set.when {
                let keys: Vec<&str> = when.iter().map(String::as_str).collect();
                if doc.path(root, &keys).is_none_or(|n| doc.is_null(n)) {
                    continue;
                }
            }
            let mut labels = Vec::with_capacity(set.labels.len());
            for (k, pieces) in &set.labels {
                let Some(parts) = pieces.iter().map(read).collect::<Option<Vec<Part>>>() else {
                    continue 'sets;
                };
                labels.push((k.clone(), parts));
            }
            let Some(owner) = labels.iter().position(|(k, _)| *k == self.owner) else {
                continue;
            };
            out.push(FilledPodSet { labels, owner });
        }
        out
    }
}

/// Objects an operator makes for a custom resource, named after it (`{name}`:
/// the resource's name): CloudNativePG's `<cluster>-rw` Service and
/// `<cluster>-app` Secret. No document of the stream holds them, but the copy's
/// resource makes its own, named after the copy's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorObjects {
    pub kind: KindSel,
    pub target: String,
    pub names: Vec<String>,
}

impl OperatorObjects {
    /// An entry as written (built-in table or config file), checked: every name
    /// is made from the resource's (`{name}`).
    pub fn build(e: &OperatorObjectsEntry) -> Result<OperatorObjects, String> {
        if let Some(n) = e.names.iter().find(|n| !n.contains("{name}")) {
            return Err(format!(
                "operator_objects: name `{n}` of {} does not contain {{name}} (the resource's name)",
                e.kind
            ));
        }
        if e.target.trim().is_empty() || e.names.is_empty() {
            return Err(format!(
                "operator_objects: {} needs a target kind and names",
                e.kind
            ));
        }
        Ok(OperatorObjects {
            kind: KindSel::parse(&e.kind),
            target: e.target.trim().to_string(),
            names: e.names.clone(),
        })
    }

    /// The name `pattern` (one of `names`) makes for a resource called `owner`.
    pub fn fill(pattern: &str, owner: &str) -> String {
        pattern.replace("{name}", owner)
    }
}

/// The entries of `builtin.yaml` that compile into paths and rules.
struct Tables {
    host_claims: Vec<HostClaim>,
    references: Vec<Reference>,
    reference_shapes: Vec<ReferenceShape>,
    produces: Vec<Reference>,
}

/// The facts, ready to use.
#[derive(Clone, Debug)]
pub struct K8s {
    /// Kinds the baseline owns and whose names cannot change (rule 1).
    pub not_emitted: Vec<String>,
    /// A reference to these ignores namespaces.
    pub cluster_scoped: Vec<String>,
    /// Kind → path of its pod spec.
    pub pod_specs: HashMap<String, Vec<String>>,
    /// The container lists of a pod spec (`@c` in paths).
    pub container_lists: Vec<String>,
    /// Rule 3: every selector kind and what it selects.
    pub selectors: Vec<Selector>,
    /// Kinds known to label the pods they make with their own name.
    pub label_owner_kinds: Vec<KindSel>,
    /// The pods operators make for custom resources, set by set (each kind is
    /// also a label owner kind): rule 3 narrows a selector of their fixed labels,
    /// `check --baseline` counts them as pods of the resource.
    pub operator_pods: Vec<OperatorPods>,
    /// Rule 10: objects operators make for custom resources, named after them.
    pub operator_objects: Vec<OperatorObjects>,
    /// Labels a controller gives each pod it makes with the pod's name,
    /// `<controller>-<ordinal>` (a StatefulSet's `statefulset.kubernetes.io/pod-name`),
    /// and the controller's kind.
    pub pod_name_labels: Vec<(String, KindSel)>,
    /// Preferred keys of the pair that narrows an empty NetworkPolicy podSelector.
    pub narrow_keys: Vec<String>,
    /// `check --baseline`: classes that name their controller, kind → path of the
    /// controller's name.
    pub controller_classes: HashMap<String, Vec<String>>,
    /// `check --baseline`: kinds whose webhooks intercept requests cluster-wide.
    pub webhook_kinds: Vec<String>,
    /// `check --baseline`: workloads that run once and reconcile nothing.
    pub run_once_kinds: Vec<String>,
    pub route_kinds: Vec<KindSel>,
    /// What a route's parentRef names when it gives no kind or group.
    pub gateway: KindSel,
    pub name_limits: HashMap<String, usize>,
    pub default_name_limit: usize,
    pub label_value_limit: usize,
    pub plurals: HashMap<String, String>,
    pub argo_tracking_annotation: String,
    pub argo_instance_label: String,
    /// Rule 4: fields that claim (or describe) hostnames.
    pub host_claims: Vec<HostRule>,
    /// The reference table: built-in entries, then the config file's.
    pub references: Vec<TableRef>,
    /// API groups of Kubernetes itself; an object of any other group is a custom
    /// resource.
    pub builtin_groups: Vec<String>,
    /// Keys whose value maps label or annotation keys to strings: no typed
    /// reference lives there.
    pub string_map_keys: Vec<String>,
    /// Familiar reference shapes, followed anywhere in a custom resource: built-in
    /// entries, then the config file's.
    pub shapes: Vec<Shape>,
    /// Rule 10: fields and flags that name what an object makes at run time.
    pub produces: Vec<TableRef>,
}

static BUILTIN: LazyLock<Result<K8s, String>> = LazyLock::new(|| {
    let f: File = serde_json::from_str(BUILTIN_JSON)
        .map_err(|e| format!("src/k8s/builtin.yaml (as built): {e}"))?;
    K8s::from_file(f)
});

impl K8s {
    /// The built-in facts (parsed on first use).
    pub fn builtin() -> Result<&'static K8s, String> {
        BUILTIN.as_ref().map_err(Clone::clone)
    }

    /// Reads `builtin.yaml`'s text (what `build.rs` does at build time; here for
    /// the test that the embedded JSON is that file).
    pub fn read_yaml(text: &str) -> Result<File, String> {
        let mut options = serde_saphyr::Options::default();
        options.budget = None;
        options.with_snippet = false;
        serde_saphyr::from_str_with_options(text, options)
            .map_err(|e| format!("src/k8s/builtin.yaml: {e}"))
    }

    fn from_file(mut f: File) -> Result<K8s, String> {
        let tables = Tables {
            host_claims: std::mem::take(&mut f.host_claims),
            references: std::mem::take(&mut f.references),
            reference_shapes: std::mem::take(&mut f.reference_shapes),
            produces: std::mem::take(&mut f.produces),
        };
        let mut k = K8s {
            not_emitted: f.not_emitted,
            cluster_scoped: f.cluster_scoped,
            pod_specs: f
                .pod_specs
                .into_iter()
                .map(|(kind, path)| (kind, path.split('.').map(str::to_string).collect()))
                .collect(),
            container_lists: f.container_lists,
            selectors: f.selectors.iter().map(Selector::from_entry).collect(),
            label_owner_kinds: f
                .label_owner_kinds
                .iter()
                .map(|s| KindSel::parse(s))
                .collect(),
            operator_pods: f
                .operator_pods
                .iter()
                .map(OperatorPods::build)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("src/k8s/builtin.yaml: {e}"))?,
            operator_objects: f
                .operator_objects
                .iter()
                .map(OperatorObjects::build)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("src/k8s/builtin.yaml: {e}"))?,
            pod_name_labels: f
                .pod_name_labels
                .iter()
                .map(|e| (e.label.clone(), KindSel::parse(&e.kind)))
                .collect(),
            narrow_keys: f.narrow_keys,
            controller_classes: f
                .controller_classes
                .into_iter()
                .map(|(kind, path)| (kind, path.split('.').map(str::to_string).collect()))
                .collect(),
            webhook_kinds: f.webhook_kinds,
            run_once_kinds: f.run_once_kinds,
            route_kinds: f.route_kinds.iter().map(|s| KindSel::parse(s)).collect(),
            gateway: KindSel::parse(&f.gateway),
            name_limits: f.name_limits,
            default_name_limit: f.default_name_limit,
            label_value_limit: f.label_value_limit,
            plurals: f.plurals,
            argo_tracking_annotation: f.argo_tracking_annotation,
            argo_instance_label: f.argo_instance_label,
            host_claims: Vec::new(),
            references: Vec::new(),
            builtin_groups: f.builtin_groups,
            string_map_keys: f.string_map_keys,
            shapes: Vec::new(),
            produces: Vec::new(),
        };
        k.compile_tables(&tables)?;
        Ok(k)
    }

    /// The table entries that compile into paths and rules.
    fn compile_tables(&mut self, f: &Tables) -> Result<(), String> {
        let k = self;
        for (i, c) in f.host_claims.iter().enumerate() {
            let rule = HostRule::build(c)
                .map_err(|e| format!("src/k8s/builtin.yaml: host claim {}: {e}", i + 1))?;
            k.host_claims.push(rule);
        }
        for (i, r) in f.references.iter().enumerate() {
            let rules = k
                .rules_for(r)
                .map_err(|e| format!("src/k8s/builtin.yaml: reference {}: {e}", i + 1))?;
            k.references.extend(rules);
        }
        for (i, s) in f.reference_shapes.iter().enumerate() {
            let shape = Self::shape_for(s)
                .map_err(|e| format!("src/k8s/builtin.yaml: reference shape {}: {e}", i + 1))?;
            k.shapes.push(shape);
        }
        for (i, r) in f.produces.iter().enumerate() {
            let rules = k
                .rules_for(r)
                .map_err(|e| format!("src/k8s/builtin.yaml: produces {}: {e}", i + 1))?;
            k.produces.extend(rules);
        }
        Ok(())
    }

    /// The shape one `reference_shapes` entry stands for.
    pub fn shape_for(s: &ReferenceShape) -> Result<Shape, String> {
        Shape::build(
            &s.key,
            &s.target,
            s.name.as_deref(),
            &s.requires,
            s.namespace_from.as_deref(),
        )
    }

    /// Objects of this API group are custom resources (not Kubernetes' own).
    pub fn is_custom_group(&self, group: &str) -> bool {
        !self.builtin_groups.iter().any(|g| g == group)
    }

    /// The table rules one reference entry stands for (a `@c` path gives several).
    pub fn rules_for(&self, r: &Reference) -> Result<Vec<TableRef>, String> {
        TableRef::build(r, &self.container_lists)
    }

    /// Documents of this kind are owned by the baseline and never emitted.
    pub fn is_not_emitted(&self, kind: &str) -> bool {
        self.not_emitted.iter().any(|k| k == kind)
    }

    pub fn is_cluster_scoped(&self, kind: &str) -> bool {
        self.cluster_scoped.iter().any(|k| k == kind)
    }

    /// The pod spec of a document, if its kind has one.
    pub fn pod_spec(&self, doc: &Doc<'_>, root: NodeId, kind: &str) -> Option<NodeId> {
        let path = self.pod_specs.get(kind)?;
        let mut at = root;
        for key in path {
            at = doc.get(at, key)?;
        }
        doc.is_map(at).then_some(at)
    }

    /// Longest name an object of `kind` may have.
    pub fn name_limit(&self, kind: &str) -> usize {
        self.name_limits
            .get(kind)
            .copied()
            .unwrap_or(self.default_name_limit)
    }

    /// Whether an object of this kind may make pods labelled with its own name
    /// (rule 3): `Some(0)` for a kind known to, `Some(1)` for any other custom
    /// resource, `None` for the other kinds of Kubernetes' own groups.
    pub fn label_owner_rank(&self, kind: &str, group: &str) -> Option<u8> {
        if self
            .label_owner_kinds
            .iter()
            .any(|k| k.matches(kind, group))
        {
            Some(0)
        } else if !self.is_custom_group(group) {
            None
        } else {
            Some(1)
        }
    }

    /// Every set of pods the operators of the table make for the resource
    /// `kind`/`name` (`root` in `doc`), with its labels.
    pub fn operator_pod_sets(
        &self,
        doc: &Doc<'_>,
        root: NodeId,
        kind: &str,
        group: &str,
        name: &str,
    ) -> Vec<FilledPodSet> {
        self.operator_pods
            .iter()
            .filter(|o| o.kind.matches(kind, group))
            .flat_map(|o| o.fill(doc, root, name))
            .collect()
    }

    /// The label that names each pod a controller of this kind makes,
    /// `<name>-<ordinal>` (`pod_name_labels`).
    pub fn pod_name_label(&self, kind: &str, group: &str) -> Option<&str> {
        self.pod_name_labels
            .iter()
            .find(|(_, k)| k.matches(kind, group))
            .map(|(label, _)| label.as_str())
    }

    pub fn is_route(&self, kind: &str, group: &str) -> bool {
        self.route_kinds.iter().any(|k| k.matches(kind, group))
    }

    /// How RBAC `resources` names a kind: `configmaps` for ConfigMap.
    pub fn plural(&self, kind: &str) -> String {
        match self.plurals.get(kind) {
            Some(p) => p.clone(),
            None => refs::english_plural(kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_json_is_builtin_yaml() {
        // build.rs wrote the JSON from the YAML; read both the same way.
        // (As JSON values: the mappings' order is a HashMap's.)
        let from_yaml = serde_json::to_value(K8s::read_yaml(BUILTIN_YAML).unwrap()).unwrap();
        let from_json: File = serde_json::from_str(BUILTIN_JSON).unwrap();
        assert_eq!(from_yaml, serde_json::to_value(&from_json).unwrap());
        assert!(from_yaml["references"].as_array().unwrap().len() > 90);
    }

    #[test]
    fn operator_pod_sets_read_their_placeholders_from_the_resource() {
        let k = K8s::builtin().unwrap();
        let sets = |text: &str| {
            let mut out = Vec::new();
            crate::yaml::for_each_doc(text, |doc: &Doc<'_>| -> Result<(), ()> {
                let root = doc.root().unwrap();
                let kind = doc.get_str(root, "kind").unwrap();
                let group = doc
                    .get_str(root, "apiVersion")
                    .unwrap()
                    .split('/')
                    .next()
                    .unwrap();
                let name = doc
                    .path(root, &["metadata", "name"])
                    .and_then(|n| doc.str(n))
                    .unwrap();
                out.extend(k.operator_pod_sets(doc, root, kind, group, name));
                Ok(())
            })
            .unwrap()
            .unwrap();
            out
        };
        // Only the components the Kafka asks for.
        let kafka = sets(
            "apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata: {name: ev}\nspec: {kafka: {}, entityOperator: {}, cruiseControl: null}\n",
        );
        assert_eq!(kafka.len(), 1);
        let eo = kafka[0].values();
        assert!(eo.contains(&("strimzi.io/name".into(), "ev-entity-operator".into())));
        assert_eq!(kafka[0].labels[kafka[0].owner].1, [Part::Name("ev".into())]);
        // A pool's pods carry its Kafka's name, read from the pool's label.
        let pool = sets(
            "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaNodePool\nmetadata: {name: b, labels: {strimzi.io/cluster: ev}}\n",
        );
        let values = pool[0].values();
        assert!(values.contains(&("app.kubernetes.io/part-of".into(), "strimzi-ev".into())));
        assert!(values.contains(&("strimzi.io/pool-name".into(), "b".into())));
        // Without the label its pods cannot be told.
        let orphan = sets(
            "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaNodePool\nmetadata: {name: b}\n",
        );
        assert!(orphan.is_empty());
        let pooler = sets(
            "apiVersion: postgresql.cnpg.io/v1\nkind: Pooler\nmetadata: {name: p}\nspec: {cluster: {name: db}}\n",
        );
        assert_eq!(
            pooler[0].labels[pooler[0].owner].1,
            [Part::Name("db".into())]
        );
    }

    #[test]
    fn operator_pods_entries_are_checked() {
        let entry = |owner: &str, value: &str| schema::OperatorPodsEntry {
            kind: "X.example.com".into(),
            owner: owner.into(),
            pods: vec![schema::PodSetEntry {
                when: None,
                labels: schema::Pairs(vec![("a".into(), value.into())]),
            }],
        };
        assert!(OperatorPods::build(&entry("a", "{name}")).is_ok());
        assert!(OperatorPods::build(&entry("a", "x-{name}")).is_err());
        assert!(OperatorPods::build(&entry("b", "{name}")).is_err());
        assert!(OperatorPods::build(&entry("a", "{nmae}")).is_err());
        assert!(OperatorPods::build(&entry("a", "{name")).is_err());
    }

    #[test]
    fn builtin_table_reads() {
        let k = K8s::builtin().unwrap();
        assert!(k.references.len() > 90, "{}", k.references.len());
        assert!(k.is_not_emitted("CustomResourceDefinition"));
        assert_eq!(k.name_limit("CronJob"), 52);
        assert_eq!(k.name_limit("ConfigMap"), 253);
        assert_eq!(k.plural("Endpoints"), "endpoints");
        assert_eq!(k.plural("NetworkPolicy"), "networkpolicies");
        assert!(k.is_route("HTTPRoute", "gateway.networking.k8s.io"));
        assert_eq!(
            k.label_owner_rank("Prometheus", "monitoring.coreos.com"),
            Some(0)
        );
        assert_eq!(k.label_owner_rank("Job", "batch"), Some(0));
        assert_eq!(
            k.label_owner_rank("HTTPRoute", "gateway.networking.k8s.io"),
            Some(1)
        );
        assert_eq!(k.label_owner_rank("Service", ""), None);
        let narrowed = |kind: &str, group: &str| {
            k.selectors
                .iter()
                .find(|s| s.from.iter().any(|f| f.matches(kind, group)))
                .map(|s| (s.narrow_empty, s.when_absent))
        };
        assert_eq!(
            narrowed("NetworkPolicy", "networking.k8s.io"),
            Some((true, WhenAbsent::Everything))
        );
        assert_eq!(
            narrowed("PodDisruptionBudget", "policy"),
            Some((true, WhenAbsent::Nothing))
        );
        assert_eq!(
            narrowed("Deployment", "apps"),
            Some((false, WhenAbsent::Nothing))
        );
        let svc = &k.selectors[0];
        assert!(
            svc.from[0].matches("Service", "")
                && !svc.from[0].matches("Service", "serving.knative.dev")
        );
        assert!(!k.is_route("HTTPRoute", "example.com"));
        // `@c` gives one rule per container list.
        let env_secret = k
            .references
            .iter()
            .filter(|r| r.shown.ends_with("env[].valueFrom.secretKeyRef.name"))
            .count();
        assert_eq!(env_secret, k.container_lists.len());
        // An empty roleRef.apiGroup is what the API server stores for it.
        let role_ref = k
            .references
            .iter()
            .find(|r| r.shown == "roleRef.name")
            .unwrap();
        assert_eq!(
            role_ref.group_default.for_kind("Role"),
            Some("rbac.authorization.k8s.io")
        );
        let subjects = k
            .references
            .iter()
            .find(|r| r.shown == "subjects[].name")
            .unwrap();
        assert_eq!(subjects.group_default.for_kind("ServiceAccount"), Some(""));
        assert!(k.is_custom_group("gateway.networking.k8s.io"));
        assert!(!k.is_custom_group("apps") && !k.is_custom_group(""));
        assert!(k.shapes.iter().any(|s| s.key == "secretKeyRef"));
        // An operator that labels its pods is a label owner for rule 3 too.
        assert!(!k.operator_pods.is_empty());
        for o in &k.operator_pods {
            let group = o.kind.group.as_deref().unwrap_or("");
            assert_eq!(k.label_owner_rank(&o.kind.kind, group), Some(0), "{o:?}");
            assert!(o.pods.iter().all(|p| !p.labels.is_empty()), "{o:?}");
        }
        // What an operator makes is named after its resource, and is a kind
        // references can name.
        assert!(!k.operator_objects.is_empty());
        for o in &k.operator_objects {
            assert!(o.kind.group.is_some(), "{o:?}");
            assert!(["Service", "Secret"].contains(&o.target.as_str()), "{o:?}");
            assert!(o.names.iter().all(|n| n.contains("{name}")), "{o:?}");
            assert!(
                o.names
                    .iter()
                    .all(|n| !OperatorObjects::fill(n, "db").contains('{'))
            );
        }
        let prometheus = &k.operator_pods[0].pods[0].labels;
        assert_eq!(
            prometheus[0],
            (
                "app.kubernetes.io/name".into(),
                vec![Piece::Text("prometheus".into())]
            )
        );
        assert_eq!(
            k.controller_classes["GatewayClass"],
            ["spec", "controllerName"]
        );
    }
}
