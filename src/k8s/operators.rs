//! What operators make for custom resources of the stream: pods with the labels
//! they give them (`operator_pods`) and named objects (`operator_objects`).

use super::*;

/// The pods an operator makes for a custom resource of one kind: one set per
/// component, each with the labels it gives them (`operator_pods` in
/// `builtin.yaml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorPods {
    pub kind: KindSel,
    /// The label every set carries with a name as its whole value.
    pub owner: String,
    pub pods: Vec<PodSet>,
}

/// One set of pods of an [`OperatorPods`] entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSet {
    /// Made only when the resource has this field (not null).
    pub when: Option<Vec<String>>,
    pub labels: Vec<(String, Vec<Piece>)>,
}

/// A piece of a label value in `operator_pods`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// `{name}`: the resource's name.
    Name,
    /// `{label:KEY}`: the value of one of the resource's labels (a
    /// KafkaNodePool's `strimzi.io/cluster` names its Kafka).
    Label(String),
    /// `{field:PATH}`: the value of one of its fields (a Pooler's
    /// `spec.cluster.name` names its Cluster).
    Field(Vec<String>),
}

/// A label value as one resource fills it in: text, and the names it read (its
/// own, or the object's it belongs to). The copy's value follows those names'
/// renames, the text stays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Name(String),
}

/// The labels of one set of pods an operator makes for one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilledPodSet {
    pub labels: Vec<(String, Vec<Part>)>,
    /// Index in `labels` of the owner label (its value is one name).
    pub owner: usize,
}

/// The value `parts` make, with each name written by `name`.
pub fn join_parts<'p>(
    parts: &'p [Part],
    name: impl Fn(&'p str) -> std::borrow::Cow<'p, str>,
) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Name(n) => out.push_str(&name(n)),
        }
    }
    out
}

impl FilledPodSet {
    /// The labels as the resource's own pods carry them.
    pub fn values(&self) -> Vec<(String, String)> {
        self.labels
            .iter()
            .map(|(k, parts)| (k.clone(), join_parts(parts, std::borrow::Cow::Borrowed)))
            .collect()
    }
}

impl OperatorPods {
    /// An entry as written, checked: every placeholder is known, and every set
    /// carries the owner label with one placeholder as its whole value.
    pub fn build(e: &schema::OperatorPodsEntry) -> Result<OperatorPods, String> {
        let mut pods = Vec::new();
        for (i, set) in e.pods.iter().enumerate() {
            let mut labels = Vec::new();
            for (k, v) in &set.labels.0 {
                let pieces = Self::pieces(v).map_err(|why| {
                    format!("operator_pods: {} set {}: label {k}: {why}", e.kind, i + 1)
                })?;
                labels.push((k.clone(), pieces));
            }
            let owned = labels
                .iter()
                .find(|(k, _)| *k == e.owner)
                .is_some_and(|(_, p)| p.len() == 1 && !matches!(p[0], Piece::Text(_)));
            if !owned {
                return Err(format!(
                    "operator_pods: {} set {} lacks its owner label {} with a placeholder as its whole value",
                    e.kind,
                    i + 1,
                    e.owner
                ));
            }
            pods.push(PodSet {
                when: set
                    .when
                    .as_deref()
                    .map(|w| w.split('.').map(str::to_string).collect()),
                labels,
            });
        }
        if pods.is_empty() {
            return Err(format!("operator_pods: {} has no pod set", e.kind));
        }
        Ok(OperatorPods {
            kind: KindSel::parse(&e.kind),
            owner: e.owner.clone(),
            pods,
        })
    }

    /// `strimzi-{name}` → text and placeholders.
    fn pieces(v: &str) -> Result<Vec<Piece>, String> {
        let mut out = Vec::new();
        let mut rest = v;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                out.push(Piece::Text(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("`{v}` has a `{{` without `}}`"))?;
            let inner = &rest[open + 1..open + close];
            out.push(match inner.split_once(':') {
                None if inner == "name" => Piece::Name,
                Some(("label", key)) if !key.is_empty() => Piece::Label(key.to_string()),
                Some(("field", path)) if !path.is_empty() => {
                    Piece::Field(path.split('.').map(str::to_string).collect())
                }
                _ => return Err(format!("unknown placeholder `{{{inner}}}` in `{v}`")),
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            out.push(Piece::Text(rest.to_string()));
        }
        Ok(out)
    }

    /// The sets of pods the operator makes for the resource `name` (`root` in
    /// `doc`), each placeholder read from it. A set whose `when` field the
    /// resource lacks, or whose placeholder it cannot fill, is not made.
    pub fn fill(&self, doc: &Doc<'_>, root: NodeId, name: &str) -> Vec<FilledPodSet> {
        let text = |id: NodeId| {
            doc.str(id)
                .filter(|s| !s.is_empty() && !doc.is_null(id))
                .map(str::to_string)
        };
        let read = |piece: &Piece| -> Option<Part> {
            Some(match piece {
                Piece::Text(t) => Part::Text(t.clone()),
                Piece::Name => Part::Name(name.to_string()),
                Piece::Label(key) => Part::Name(
                    doc.path(root, &["metadata", "labels", key.as_str()])
                        .and_then(text)?,
                ),
                Piece::Field(path) => {
                    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
                    Part::Name(doc.path(root, &keys).and_then(text)?)
                }
            })
        };
        let mut out = Vec::new();
        'sets: for set in &self.pods {
            if let Some(when) = &set.when {
                let keys: Vec<&str> = when.iter().map(String::as_str).collect();
                if doc.path(root, &keys).is_none_or(|n| doc.is_null(n)) {
                    continue;
                }
            }
            let mut labels = Vec::with_capacity(set.labels.len());
            for (k, pieces) in &set.labels {
                let Some(parts) = pieces.iter().map(read).collect::<Option<Vec<Part>>>() else {
                    continue 'sets;
                };
                labels.push((k.clone(), parts));
            }
            let Some(owner) = labels.iter().position(|(k, _)| *k == self.owner) else {
                continue;
            };
            out.push(FilledPodSet { labels, owner });
        }
        out
    }
}

/// Objects an operator makes for a custom resource, named after it (`{name}`:
/// the resource's name): CloudNativePG's `<cluster>-rw` Service and
/// `<cluster>-app` Secret. No document of the stream holds them, but the copy's
/// resource makes its own, named after the copy's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorObjects {
    pub kind: KindSel,
    pub target: String,
    pub names: Vec<String>,
}

impl OperatorObjects {
    /// An entry as written (built-in table or config file), checked: every name
    /// is made from the resource's (`{name}`).
    pub fn build(e: &OperatorObjectsEntry) -> Result<OperatorObjects, String> {
        if let Some(n) = e.names.iter().find(|n| !n.contains("{name}")) {
            return Err(format!(
                "operator_objects: name `{n}` of {} does not contain {{name}} (the resource's name)",
                e.kind
            ));
        }
        if e.target.trim().is_empty() || e.names.is_empty() {
            return Err(format!(
                "operator_objects: {} needs a target kind and names",
                e.kind
            ));
        }
        Ok(OperatorObjects {
            kind: KindSel::parse(&e.kind),
            target: e.target.trim().to_string(),
            names: e.names.clone(),
        })
    }

    /// The name `pattern` (one of `names`) makes for a resource called `owner`.
    pub fn fill(pattern: &str, owner: &str) -> String {
        pattern.replace("{name}", owner)
    }
}
