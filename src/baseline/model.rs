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
}

/// A hostname the stream claims.
#[derive(Clone, Debug)]
pub struct Claim {
    pub host: String,
    pub place: Place,
}

/// A name an object of the stream makes at run time (SPEC rule 10).
#[derive(Clone, Debug)]
pub struct Made {
    pub kind: String,
    pub ns: Option<String>,
    pub name: String,
    /// What makes it (`Certificate spec.secretName`, `--election-id`).
    pub how: String,
    pub place: Place,
    /// The name the other copy's maker gives it, when that is not the name with
    /// the suffix: an operator names what it makes after its resource
    /// (`db-rw` → `db-tilt-rw`).
    pub counterpart: Option<String>,
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
