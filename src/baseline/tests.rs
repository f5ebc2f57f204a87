use super::*;

fn collisions(b: &str, t: &str) -> Vec<String> {
    check_baseline(b, t, &Config::default())
        .unwrap()
        .collisions
        .iter()
        .map(|c| c.what.clone())
        .collect()
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n";

#[test]
fn namespaces_place_objects() {
    let other = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: y}\n";
    assert!(collisions(CM, other).is_empty(), "two namespaces");
    // Absent: the release namespace, which may be the one the other names.
    let absent = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
    assert_eq!(collisions(CM, absent), ["same object ConfigMap/a"]);
    // Cluster-scoped kinds collide whatever namespace the text gives.
    let role = |ns| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: r, namespace: {ns}}}\n"
        )
    };
    assert_eq!(
        collisions(&role("x"), &role("y")),
        ["same object ClusterRole/r"]
    );
    // Same kind name, another group: another object.
    let gw = |g| format!("apiVersion: {g}/v1\nkind: Gateway\nmetadata: {{name: g}}\n");
    assert!(collisions(&gw("gateway.networking.k8s.io"), &gw("networking.istio.io")).is_empty());
}

#[test]
fn empty_network_policy_selects_every_pod_of_the_other_side() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: p}}\nspec: {containers: [{name: c, image: i}]}\n";
    let np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n-tilt}\nspec: {podSelector: {}}\n";
    let found = collisions(pod, np);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("selects the baseline's pods"),
        "{found:?}"
    );
}

#[test]
fn a_lost_target_is_judged_against_the_counterpart_in_the_same_namespace() {
    // Found by the fuzz target: one policy name in two namespaces; the copy's
    // policy in `b` selects nothing, and so does its counterpart there, whose
    // absent podSelector (every pod of `b`: none) stands where the copy's does.
    let pod = |name: &str, app: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: a, labels: {{app: {app}}}}}\nspec: {{containers: [{{name: c, image: i}}]}}\n"
        )
    };
    let np = |name: &str, ns: &str, spec: &str| {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {spec}\n"
        )
    };
    let b = [
        pod("p", "p"),
        np("n", "a", "{podSelector: {}}"),
        np("n", "b", "{policyTypes: [Ingress]}"),
    ]
    .join("---\n");
    let sel = "{podSelector: {matchLabels: {app: p-tilt}}}";
    let t = [
        pod("p-tilt", "p-tilt"),
        np("n-tilt", "a", sel),
        np("n-tilt", "b", sel),
    ]
    .join("---\n");
    assert_eq!(collisions(&b, &t), Vec::<String>::new());
}

#[test]
fn nothing_inside_a_mapping_key_is_a_reference() {
    // Found by the fuzz target: rule 2 reads values only, and the API server
    // refuses a mapping as a key.
    let b = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n";
    let t = "apiVersion: v1\nkind: Secret\nmetadata: {name: s-tilt}\n---\napiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t-tilt}\nspec:\n  ? secretKeyRef: {name: s, key: k}\n";
    assert_eq!(collisions(b, t), Vec::<String>::new());
    let t_value = "apiVersion: v1\nkind: Secret\nmetadata: {name: s-tilt}\n---\napiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t-tilt}\nspec:\n  x: {secretKeyRef: {name: s, key: k}}\n";
    assert_eq!(
        collisions(b, t_value).len(),
        1,
        "the same shape as a value is read"
    );
}

#[test]
fn a_node_port_of_both_copies_is_noted_not_counted() {
    let svc = |name: &str, port: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{type: NodePort, ports: [{{port: 22, nodePort: {port}}}]}}\n"
        )
    };
    let notes = |b: &str, t: &str| {
        let r = check_baseline(b, t, &Config::default()).unwrap();
        assert!(r.collisions.is_empty());
        r.notes.iter().map(|n| n.what.clone()).collect::<Vec<_>>()
    };
    let found = notes(&svc("ssh", "30022"), &svc("ssh-tilt", "30022"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("node port 30022/TCP"), "{found:?}");
    assert!(notes(&svc("ssh", "30022"), &svc("ssh-tilt", "30023")).is_empty());
}

#[test]
fn an_absent_selector_selects_what_its_type_says() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: p}}\nspec: {containers: [{name: c, image: i}]}\n";
    let copy = |kind: &str, spec: &str| {
        let api = if kind == "NetworkPolicy" {
            "networking.k8s.io/v1"
        } else {
            "policy/v1"
        };
        format!("apiVersion: {api}\nkind: {kind}\nmetadata: {{name: n-tilt}}\nspec: {spec}\n")
    };
    // A NetworkPolicy's podSelector is a struct: absent or null, it is empty.
    for spec in ["{}", "{podSelector: ~}"] {
        assert_eq!(
            collisions(pod, &copy("NetworkPolicy", spec)).len(),
            1,
            "{spec}"
        );
    }
    // A PodDisruptionBudget's selector is a pointer: absent or null, it is nil
    // and selects nothing; `{}` selects every pod.
    for spec in ["{minAvailable: 1}", "{selector: ~}"] {
        let found = collisions(pod, &copy("PodDisruptionBudget", spec));
        assert!(found.is_empty(), "{spec}: {found:?}");
    }
    assert_eq!(
        collisions(pod, &copy("PodDisruptionBudget", "{selector: {}}")).len(),
        1
    );
}

fn report(b: &str, t: &str) -> Report {
    check_baseline(b, t, &Config::default()).unwrap()
}

fn leftovers(b: &str, t: &str) -> Vec<String> {
    report(b, t)
        .collisions
        .iter()
        .filter(|c| c.category() == "leftover")
        .map(|c| format!("{} @ {}", c.what, c.tilt.path))
        .collect()
}

fn deploy(name: &str, env: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n      - name: web\n        image: web:1\n        env: {env}\n"
    )
}

#[test]
fn an_old_name_in_a_string_is_a_leftover_unless_an_exception_keeps_it() {
    let b = deploy("web", "[]");
    let t = |env: &str| deploy("web-tilt", env);
    let found = leftovers(&b, &t("[{name: DEPLOYMENT_NAME, value: web}]"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("old name `web` left in the copy: it names the baseline's Deployment/web, which the copy has as web-tilt"),
        "{found:?}"
    );
    assert!(found[0].ends_with("env[0].value"), "{found:?}");
    // The container's own name and its image say nothing (named exceptions);
    // a one-word name under a key that names no kind merely equals a name.
    assert!(leftovers(&b, &t("[{name: DB_USER, value: web}]")).is_empty());
    // Inside a text: `KEY=web`, `--deployment web`.
    assert_eq!(
        leftovers(&b, &t("[{name: X, value: 'DEPLOYMENT=web'}]")).len(),
        1
    );
    // A key that names another kind says the word is not this object.
    assert!(leftovers(&b, &t("[{name: WEB_SECRET, value: web}]")).is_empty());
}

#[test]
fn hosts_paths_and_namespaces() {
    let svc = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: apps}}\nspec: {{selector: {{app: {name}}}}}\n"
        )
    };
    let cm = |data: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c-tilt, namespace: apps}}\ndata: {data}\n"
        )
    };
    let b = svc("web-api");
    let t = |data: &str| format!("{}---\n{}", svc("web-api-tilt"), cm(data));
    for (data, n) in [
        ("{URL: 'http://web-api:8080/x'}", 1),
        ("{URL: 'web-api.apps.svc.cluster.local:80'}", 1),
        ("{URL: 'web-api.other.svc:80'}", 0),
        ("{HOST: 'web-api.server'}", 0),
        ("{PATH: '/etc/web-api'}", 0),
        ("{REF: 'apps/web-api'}", 1),
        ("{REF: 'service/web-api'}", 1),
        ("{Q: 'up{job=\"web-api\"}'}", 0),
    ] {
        assert_eq!(leftovers(&b, &t(data)).len(), n, "{data}");
    }
}

#[test]
fn a_secret_value_is_read_and_never_shown() {
    let secret = |name: &str, data: &str| {
        format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}}}\n{data}\n")
    };
    let svc = |name: &str| format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n");
    let b = format!("{}---\n{}", svc("web-api"), secret("s", "data: {}"));
    for data in [
        "stringData: {URL: 'http://web-api:80'}",
        // base64 of `http://web-api:80`
        "data: {URL: aHR0cDovL3dlYi1hcGk6ODA=}",
    ] {
        let t = format!("{}---\n{}", svc("web-api-tilt"), secret("s-tilt", data));
        let found: Vec<String> = report(&b, &t)
            .collisions
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(found.len(), 1, "{data}: {found:?}");
        assert!(
            found[0].starts_with("collision: old name left in the copy (a Secret value, not shown): it names the baseline's Service/web-api"),
            "{found:?}"
        );
        assert!(
            !found[0].contains("http") && !found[0].contains("aHR0"),
            "{found:?}"
        );
    }
}

#[test]
fn rbac_resource_names_name_the_kinds_of_their_resources() {
    let role = |names: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: r-tilt}}\nrules: [{{apiGroups: [''], resources: [secrets], resourceNames: [{names}]}}]\n"
        )
    };
    let b = deploy("web-api", "[]");
    let t = format!("{}---\n{}", deploy("web-api-tilt", "[]"), role("web-api"));
    assert!(
        leftovers(&b, &t).is_empty(),
        "a Secret web-api is not the Deployment"
    );
    let s = "apiVersion: v1\nkind: Secret\nmetadata: {name: web-api}\n";
    let t2 = format!("{t}---\n{}", s.replace("web-api", "web-api-tilt"));
    assert_eq!(leftovers(&format!("{b}---\n{s}"), &t2).len(), 1);
}

#[test]
fn a_statefulset_pod_name_is_a_name_of_the_set() {
    let sts = |name: &str, env: &str| {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: {name}}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec: {{containers: [{{name: db, image: db, env: {env}}}]}}\n"
        )
    };
    let found = leftovers(
        &sts("db", "[]"),
        &sts("db-tilt", "[{name: PEER, value: db-0}]"),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(
            "a pod of the baseline's StatefulSet/db, whose pods the copy has as db-tilt-0"
        ),
        "{found:?}"
    );
}

#[test]
fn a_copy_made_with_another_suffix_is_read_with_it() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\n";
    let b = format!(
        "{}---\n{cm}",
        deploy(
            "web",
            "[{name: A, valueFrom: {configMapKeyRef: {name: web-config, key: a}}}]"
        )
    );
    let t = format!(
        "{}---\n{}",
        deploy(
            "web-tilt-alice",
            "[{name: A, valueFrom: {configMapKeyRef: {name: web-config, key: a}}}]"
        ),
        cm.replace("web-config", "web-config-tilt-alice")
    );
    let r = report(&b, &t);
    let found: Vec<&str> = r.collisions.iter().map(|c| c.what.as_str()).collect();
    assert_eq!(
        found,
        [
            "the copy refers to the baseline's ConfigMap/web-config although it has its own ConfigMap/web-config-tilt-alice"
        ]
    );
}

#[test]
fn a_stream_against_itself_has_no_suffix_and_no_old_names() {
    let svc = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{ports: [{{port: 80}}]}}\n"
        )
    };
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {URL: 'http://db:80', H: 'db-headless'}\n";
    let s = [svc("db"), svc("db-headless"), cm.to_string()].join("---\n");
    let r = report(&s, &s);
    let found: Vec<&str> = r.collisions.iter().map(|c| c.category()).collect();
    assert_eq!(found, ["object", "object", "object"]);
}

#[test]
fn custom_resources_whose_pods_the_model_cannot_see_are_unproven() {
    let cr = |api: &str, kind: &str, spec: &str| {
        format!("apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x-tilt}}\nspec: {spec}\n")
    };
    let unproven = |t: &str| -> Vec<String> {
        report("", t)
            .notes
            .iter()
            .filter(|n| n.kind == NoteKind::Unproven)
            .map(|n| n.what.clone())
            .collect()
    };
    // Known to make pods, labels unknown (a Gateway's data plane).
    assert_eq!(
        unproven(&cr(
            "gateway.networking.k8s.io/v1",
            "Gateway",
            "{gatewayClassName: eg}"
        ))
        .len(),
        1
    );
    // Unknown to every table, with a pod-like spec.
    let found = unproven(&cr("example.com/v1", "Widget", "{server: {replicas: 2}}"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("Widget.example.com (1 in the copy)"),
        "{found:?}"
    );
    // Known for what they are, or saying nothing of pods; modelled operators.
    for (api, kind, spec) in [
        (
            "monitoring.coreos.com/v1",
            "ServiceMonitor",
            "{selector: {}}",
        ),
        ("cert-manager.io/v1", "Certificate", "{secretName: s}"),
        ("kafka.strimzi.io/v1beta2", "KafkaTopic", "{replicas: 3}"),
        ("monitoring.coreos.com/v1", "PrometheusRule", "{groups: []}"),
        ("monitoring.coreos.com/v1", "Prometheus", "{replicas: 1}"),
        ("apps/v1", "Deployment", "{replicas: 1}"),
    ] {
        assert!(unproven(&cr(api, kind, spec)).is_empty(), "{kind}");
    }
}

#[test]
fn a_copy_selector_without_a_counterpart_that_selects_nothing_is_a_lost_note() {
    let np = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: extra-tilt}\nspec: {podSelector: {matchLabels: {app: gone-tilt}}}\n";
    let r = report("", np);
    assert!(r.collisions.is_empty());
    assert_eq!(r.notes.len(), 1);
    assert_eq!(r.notes[0].kind, NoteKind::Lost);
    assert!(r.notes[0].to_string().starts_with("note (lost): the copy's NetworkPolicy/extra-tilt selector `app=gone-tilt` selects no pods of the copy"));
}

#[test]
fn the_baselines_selector_on_the_copys_operator_pods_is_a_note() {
    let prom = |name: &str| {
        format!(
            "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {{name: {name}}}\nspec: {{replicas: 1}}\n"
        )
    };
    let svc = |name: &str, sel: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{selector: {sel}}}\n"
        )
    };
    let fixed = "{app.kubernetes.io/name: prometheus}";
    let b = format!("{}---\n{}", prom("p"), svc("p", fixed));
    let t = format!(
        "{}---\n{}",
        prom("p-tilt"),
        svc("p-tilt", "{prometheus: p-tilt}")
    );
    let r = report(&b, &t);
    assert!(r.collisions.is_empty(), "{:?}", r.collisions);
    let notes: Vec<String> = r.notes.iter().map(|n| n.to_string()).collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("controller: the baseline's Service/p selector `app.kubernetes.io/name=prometheus` selects the pods the operator makes for the copy's Prometheus/p-tilt"), "{notes:?}");
    // The copy's own fixed-label selector is the copy's to narrow: a collision.
    let t = format!("{}---\n{}", prom("p-tilt"), svc("p-tilt", fixed));
    let r = report(
        &format!("{}---\n{}", prom("p"), svc("p", "{prometheus: p}")),
        &t,
    );
    let found: Vec<&str> = r.collisions.iter().map(|c| c.category()).collect();
    assert_eq!(found, ["select"]);
}
