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

pub mod refs;

use crate::yaml::{Doc, NodeId};
use refs::{KindSel, Rule};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The embedded table (`src/k8s/builtin.yaml`).
pub const BUILTIN_YAML: &str = include_str!("builtin.yaml");

/// One entry of a reference table, as written in `builtin.yaml` and in the config
/// file's `references:`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Referring kinds: comma-separated `Kind` or `Kind.group`, or `@pod`.
    pub kind: String,
    pub path: String,
    pub target: String,
    #[serde(default)]
    pub namespace_from: Option<String>,
    /// The name is this flag's value in a list of arguments (`--secret-name`).
    #[serde(default)]
    pub flag: Option<String>,
    /// `name` (the default) or `namespace/name`.
    #[serde(default)]
    pub format: Option<String>,
    /// Only when the object carries one of these annotations.
    #[serde(default)]
    pub when_annotation: Vec<String>,
    /// Only in a container whose first argument is one of these.
    #[serde(default)]
    pub when_first_arg: Vec<String>,
}

/// One entry of the table of fields that claim hostnames (rule 4), as written in
/// `builtin.yaml` and in the config file's `host_claims:`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostClaim {
    /// Kinds: comma-separated `Kind` or `Kind.group`; `*` for every kind.
    pub kind: String,
    /// Path to the scalars holding the hosts (the reference-path syntax).
    pub path: String,
    /// How hosts are written in the value.
    #[serde(default)]
    pub format: HostFormat,
    /// `false`: the field describes hosts rather than claiming them (a
    /// Certificate's `dnsNames`): a host under a mapped domain follows the map,
    /// any other stays and is no error.
    #[serde(default = "yes")]
    pub claims: bool,
}

fn yes() -> bool {
    true
}

/// How a host-claiming field writes its hosts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostFormat {
    /// The whole value is one hostname.
    #[default]
    Host,
    /// Comma-separated hostnames (external-dns's annotation).
    List,
    /// Istio VirtualService: a name without a dot, or in a cluster's `.svc`
    /// domain, is a mesh Service (a reference), not a claim.
    Mesh,
    /// Istio Gateway: `[namespace/]host`; a name without a dot is no claim.
    NamespacedHost,
    /// Traefik rule: every `` Host(`…`) `` and `` HostSNI(`…`) `` argument.
    Traefik,
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

/// The file's shape, field for field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    not_emitted: Vec<String>,
    cluster_scoped: Vec<String>,
    pod_specs: HashMap<String, String>,
    container_lists: Vec<String>,
    map_selector_kinds: Vec<String>,
    label_selector_kinds: Vec<String>,
    pod_selector_kinds: Vec<String>,
    route_kinds: Vec<String>,
    gateway: String,
    name_limits: HashMap<String, usize>,
    default_name_limit: usize,
    label_value_limit: usize,
    plurals: HashMap<String, String>,
    argo_tracking_annotation: String,
    argo_instance_label: String,
    host_claims: Vec<HostClaim>,
    references: Vec<Reference>,
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
    /// Core kinds whose `spec.selector` is a plain label map.
    pub map_selector_kinds: Vec<String>,
    /// Kinds whose `spec.selector` is a LabelSelector.
    pub label_selector_kinds: Vec<String>,
    /// Kinds whose `spec.podSelector` is a LabelSelector.
    pub pod_selector_kinds: Vec<String>,
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
    pub references: Vec<Rule>,
    /// Rule 10: fields and flags that name what an object makes at run time.
    pub produces: Vec<Rule>,
}

static BUILTIN: LazyLock<Result<K8s, String>> = LazyLock::new(|| K8s::parse(BUILTIN_YAML));

impl K8s {
    /// The built-in facts (parsed on first use).
    pub fn builtin() -> Result<&'static K8s, String> {
        BUILTIN.as_ref().map_err(Clone::clone)
    }

    fn parse(text: &str) -> Result<K8s, String> {
        // The embedded file is ours and small: no budget accounting, no snippets
        // (a tenth of the start-up cost; tests/k8s reading proves it parses).
        let mut options = serde_saphyr::Options::default();
        options.budget = None;
        options.with_snippet = false;
        let f: File = serde_saphyr::from_str_with_options(text, options)
            .map_err(|e| format!("src/k8s/builtin.yaml: {e}"))?;
        let mut k = K8s {
            not_emitted: f.not_emitted,
            cluster_scoped: f.cluster_scoped,
            pod_specs: f
                .pod_specs
                .into_iter()
                .map(|(kind, path)| (kind, path.split('.').map(str::to_string).collect()))
                .collect(),
            container_lists: f.container_lists,
            map_selector_kinds: f.map_selector_kinds,
            label_selector_kinds: f.label_selector_kinds,
            pod_selector_kinds: f.pod_selector_kinds,
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
            produces: Vec::new(),
        };
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
        for (i, r) in f.produces.iter().enumerate() {
            let rules = k
                .rules_for(r)
                .map_err(|e| format!("src/k8s/builtin.yaml: produces {}: {e}", i + 1))?;
            k.produces.extend(rules);
        }
        Ok(k)
    }

    /// The table rules one reference entry stands for (a `@c` path gives several).
    pub fn rules_for(&self, r: &Reference) -> Result<Vec<Rule>, String> {
        Rule::build(r, &self.container_lists)
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
    fn builtin_table_reads() {
        let k = K8s::builtin().unwrap();
        assert!(k.references.len() > 90, "{}", k.references.len());
        assert!(k.is_not_emitted("CustomResourceDefinition"));
        assert_eq!(k.name_limit("CronJob"), 52);
        assert_eq!(k.name_limit("ConfigMap"), 253);
        assert_eq!(k.plural("Endpoints"), "endpoints");
        assert_eq!(k.plural("NetworkPolicy"), "networkpolicies");
        assert!(k.is_route("HTTPRoute", "gateway.networking.k8s.io"));
        assert!(!k.is_route("HTTPRoute", "example.com"));
        // `@c` gives one rule per container list.
        let env_secret = k
            .references
            .iter()
            .filter(|r| r.shown.ends_with("env[].valueFrom.secretKeyRef.name"))
            .count();
        assert_eq!(env_secret, k.container_lists.len());
    }
}
