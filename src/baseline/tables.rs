//! The fields that claim hosts (SPEC rule 4) and that make names at run time
//! (rule 10), as data, for the cluster model.
//!
//! Kept module-local and minimal on purpose: another branch adds a
//! `host_claims:` table to `src/k8s/builtin.yaml`; when it lands, [`HOST_CLAIMS`]
//! is replaced by reading that table (same idea: kinds, a path in the reference
//! table's syntax, how to read the value), and nothing else here changes.

use crate::k8s::refs::{KindSel, Rule, Seg};
use std::sync::LazyLock;

/// How a claimed value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The value is one hostname.
    Host,
    /// Comma-separated hostnames (external-dns annotation).
    Comma,
    /// A hostname only when fully qualified (Istio: a short name is a Service).
    Fqdn,
    /// `namespace/host` or `host` (Istio Gateway `servers[].hosts`).
    NsHost,
    /// A Traefik rule: every `` Host(`a`, `b`) `` / `` HostSNI(`a`) `` argument.
    Traefik,
}

/// (kinds, path, form). Kinds as in the reference table (`Kind` or `Kind.group`,
/// comma-separated); `*` is every kind.
const HOST_CLAIMS: &[(&str, &str, Form)] = &[
    (
        "HTTPRoute.gateway.networking.k8s.io,GRPCRoute.gateway.networking.k8s.io,\
         TLSRoute.gateway.networking.k8s.io,TCPRoute.gateway.networking.k8s.io,\
         UDPRoute.gateway.networking.k8s.io",
        "spec.hostnames[]",
        Form::Host,
    ),
    (
        "Ingress.networking.k8s.io,Ingress.extensions",
        "spec.rules[].host",
        Form::Host,
    ),
    (
        "Ingress.networking.k8s.io,Ingress.extensions",
        "spec.tls[].hosts[]",
        Form::Host,
    ),
    (
        "*",
        "metadata.annotations.'external-dns.alpha.kubernetes.io/hostname'",
        Form::Comma,
    ),
    (
        "Gateway.gateway.networking.k8s.io",
        "spec.listeners[].hostname",
        Form::Host,
    ),
    (
        "VirtualService.networking.istio.io",
        "spec.hosts[]",
        Form::Fqdn,
    ),
    (
        "Gateway.networking.istio.io",
        "spec.servers[].hosts[]",
        Form::NsHost,
    ),
    (
        "IngressRoute.traefik.io,IngressRoute.traefik.containo.us,\
         IngressRouteTCP.traefik.io,IngressRouteTCP.traefik.containo.us",
        "spec.routes[].match",
        Form::Traefik,
    ),
    (
        "HTTPProxy.projectcontour.io",
        "spec.virtualhost.fqdn",
        Form::Host,
    ),
];

/// When a produced name counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Always,
    /// The object carries `cert-manager.io/issuer` or `cert-manager.io/cluster-issuer`
    /// (ingress-shim, gateway-shim).
    CertManagerAnnotated,
}

/// Fields whose value names an object the referring object makes at run time:
/// (kinds, path, kind made, when).
const MADE_FIELDS: &[(&str, &str, &str, When)] = &[
    (
        "Certificate.cert-manager.io",
        "spec.secretName",
        "Secret",
        When::Always,
    ),
    (
        "Ingress.networking.k8s.io,Ingress.extensions",
        "spec.tls[].secretName",
        "Secret",
        When::CertManagerAnnotated,
    ),
    (
        "Gateway.gateway.networking.k8s.io",
        "spec.listeners[].tls.certificateRefs[].name",
        "Secret",
        When::CertManagerAnnotated,
    ),
];

/// Container flags that make an object: (flag, kind made, only in a certificate
/// generator — first arg `create` or `patch`).
pub const MADE_FLAGS: &[(&str, &str, bool)] = &[
    ("--secret-name", "Secret", true),
    ("--election-id", "Lease", false),
    ("--leader-election-id", "Lease", false),
    ("--leader-elect-resource-name", "Lease", false),
];

/// Pods an operator makes for a custom resource, and the labels it gives them
/// (DESIGN §3b "Operators label the pods they make"); `{name}` is the resource's
/// name. The chart's Services select these pods although no pod template of the
/// stream carries the labels.
pub const OPERATOR_PODS: &[(&str, &[(&str, &str)])] = &[
    (
        "Prometheus.monitoring.coreos.com",
        &[
            ("app.kubernetes.io/name", "prometheus"),
            ("app.kubernetes.io/instance", "{name}"),
            ("prometheus", "{name}"),
            ("operator.prometheus.io/name", "{name}"),
        ],
    ),
    (
        "Alertmanager.monitoring.coreos.com",
        &[
            ("app.kubernetes.io/name", "alertmanager"),
            ("app.kubernetes.io/instance", "{name}"),
            ("alertmanager", "{name}"),
        ],
    ),
    (
        "ThanosRuler.monitoring.coreos.com",
        &[
            ("app.kubernetes.io/name", "thanos-ruler"),
            ("thanos-ruler", "{name}"),
        ],
    ),
    (
        "Cluster.postgresql.cnpg.io",
        &[("cnpg.io/cluster", "{name}")],
    ),
    (
        "Kafka.kafka.strimzi.io",
        &[("strimzi.io/cluster", "{name}")],
    ),
];

/// One table line, its kinds and path parsed the reference table's way.
pub struct Field<T> {
    pub from: Vec<KindSel>,
    pub path: Vec<Seg>,
    pub shown: String,
    pub what: T,
}

impl<T> Field<T> {
    pub fn applies(&self, kind: &str, group: &str) -> bool {
        self.from
            .iter()
            .any(|k| k.kind == "*" || k.matches(kind, group))
    }
}

fn fields<T: Copy>(rows: impl Iterator<Item = (&'static str, &'static str, T)>) -> Vec<Field<T>> {
    rows.flat_map(|(kinds, path, what)| {
        let kinds: String = kinds.split_whitespace().collect();
        let entry = crate::k8s::Reference {
            kind: kinds,
            path: path.to_string(),
            target: "Object".to_string(),
            ..crate::k8s::Reference::default()
        };
        Rule::build(&entry, &[])
            .unwrap_or_else(|e| panic!("baseline table {path}: {e}"))
            .into_iter()
            .map(move |r| Field {
                from: r.from,
                path: r.path,
                shown: r.shown,
                what,
            })
    })
    .collect()
}

pub static HOSTS: LazyLock<Vec<Field<Form>>> =
    LazyLock::new(|| fields(HOST_CLAIMS.iter().copied()));

pub static MADE: LazyLock<Vec<Field<(&'static str, When)>>> = LazyLock::new(|| {
    fields(
        MADE_FIELDS
            .iter()
            .map(|&(kinds, path, kind, when)| (kinds, path, (kind, when))),
    )
});

/// The hostnames one claimed value stands for.
pub fn hosts_in(value: &str, form: Form) -> Vec<String> {
    let clean = |h: &str| h.trim().trim_end_matches('.').to_ascii_lowercase();
    match form {
        Form::Host => vec![clean(value)],
        Form::Comma => value.split(',').map(clean).collect(),
        Form::Fqdn => {
            let h = clean(value);
            // `svc`, `svc.ns`, `svc.ns.svc…`: a mesh name, which is a Service reference.
            let short = !h.contains('.')
                || h.ends_with(".svc")
                || h.ends_with(".cluster.local")
                || h.split('.').count() == 2 && !h.starts_with("*.");
            if short { Vec::new() } else { vec![h] }
        }
        Form::NsHost => vec![clean(value.rsplit_once('/').map_or(value, |(_, h)| h))],
        Form::Traefik => {
            let mut out = Vec::new();
            for call in ["Host(", "HostSNI(", "HostRegexp("] {
                let mut rest = value;
                while let Some(i) = rest.find(call) {
                    let after = &rest[i + call.len()..];
                    let end = after.find(')').unwrap_or(after.len());
                    if call != "HostRegexp(" {
                        for arg in after[..end].split(',') {
                            let h = arg.trim().trim_matches(['`', '"', '\'']);
                            if !h.is_empty() && h != "*" {
                                out.push(clean(h));
                            }
                        }
                    }
                    rest = &after[end..];
                }
            }
            out
        }
    }
    .into_iter()
    .filter(|h| !h.is_empty())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        assert_eq!(HOSTS.len(), HOST_CLAIMS.len());
        assert!(HOSTS.iter().any(|f| f.applies("ConfigMap", "")));
        assert_eq!(MADE.len(), MADE_FIELDS.len());
    }

    #[test]
    fn claimed_values() {
        assert_eq!(hosts_in("A.dev.x.io.", Form::Host), ["a.dev.x.io"]);
        assert_eq!(
            hosts_in("a.x.io, b.x.io", Form::Comma),
            ["a.x.io", "b.x.io"]
        );
        assert!(hosts_in("reviews", Form::Fqdn).is_empty());
        assert!(hosts_in("reviews.default.svc.cluster.local", Form::Fqdn).is_empty());
        assert_eq!(hosts_in("app.dev.x.io", Form::Fqdn), ["app.dev.x.io"]);
        assert_eq!(hosts_in("istio-system/a.x.io", Form::NsHost), ["a.x.io"]);
        assert_eq!(
            hosts_in(
                "Host(`a.x.io`, `b.x.io`) && PathPrefix(`/`) || HostSNI(`c.x.io`)",
                Form::Traefik
            ),
            ["a.x.io", "b.x.io", "c.x.io"]
        );
    }
}
