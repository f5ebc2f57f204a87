//! The reference table: where objects name other objects, as data.
//!
//! Each line is `REFERRING-KINDS PATH TARGET [ns=KEY]`:
//! - REFERRING-KINDS: comma-separated `Kind` or `Kind.group`; `@pod` means every
//!   kind with a pod template, and PATH is then relative to the pod spec.
//! - PATH: dot-separated keys; `[]` after a key visits every item of that list;
//!   `@c` stands for containers, initContainers and ephemeralContainers; a key with
//!   dots is written in single quotes.
//! - TARGET: a kind (`Secret`), or `<key>` / `<key:Default>` to read the kind from the
//!   sibling key next to the name (`roleRef.kind`, `backendRefs[].kind` defaulting
//!   to Service), or `@resources` for RBAC `resourceNames` (the kind comes from the
//!   rule's `resources`). Where a sibling `group`/`apiGroup` is given it must match
//!   the target object's API group too.
//! - `ns=KEY`: the sibling key that holds the target's namespace (default: the
//!   referring object's own namespace).
//!
//! A reference is rewritten only when its target is emitted by the same stream
//! (SPEC rule 2); every other name keeps its exact bytes.

use crate::syntax::{Doc, NodeId};

/// Pod-template kinds and where their pod spec lives.
pub const POD_SPEC_PATHS: &[(&str, &[&str])] = &[
    ("Pod", &["spec"]),
    ("PodTemplate", &["template", "spec"]),
    ("Deployment", &["spec", "template", "spec"]),
    ("ReplicaSet", &["spec", "template", "spec"]),
    ("DaemonSet", &["spec", "template", "spec"]),
    ("StatefulSet", &["spec", "template", "spec"]),
    ("Job", &["spec", "template", "spec"]),
    ("ReplicationController", &["spec", "template", "spec"]),
    (
        "CronJob",
        &["spec", "jobTemplate", "spec", "template", "spec"],
    ),
    ("Rollout", &["spec", "template", "spec"]),
    ("ScaledJob", &["spec", "jobTargetRef", "template", "spec"]),
];

/// The pod spec of a document, if its kind has one.
pub fn pod_spec(doc: &Doc<'_>, root: NodeId, kind: &str) -> Option<NodeId> {
    let (_, path) = POD_SPEC_PATHS.iter().find(|(k, _)| *k == kind)?;
    doc.path(root, path).filter(|&n| doc.is_map(n))
}

pub const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

/// The built-in table (DESIGN §3).
pub const BUILTIN: &str = r#"
@pod volumes[].configMap.name ConfigMap
@pod volumes[].secret.secretName Secret
@pod volumes[].projected.sources[].configMap.name ConfigMap
@pod volumes[].projected.sources[].secret.name Secret
@pod volumes[].persistentVolumeClaim.claimName PersistentVolumeClaim
@pod volumes[].csi.nodePublishSecretRef.name Secret
@pod volumes[].cephfs.secretRef.name Secret
@pod volumes[].rbd.secretRef.name Secret
@pod volumes[].iscsi.secretRef.name Secret
@pod volumes[].flexVolume.secretRef.name Secret
@pod volumes[].azureFile.secretName Secret
@pod @c[].env[].valueFrom.configMapKeyRef.name ConfigMap
@pod @c[].env[].valueFrom.secretKeyRef.name Secret
@pod @c[].envFrom[].configMapRef.name ConfigMap
@pod @c[].envFrom[].secretRef.name Secret
@pod imagePullSecrets[].name Secret
@pod serviceAccountName ServiceAccount
@pod serviceAccount ServiceAccount
@pod priorityClassName PriorityClass
@pod runtimeClassName RuntimeClass
@pod resourceClaims[].resourceClaimName ResourceClaim
StatefulSet spec.serviceName Service
StatefulSet spec.volumeClaimTemplates[].spec.storageClassName StorageClass
StatefulSet spec.volumeClaimTemplates[].spec.volumeName PersistentVolume
ServiceAccount imagePullSecrets[].name Secret
ServiceAccount secrets[].name Secret
Secret metadata.annotations.'kubernetes.io/service-account.name' ServiceAccount
PersistentVolumeClaim spec.volumeName PersistentVolume
PersistentVolumeClaim spec.storageClassName StorageClass
Ingress spec.rules[].http.paths[].backend.service.name Service
Ingress spec.rules[].http.paths[].backend.serviceName Service
Ingress spec.defaultBackend.service.name Service
Ingress spec.backend.serviceName Service
Ingress spec.tls[].secretName Secret
Ingress spec.ingressClassName IngressClass
APIService spec.service.name Service ns=namespace
MutatingWebhookConfiguration webhooks[].clientConfig.service.name Service ns=namespace
ValidatingWebhookConfiguration webhooks[].clientConfig.service.name Service ns=namespace
CustomResourceDefinition spec.conversion.webhook.clientConfig.service.name Service ns=namespace
RoleBinding,ClusterRoleBinding roleRef.name <kind>
RoleBinding,ClusterRoleBinding subjects[].name <kind> ns=namespace
Role,ClusterRole rules[].resourceNames[] @resources
HorizontalPodAutoscaler spec.scaleTargetRef.name <kind>
VerticalPodAutoscaler.autoscaling.k8s.io spec.targetRef.name <kind>
ValidatingAdmissionPolicyBinding spec.policyName ValidatingAdmissionPolicy
MutatingAdmissionPolicyBinding spec.policyName MutatingAdmissionPolicy
HTTPRoute,GRPCRoute,TLSRoute,TCPRoute,UDPRoute spec.rules[].backendRefs[].name <kind:Service> ns=namespace
HTTPRoute,GRPCRoute spec.rules[].filters[].requestMirror.backendRef.name <kind:Service> ns=namespace
HTTPRoute,GRPCRoute spec.rules[].backendRefs[].filters[].requestMirror.backendRef.name <kind:Service> ns=namespace
HTTPRoute,GRPCRoute,TLSRoute,TCPRoute,UDPRoute spec.parentRefs[].name <kind:Gateway> ns=namespace
Gateway.gateway.networking.k8s.io spec.listeners[].tls.certificateRefs[].name <kind:Secret> ns=namespace
Gateway.gateway.networking.k8s.io spec.gatewayClassName GatewayClass
ReferenceGrant.gateway.networking.k8s.io spec.to[].name <kind>
Certificate.cert-manager.io spec.secretName Secret
Certificate.cert-manager.io spec.issuerRef.name <kind:Issuer>
Certificate.cert-manager.io spec.keystores.jks.passwordSecretRef.name Secret
Certificate.cert-manager.io spec.keystores.pkcs12.passwordSecretRef.name Secret
Issuer.cert-manager.io,ClusterIssuer.cert-manager.io spec.ca.secretName Secret
Issuer.cert-manager.io,ClusterIssuer.cert-manager.io spec.acme.privateKeySecretRef.name Secret
Issuer.cert-manager.io,ClusterIssuer.cert-manager.io spec.vault.auth.tokenSecretRef.name Secret
ExternalSecret.external-secrets.io spec.secretStoreRef.name <kind:SecretStore>
ExternalSecret.external-secrets.io spec.target.name Secret
PushSecret.external-secrets.io spec.secretStoreRefs[].name <kind:SecretStore>
PushSecret.external-secrets.io spec.selector.secret.name Secret
ServiceMonitor.monitoring.coreos.com spec.endpoints[].basicAuth.username.name Secret
ServiceMonitor.monitoring.coreos.com spec.endpoints[].basicAuth.password.name Secret
ServiceMonitor.monitoring.coreos.com spec.endpoints[].bearerTokenSecret.name Secret
ServiceMonitor.monitoring.coreos.com spec.endpoints[].authorization.credentials.name Secret
ServiceMonitor.monitoring.coreos.com spec.endpoints[].oauth2.clientSecret.name Secret
ServiceMonitor.monitoring.coreos.com spec.endpoints[].tlsConfig.ca.secret.name Secret
ServiceMonitor.monitoring.coreos.com spec.endpoints[].tlsConfig.ca.configMap.name ConfigMap
ServiceMonitor.monitoring.coreos.com spec.endpoints[].tlsConfig.cert.secret.name Secret
ServiceMonitor.monitoring.coreos.com spec.endpoints[].tlsConfig.cert.configMap.name ConfigMap
ServiceMonitor.monitoring.coreos.com spec.endpoints[].tlsConfig.keySecret.name Secret
PodMonitor.monitoring.coreos.com spec.podMetricsEndpoints[].basicAuth.username.name Secret
PodMonitor.monitoring.coreos.com spec.podMetricsEndpoints[].basicAuth.password.name Secret
PodMonitor.monitoring.coreos.com spec.podMetricsEndpoints[].bearerTokenSecret.name Secret
PodMonitor.monitoring.coreos.com spec.podMetricsEndpoints[].authorization.credentials.name Secret
PodMonitor.monitoring.coreos.com spec.podMetricsEndpoints[].tlsConfig.ca.secret.name Secret
PodMonitor.monitoring.coreos.com spec.podMetricsEndpoints[].tlsConfig.keySecret.name Secret
Prometheus.monitoring.coreos.com,Alertmanager.monitoring.coreos.com,ThanosRuler.monitoring.coreos.com spec.serviceAccountName ServiceAccount
Prometheus.monitoring.coreos.com,Alertmanager.monitoring.coreos.com spec.secrets[] Secret
Prometheus.monitoring.coreos.com,Alertmanager.monitoring.coreos.com spec.configMaps[] ConfigMap
Prometheus.monitoring.coreos.com,Alertmanager.monitoring.coreos.com spec.imagePullSecrets[].name Secret
Prometheus.monitoring.coreos.com spec.alerting.alertmanagers[].name Service ns=namespace
Prometheus.monitoring.coreos.com spec.additionalScrapeConfigs.name Secret
Prometheus.monitoring.coreos.com spec.additionalAlertManagerConfigs.name Secret
Prometheus.monitoring.coreos.com spec.additionalAlertRelabelConfigs.name Secret
Prometheus.monitoring.coreos.com spec.web.tlsConfig.keySecret.name Secret
Alertmanager.monitoring.coreos.com spec.configSecret Secret
ScaledObject.keda.sh spec.scaleTargetRef.name <kind:Deployment>
ScaledObject.keda.sh,ScaledJob.keda.sh spec.triggers[].authenticationRef.name <kind:TriggerAuthentication>
TriggerAuthentication.keda.sh,ClusterTriggerAuthentication.keda.sh spec.secretTargetRef[].name Secret
"#;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindSel {
    pub kind: String,
    pub group: Option<String>,
}

impl KindSel {
    /// `Kind` or `Kind.group`.
    pub fn parse(s: &str) -> KindSel {
        match s.split_once('.') {
            Some((k, g)) => KindSel {
                kind: k.to_string(),
                group: Some(g.to_string()),
            },
            None => KindSel {
                kind: s.to_string(),
                group: None,
            },
        }
    }

    pub fn matches(&self, kind: &str, group: &str) -> bool {
        self.kind == kind && self.group.as_deref().is_none_or(|g| g == group)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    /// Every item of a sequence.
    Each,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Kind(String),
    /// Kind read from a sibling key, with a default when the key is absent.
    Sibling {
        key: String,
        default: Option<String>,
    },
    /// RBAC: the kinds named by the rule's `resources`.
    Resources,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub from: Vec<KindSel>,
    /// Set for `@pod` rules: the path is relative to the pod spec.
    pub in_pod_spec: bool,
    pub path: Vec<Seg>,
    pub target: Target,
    pub ns_key: Option<String>,
    /// The path as written, for the `-v` report.
    pub shown: String,
}

/// Splits a path on dots outside single quotes; `@c` expands to the container lists.
fn parse_path(s: &str) -> Result<Vec<Vec<Seg>>, String> {
    let mut out: Vec<Vec<Seg>> = vec![Vec::new()];
    let mut rest = s;
    while !rest.is_empty() {
        let (key, after) = if let Some(q) = rest.strip_prefix('\'') {
            let close = q
                .find('\'')
                .ok_or_else(|| format!("unclosed quote in path {s:?}"))?;
            (&q[..close], &q[close + 1..])
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        if key.is_empty() {
            return Err(format!("empty key in path {s:?}"));
        }
        let (each, after) = match after.strip_prefix("[]") {
            Some(a) => (true, a),
            None => (false, after),
        };
        if key == "@c" {
            // The one expansion: a copy of every path so far per container list.
            out = out
                .iter()
                .flat_map(|base| {
                    CONTAINER_LISTS.iter().map(move |k| {
                        let mut p = base.clone();
                        p.push(Seg::Key((*k).to_string()));
                        p
                    })
                })
                .collect();
        } else {
            for p in &mut out {
                p.push(Seg::Key(key.to_string()));
            }
        }
        if each {
            for p in &mut out {
                p.push(Seg::Each);
            }
        }
        rest = match after.strip_prefix('.') {
            Some(a) if !a.is_empty() => a,
            None if after.is_empty() => "",
            _ => return Err(format!("bad path {s:?}: expected `.` between keys")),
        };
    }
    if out[0].is_empty() {
        return Err("empty path".into());
    }
    Ok(out)
}

fn parse_target(s: &str) -> Result<Target, String> {
    if s == "@resources" {
        return Ok(Target::Resources);
    }
    if let Some(inner) = s.strip_prefix('<').and_then(|x| x.strip_suffix('>')) {
        let (key, default) = match inner.split_once(':') {
            Some((k, d)) => (k, Some(d.to_string())),
            None => (inner, None),
        };
        if key.is_empty() {
            return Err(format!("bad target {s:?}"));
        }
        return Ok(Target::Sibling {
            key: key.to_string(),
            default,
        });
    }
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("bad target kind {s:?}"));
    }
    Ok(Target::Kind(s.to_string()))
}

impl Rule {
    /// Builds rules from one table line's parts (a `@c` path gives several rules).
    pub fn build(
        from: &str,
        path: &str,
        target: &str,
        ns: Option<&str>,
    ) -> Result<Vec<Rule>, String> {
        let in_pod_spec = from == "@pod";
        let from: Vec<KindSel> = if in_pod_spec {
            Vec::new()
        } else {
            from.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(KindSel::parse)
                .collect()
        };
        if !in_pod_spec && from.is_empty() {
            return Err("no referring kind".into());
        }
        let target = parse_target(target)?;
        Ok(parse_path(path)?
            .into_iter()
            .map(|path| Rule {
                from: from.clone(),
                in_pod_spec,
                shown: if in_pod_spec {
                    format!("<pod spec>.{}", display_path(&path))
                } else {
                    display_path(&path)
                },
                path,
                target: target.clone(),
                ns_key: ns.map(str::to_string),
            })
            .collect())
    }
}

/// A path as written in the table, e.g. `spec.rules[].backendRefs[].name`.
pub fn display_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Each => out.push_str("[]"),
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                if k.contains('.') {
                    out.push('\'');
                    out.push_str(k);
                    out.push('\'');
                } else {
                    out.push_str(k);
                }
            }
        }
    }
    out
}

/// Parses table text in the format above.
pub fn parse_table(text: &str) -> Result<Vec<Rule>, String> {
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        let (from, path, target, ns) = match parts.as_slice() {
            [f, p, t] => (*f, *p, *t, None),
            [f, p, t, n] => match n.strip_prefix("ns=") {
                Some(k) => (*f, *p, *t, Some(k)),
                None => return Err(format!("line {}: expected ns=KEY, got {n:?}", i + 1)),
            },
            _ => {
                return Err(format!(
                    "line {}: expected `KINDS PATH TARGET [ns=KEY]`",
                    i + 1
                ));
            }
        };
        rules.extend(
            Rule::build(from, path, target, ns).map_err(|e| format!("line {}: {e}", i + 1))?,
        );
    }
    Ok(rules)
}

/// One name found at a rule's path.
pub struct Found {
    /// The scalar holding the name.
    pub leaf: NodeId,
    /// The mapping that holds it (or holds the list it is an item of).
    pub holder: NodeId,
}

/// Visits every scalar at `path` below `at`.
pub fn walk(doc: &Doc<'_>, at: NodeId, path: &[Seg], holder: NodeId, out: &mut Vec<Found>) {
    match path.split_first() {
        None => {
            if doc.is_scalar(at) {
                out.push(Found { leaf: at, holder });
            }
        }
        Some((Seg::Key(k), rest)) => {
            if let Some(v) = doc.get(at, k) {
                walk(doc, v, rest, at, out);
            }
        }
        Some((Seg::Each, rest)) => {
            if doc.is_seq(at) {
                for item in doc.children(at) {
                    walk(doc, item, rest, holder, out);
                }
            }
        }
    }
}

/// `configmaps` for ConfigMap: how RBAC `resources` names a kind.
pub fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower == "endpoints" {
        return lower;
    }
    if lower.ends_with('s') || lower.ends_with('x') || lower.ends_with("ch") {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y') {
        if stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            format!("{lower}s")
        } else {
            format!("{stem}ies")
        }
    } else {
        format!("{lower}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses() {
        let rules = parse_table(BUILTIN).unwrap();
        assert!(rules.len() > 90, "{}", rules.len());
        // `@c` gives one rule per container list.
        let env_secret = rules
            .iter()
            .filter(|r| {
                r.path.last() == Some(&Seg::Key("name".into()))
                    && r.path.contains(&Seg::Key("secretKeyRef".into()))
            })
            .count();
        assert_eq!(env_secret, 3);
    }

    #[test]
    fn paths_with_quotes_and_lists() {
        let p = parse_path("metadata.annotations.'a.b/c'").unwrap();
        assert_eq!(
            p[0],
            vec![
                Seg::Key("metadata".into()),
                Seg::Key("annotations".into()),
                Seg::Key("a.b/c".into())
            ]
        );
        let p = parse_path("spec.secrets[]").unwrap();
        assert_eq!(
            p[0],
            vec![
                Seg::Key("spec".into()),
                Seg::Key("secrets".into()),
                Seg::Each
            ]
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("").is_err());
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("ConfigMap"), "configmaps");
        assert_eq!(plural("Ingress"), "ingresses");
        assert_eq!(plural("NetworkPolicy"), "networkpolicies");
        assert_eq!(plural("Gateway"), "gateways");
    }
}
