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
    let orphan =
        sets("apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaNodePool\nmetadata: {name: b}\n");
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

#[test]
fn one_reader_for_the_builtin_table_and_a_users() {
    // The same entry that does not compile, once in the built-in table and once
    // in a config file: one reader says the same thing, each naming its place.
    let bad = || OperatorObjectsEntry {
        kind: "Database.example.com".into(),
        target: "Service".into(),
        names: vec!["primary".into()],
    };
    let mut f = K8s::read_yaml(BUILTIN_YAML).unwrap();
    f.operator_objects.push(bad());
    let n = f.operator_objects.len();
    let builtin = K8s::from_file(f).unwrap_err();
    let mut k = K8s::builtin().unwrap().clone();
    let entry = bad();
    let user = TableEntries {
        references: vec![],
        produces: vec![],
        reference_shapes: vec![],
        host_claims: vec![],
        operator_objects: vec![(&entry, "config.yaml line 2")],
    };
    let from_file = k
        .extend(&user, |key, at, e| format!("{at} at {key}: {e}"))
        .unwrap_err();
    let said = "name `primary` of Database.example.com does not contain {name}";
    assert!(
        builtin.starts_with(&format!(
            "src/k8s/builtin.yaml: operator_objects entry {n}: {said}"
        )),
        "{builtin}"
    );
    assert!(
        from_file.starts_with(&format!("config.yaml line 2 at operator_objects: {said}")),
        "{from_file}"
    );
}
