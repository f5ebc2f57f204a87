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
pub mod operators;
pub mod refs;
pub mod schema;
pub mod words;

pub use operators::{FilledPodSet, OperatorObjects, OperatorPods, Part, Piece, PodSet, join_parts};
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

/// The table entries that compile into paths and rules, from the built-in table
/// or a config file, each with where it was written (`L`: the entry's number in
/// `builtin.yaml`, its line in a config file). [`K8s::extend`] reads both.
pub struct TableEntries<'t, L> {
    pub references: Vec<(&'t Reference, L)>,
    pub produces: Vec<(&'t Reference, L)>,
    pub reference_shapes: Vec<(&'t ReferenceShape, L)>,
    pub host_claims: Vec<(&'t HostClaim, L)>,
    pub operator_objects: Vec<(&'t OperatorObjectsEntry, L)>,
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
        let host_claims = std::mem::take(&mut f.host_claims);
        let references = std::mem::take(&mut f.references);
        let reference_shapes = std::mem::take(&mut f.reference_shapes);
        let produces = std::mem::take(&mut f.produces);
        let operator_objects = std::mem::take(&mut f.operator_objects);
        // An entry of the built-in table is found by its number in its list.
        fn numbered<T>(v: &[T]) -> Vec<(&T, usize)> {
            v.iter().zip(1..).collect()
        }
        let tables = TableEntries {
            references: numbered(&references),
            produces: numbered(&produces),
            reference_shapes: numbered(&reference_shapes),
            host_claims: numbered(&host_claims),
            operator_objects: numbered(&operator_objects),
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
            operator_objects: Vec::new(),
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
        k.extend(&tables, |key, n, e| {
            format!("src/k8s/builtin.yaml: {key} entry {n}: {e}")
        })?;
        Ok(k)
    }

    /// Adds a table's entries to these facts: the one reader of the built-in
    /// table and of a user's config file, which extends it. `fail(key, at,
    /// message)` makes the error of an entry that does not compile, naming where
    /// it was written.
    pub fn extend<L: Copy, E>(
        &mut self,
        t: &TableEntries<'_, L>,
        fail: impl Fn(&'static str, L, String) -> E,
    ) -> Result<(), E> {
        // A message that names its key already (`operator_objects: …`) names it once.
        let fail = |key: &'static str, at: L, e: String| {
            let e = match e.strip_prefix(key).and_then(|r| r.strip_prefix(": ")) {
                Some(rest) => rest.to_string(),
                None => e,
            };
            fail(key, at, e)
        };
        for &(r, at) in &t.references {
            let rules = self.rules_for(r).map_err(|e| fail("references", at, e))?;
            self.references.extend(rules);
        }
        for &(r, at) in &t.produces {
            let rules = self.rules_for(r).map_err(|e| fail("produces", at, e))?;
            self.produces.extend(rules);
        }
        for &(s, at) in &t.reference_shapes {
            let shape = Self::shape_for(s).map_err(|e| fail("reference_shapes", at, e))?;
            self.shapes.push(shape);
        }
        for &(c, at) in &t.host_claims {
            let rule = HostRule::build(c).map_err(|e| fail("host_claims", at, e))?;
            self.host_claims.push(rule);
        }
        for &(o, at) in &t.operator_objects {
            let made = OperatorObjects::build(o).map_err(|e| fail("operator_objects", at, e))?;
            self.operator_objects.push(made);
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
mod tests;
