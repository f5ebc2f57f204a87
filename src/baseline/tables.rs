//! Operator pod labels for the cluster model (moving to `src/k8s/builtin.yaml`).

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
