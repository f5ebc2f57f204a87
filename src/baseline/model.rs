//! What one stream puts into the namespace, as the cluster will see it: objects,
//! claimed hosts, names made at run time, pod templates, selectors and references,
//! each with its place (document, object, line, path).

use crate::baseline::selector::Selector;
use std::fmt;

/// Which of the two copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Baseline,
    Tilt,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Baseline => "baseline",
            Side::Tilt => "tilt",
        })
    }
}

/// Where a fact sits in its stream.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub doc: usize,
    /// `Kind/name`.
    pub object: String,
    pub line: usize,
    /// Field path inside the document (`spec.template.metadata.labels`).
    pub path: String,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "document {} ({}) line {}",
            self.doc, self.object, self.line
        )?;
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        Ok(())
    }
}

/// An object the stream emits.
#[derive(Clone, Debug)]
pub struct Object {
    pub kind: String,
    pub group: String,
    pub ns: Option<String>,
    pub name: String,
    pub cluster_scoped: bool,
    /// `metadata.labels` (what a ServiceMonitor selects a Service by).
    pub labels: Vec<(String, String)>,
    /// The place of `metadata.name`.
    pub place: Place,
    /// IngressClass `spec.controller`, GatewayClass `spec.controllerName`.
    pub controller: Option<String>,
    /// A custom resource whose `spec` (or a mapping directly below it) has a key
    /// that sizes or runs pods: `replicas`, `instances`, `image`, `resources`,
    /// `storage` (what `unproven` notes look for; false for Kubernetes' own kinds).
    pub pod_like: bool,
}

/// A hostname the stream claims.
#[derive(Clone, Debug)]
pub struct Claim {
    pub host: String,
    pub place: Place,
}

/// A name an object of the stream makes at run time (docs/rules.md#rule-10).
#[derive(Clone, Debug)]
pub struct Made {
    pub kind: String,
    pub ns: Option<String>,
    pub name: String,
    /// What makes it (`Certificate spec.secretName`, `--election-id`).
    pub how: String,
    pub place: Place,
    /// What an operator makes is named after its resource: (the resource's kind,
    /// group, name, and the pattern `{name}-rw`), so the other copy's name for it
    /// is the pattern filled with the renamed resource's name (`db-rw` →
    /// `db-tilt-rw`), whatever suffix that copy uses.
    pub operator: Option<OperatorOwner>,
}

/// The custom resource an operator makes a name for, and how it names it.
#[derive(Clone, Debug)]
pub struct OperatorOwner {
    pub kind: String,
    pub group: String,
    pub name: String,
    pub pattern: String,
}

/// The pods a pod template makes.
#[derive(Clone, Debug)]
pub struct Pods {
    /// Index into [`Stream::objects`].
    pub obj: usize,
    pub labels: Vec<(String, String)>,
    pub service_account: Option<String>,
    /// The template's `metadata.labels` (or the Pod's; for pods an operator makes,
    /// the custom resource's name).
    pub place: Place,
    /// Ports bound on the node: `hostPort`s, and every `containerPort` under
    /// `hostNetwork: true`.
    pub host_ports: Vec<(String, Place)>,
    /// Made by an operator for a custom resource (`operator_pods`), not by a pod
    /// template: their fixed labels are the operator's, not the chart's.
    pub by_operator: bool,
}

/// What a selector picks from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Targets {
    Pods,
    Services,
}

/// A selector of the stream.
#[derive(Clone, Debug)]
pub struct SelectorUse {
    pub obj: usize,
    pub targets: Targets,
    pub selector: Selector,
    pub place: Place,
}

/// A name reference (reference table or the typed `{kind, name}` shape).
#[derive(Clone, Debug)]
pub struct Ref {
    pub kind: String,
    /// Given by the reference (`apiGroup`, `group`, `apiVersion`); `None` when not.
    pub group: Option<String>,
    pub ns: Option<String>,
    pub name: String,
    pub place: Place,
}

/// How a word that may be an old name stands in its string (see
/// [`crate::k8s::leftover::Form`]), with what the model needs to judge it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stands {
    /// The whole value, or `KEY=word`, `--flag word`.
    Named,
    /// `prefix/word`: a namespace or a kind, or a path.
    Slash(String),
    /// The first label of a host; the rest after it (`ns.svc.cluster.local`, or
    /// empty for `word:80`, `scheme://word`).
    Host(String),
}

/// A word of a string of the copy that equals a name of the baseline (only
/// collected when the stream is read beside a baseline): the leftover scan
/// judges it once both streams are known.
#[derive(Clone, Debug)]
pub struct Mention {
    /// Index into [`Stream::objects`]: the object whose string it is.
    pub obj: usize,
    /// The name it equals.
    pub name: String,
    /// The word is `<name>-<n>`: a pod of a StatefulSet called `name`.
    pub pod: Option<String>,
    pub stands: Stands,
    /// The keys that may say what the word names: for `KEY=word` or `--flag
    /// word` inside a text, that key or flag; otherwise the string's key (an env
    /// var's name for its value) and the key above it (`brokerRef` for
    /// `brokerRef.name`).
    pub keys: Vec<String>,
    /// An RBAC `resourceNames` item: the `resources` beside it (`secrets`), the
    /// kinds it can name.
    pub resources: Option<Vec<String>>,
    /// The string's place; the line is the word's.
    pub place: Place,
    /// A Secret's `data`/`stringData`: the text is never shown.
    pub secret: bool,
}

/// A ClusterRoleBinding's ServiceAccount subjects.
#[derive(Clone, Debug)]
pub struct ClusterBinding {
    pub obj: usize,
    pub role: String,
    /// (namespace as written, name).
    pub subjects: Vec<(Option<String>, String)>,
}

/// Everything the cluster model knows about one stream.
#[derive(Clone, Debug, Default)]
pub struct Stream {
    pub objects: Vec<Object>,
    pub hosts: Vec<Claim>,
    pub made: Vec<Made>,
    pub pods: Vec<Pods>,
    pub selectors: Vec<SelectorUse>,
    pub refs: Vec<Ref>,
    pub bindings: Vec<ClusterBinding>,
    /// `nodePort`s a Service asks for (`30022/TCP`): one cluster has one each.
    pub node_ports: Vec<(String, Place)>,
    /// Words of the stream's strings that equal a name of the baseline.
    pub mentions: Vec<Mention>,
    /// Namespaces the stream names in `metadata.namespace`.
    pub namespaces: std::collections::BTreeSet<String>,
}

impl Stream {
    /// Objects by (kind, name): the identity index.
    pub fn by_kind_name(&self) -> std::collections::HashMap<(&str, &str), Vec<usize>> {
        let mut m: std::collections::HashMap<(&str, &str), Vec<usize>> =
            std::collections::HashMap::with_capacity(self.objects.len());
        for (i, o) in self.objects.iter().enumerate() {
            m.entry((o.kind.as_str(), o.name.as_str()))
                .or_default()
                .push(i);
        }
        m
    }
}

/// Two namespaces are the same place when equal, or when either is absent (the
/// shared release namespace, which the manifests do not name).
pub fn same_ns(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}
