//! The schema of `builtin.yaml` and of the config file's table entries: the
//! serde types only, with no other dependency, so that `build.rs` can read the
//! YAML at build time (one check, and a JSON form that loads in microseconds;
//! see [`super::K8s::builtin`]) with exactly the types the tool uses.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What an empty or absent group beside a reference's name stands for, by the
/// kind it names (`None`: any kind).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupDefault(pub Vec<(Option<String>, String)>);

/// One entry of a reference table, as written in `builtin.yaml` and in the config
/// file's `references:`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Referring kinds: comma-separated `Kind` or `Kind.group`, or `@pod`.
    pub kind: String,
    pub path: String,
    pub target: String,
    #[serde(default)]
    pub namespace_from: Option<String>,
    /// What an empty or absent `group`/`apiGroup` beside the name means: one group
    /// (`rbac.authorization.k8s.io`), or one per named kind
    /// (`{ServiceAccount: "", User: rbac.authorization.k8s.io}`).
    #[serde(default)]
    pub group_default: Option<GroupDefaultSpec>,
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

/// `group_default` as written: a group, or a mapping kind → group (`"*"`: any kind).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDefaultSpec(pub GroupDefault);

impl<'de> Deserialize<'de> for GroupDefaultSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GroupDefaultSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an API group, or a mapping of kinds to API groups")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<GroupDefaultSpec, E> {
                Ok(GroupDefaultSpec(GroupDefault(vec![(None, v.to_string())])))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<GroupDefaultSpec, A::Error> {
                let mut out = Vec::new();
                while let Some((kind, group)) = map.next_entry::<String, String>()? {
                    out.push(((kind != "*").then_some(kind), group));
                }
                Ok(GroupDefaultSpec(GroupDefault(out)))
            }
        }
        d.deserialize_any(V)
    }
}

/// One familiar reference shape, as written in `builtin.yaml`'s and the config
/// file's `reference_shapes:` (see [`Shape`]).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceShape {
    /// The key that holds the reference, wherever it appears in a custom resource.
    pub key: String,
    /// The kind it names.
    pub target: String,
    /// The key of its mapping value that holds the name; absent: the value itself
    /// is the name.
    #[serde(default)]
    pub name: Option<String>,
    /// Other keys its mapping value must have.
    #[serde(default)]
    pub requires: Vec<String>,
    /// The key next to the name that holds the target's namespace.
    #[serde(default)]
    pub namespace_from: Option<String>,
}

/// One entry of `selectors:` as written.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SelectorEntry {
    pub kind: String,
    pub path: String,
    #[serde(default)]
    pub form: SelectorForm,
    pub selects: String,
    #[serde(default)]
    pub narrow_empty: bool,
    /// What the selector selects when the field is absent or null.
    #[serde(default)]
    pub when_absent: WhenAbsent,
}

/// What an absent or null selector field selects, by the type behind it: a
/// pointer (`*metav1.LabelSelector`: a PodDisruptionBudget's) is nil and selects
/// nothing; a struct (`metav1.LabelSelector`: a NetworkPolicy's `podSelector`)
/// decodes as empty and selects everything.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WhenAbsent {
    #[default]
    Nothing,
    Everything,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SelectorForm {
    /// `matchLabels` / `matchExpressions`.
    #[default]
    LabelSelector,
    /// A plain label map (a Service's `spec.selector`).
    Map,
}

/// One entry of the table of fields that claim hostnames (rule 4), as written in
/// `builtin.yaml` and in the config file's `host_claims:`.
#[derive(Clone, Debug, Deserialize, Serialize)]
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

pub fn yes() -> bool {
    true
}

/// How a host-claiming field writes its hosts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
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

/// One entry of `operator_pods:` as written: the sets of pods an operator makes
/// for a custom resource of one kind.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorPodsEntry {
    pub kind: String,
    /// The label every set carries with a name as its whole value (the
    /// resource's, or the resource it belongs to): the pair that tells one
    /// copy's pods from the other's.
    pub owner: String,
    pub pods: Vec<PodSetEntry>,
}

/// One set of pods in an `operator_pods` entry.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PodSetEntry {
    /// Only when the resource has this field (dot-separated keys), not null.
    #[serde(default)]
    pub when: Option<String>,
    /// The labels of these pods; `{name}`, `{label:KEY}` and `{field:PATH}`
    /// stand for the resource's name, one of its labels, one of its fields.
    pub labels: Pairs,
}

/// One entry of `pod_name_labels:` as written.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PodNameLabelEntry {
    /// The label whose value is the pod's name, `<controller>-<ordinal>`.
    pub label: String,
    /// The controller's kind (`Kind.group`).
    pub kind: String,
}

/// One entry of `operator_objects:` as written.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorObjectsEntry {
    pub kind: String,
    pub target: String,
    pub names: Vec<String>,
}

/// A mapping of strings, in the order written.
pub struct Pairs(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping of label keys to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                let mut out = Vec::new();
                while let Some(pair) = map.next_entry::<String, String>()? {
                    out.push(pair);
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The file's shape, field for field.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub not_emitted: Vec<String>,
    pub cluster_scoped: Vec<String>,
    pub pod_specs: HashMap<String, String>,
    pub container_lists: Vec<String>,
    pub selectors: Vec<SelectorEntry>,
    pub label_owner_kinds: Vec<String>,
    pub operator_pods: Vec<OperatorPodsEntry>,
    pub operator_objects: Vec<OperatorObjectsEntry>,
    pub pod_name_labels: Vec<PodNameLabelEntry>,
    pub narrow_keys: Vec<String>,
    pub controller_classes: HashMap<String, String>,
    pub webhook_kinds: Vec<String>,
    pub run_once_kinds: Vec<String>,
    pub route_kinds: Vec<String>,
    pub gateway: String,
    pub name_limits: HashMap<String, usize>,
    pub default_name_limit: usize,
    pub label_value_limit: usize,
    pub plurals: HashMap<String, String>,
    pub argo_tracking_annotation: String,
    pub argo_instance_label: String,
    pub host_claims: Vec<HostClaim>,
    pub references: Vec<Reference>,
    pub builtin_groups: Vec<String>,
    pub string_map_keys: Vec<String>,
    pub reference_shapes: Vec<ReferenceShape>,
    pub produces: Vec<Reference>,
}

impl Serialize for GroupDefaultSpec {
    /// As a mapping kind → group (`"*"`: any kind), which its `Deserialize` reads.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.0.len()))?;
        for (kind, group) in &self.0.0 {
            map.serialize_entry(kind.as_deref().unwrap_or("*"), group)?;
        }
        map.end()
    }
}

impl Serialize for Pairs {
    /// As a mapping, in order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}
