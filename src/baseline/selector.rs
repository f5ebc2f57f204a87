//! Label selectors as the API server evaluates them: `matchLabels` and
//! `matchExpressions` (In, NotIn, Exists, DoesNotExist), ANDed.
//!
//! An empty LabelSelector (`{}`) selects everything; a Service's empty
//! `spec.selector` selects nothing (the caller does not build one for it).

use crate::yaml::{Doc, NodeId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    /// An operator the API server would refuse: the selector selects nothing.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub key: String,
    pub op: Op,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub labels: Vec<(String, String)>,
    pub exprs: Vec<Expr>,
    /// The API server refuses the object: a label map whose value is a list or a
    /// mapping, `matchLabels` that is no mapping, `matchExpressions` that is no
    /// list of mappings. It selects nothing (skipping the bad part instead would
    /// make it select more than it says).
    pub invalid: bool,
}

fn get<'l>(labels: &'l [(String, String)], key: &str) -> Option<&'l str> {
    // The last occurrence wins, as in the API machinery's decoder.
    labels
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

impl Selector {
    /// A plain label map (`Service.spec.selector`).
    pub fn from_map(doc: &Doc<'_>, map: NodeId) -> Selector {
        match scalar_pairs(doc, map) {
            Some(labels) => Selector {
                labels,
                ..Selector::default()
            },
            None => Selector::invalid(),
        }
    }

    fn invalid() -> Selector {
        Selector {
            invalid: true,
            ..Selector::default()
        }
    }

    /// A LabelSelector (`{matchLabels, matchExpressions}`).
    pub fn from_label_selector(doc: &Doc<'_>, sel: NodeId) -> Selector {
        let mut s = Selector::default();
        if let Some(m) = doc.get(sel, "matchLabels").map(|m| doc.unalias(m)) {
            match scalar_pairs(doc, m) {
                Some(labels) => s.labels = labels,
                None => return Selector::invalid(),
            }
        }
        if let Some(list) = doc.get(sel, "matchExpressions").map(|l| doc.unalias(l)) {
            if doc.is_null(list) {
                return s;
            }
            if !doc.is_seq(list) || doc.children(list).any(|e| !doc.is_map(doc.unalias(e))) {
                return Selector::invalid();
            }
            for e in doc.children(list).map(|e| doc.unalias(e)) {
                match expression(doc, e) {
                    Some(x) => s.exprs.push(x),
                    None => return Selector::invalid(),
                }
            }
        }
        s
    }

    /// Selects every object (an empty LabelSelector).
    pub fn is_everything(&self) -> bool {
        !self.invalid && self.labels.is_empty() && self.exprs.is_empty()
    }

    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        !self.invalid
            && self
                .labels
                .iter()
                .all(|(k, v)| get(labels, k) == Some(v.as_str()))
            && self.exprs.iter().all(|e| {
                let have = get(labels, &e.key);
                match e.op {
                    Op::In => have.is_some_and(|h| e.values.iter().any(|v| v == h)),
                    Op::NotIn => have.is_none_or(|h| !e.values.iter().any(|v| v == h)),
                    Op::Exists => have.is_some(),
                    Op::DoesNotExist => have.is_none(),
                    Op::Unknown => false,
                }
            })
    }

    /// Label pairs of which an object must carry at least one to be selected:
    /// one `matchLabels` pair, or an `In` expression's values. `None` when the
    /// selector has no such requirement (then every object is a candidate).
    pub fn required_pairs(&self) -> Option<Vec<(&str, &str)>> {
        if self.invalid {
            return Some(Vec::new());
        }
        if let Some((k, v)) = self.labels.first() {
            return Some(vec![(k.as_str(), v.as_str())]);
        }
        self.exprs.iter().find(|e| e.op == Op::In).map(|e| {
            e.values
                .iter()
                .map(|v| (e.key.as_str(), v.as_str()))
                .collect()
        })
    }

    /// `app=web,tier In (a,b)`: for messages.
    pub fn show(&self) -> String {
        if self.invalid {
            return "(invalid: the API server refuses it)".to_string();
        }
        let mut parts: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for e in &self.exprs {
            parts.push(match e.op {
                Op::In | Op::NotIn | Op::Unknown => {
                    let op = match e.op {
                        Op::In => "in",
                        Op::NotIn => "notin",
                        _ => "?",
                    };
                    format!("{} {op} ({})", e.key, e.values.join(","))
                }
                Op::Exists => e.key.clone(),
                Op::DoesNotExist => format!("!{}", e.key),
            });
        }
        if parts.is_empty() {
            "{} (everything)".to_string()
        } else {
            parts.join(",")
        }
    }
}

/// One `matchExpressions` item as the API server decodes and validates it
/// (`ValidateLabelSelectorRequirement`): `None` when it refuses the object — no
/// key, values that are not a list of strings, In/NotIn without values,
/// Exists/DoesNotExist with some. An unknown operator is `Op::Unknown`.
fn expression(doc: &Doc<'_>, e: NodeId) -> Option<Expr> {
    let text = |k| doc.get(e, k).map(|v| doc.unalias(v));
    let key = doc.str(text("key")?)?.to_string();
    let op = match text("operator").and_then(|o| doc.str(o)).unwrap_or("") {
        "In" => Op::In,
        "NotIn" => Op::NotIn,
        "Exists" => Op::Exists,
        "DoesNotExist" => Op::DoesNotExist,
        _ => Op::Unknown,
    };
    let values = match text("values") {
        None => Vec::new(),
        Some(v) if doc.is_null(v) => Vec::new(),
        Some(v) if doc.is_seq(v) => doc
            .children(v)
            .map(|i| doc.str(doc.unalias(i)).map(str::to_string))
            .collect::<Option<Vec<String>>>()?,
        Some(_) => return None,
    };
    let valid = match op {
        Op::In | Op::NotIn => !values.is_empty(),
        Op::Exists | Op::DoesNotExist => values.is_empty(),
        Op::Unknown => true,
    };
    valid.then_some(Expr { key, op, values })
}

/// The pairs of a selector's label map, as the API server decodes a
/// `map[string]string`: `None` when it is no mapping or a key or value is no
/// scalar (the object is refused). Aliases stand for what they name.
fn scalar_pairs(doc: &Doc<'_>, map: NodeId) -> Option<Vec<(String, String)>> {
    let map = doc.unalias(map);
    if doc.is_null(map) {
        return Some(Vec::new());
    }
    if !doc.is_map(map) {
        return None;
    }
    let all = doc.pairs(map).all(|(k, v)| {
        let (k, v) = (doc.unalias(k), doc.unalias(v));
        doc.str(k).is_some() && (doc.is_null(v) || doc.str(v).is_some())
    });
    all.then(|| label_pairs(doc, map))
}

/// The scalar pairs of a label map (anything else is skipped). Aliases stand
/// for what they name.
pub fn label_pairs(doc: &Doc<'_>, map: NodeId) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let map = doc.unalias(map);
    for (k, v) in doc.pairs(map) {
        let (k, v) = (doc.unalias(k), doc.unalias(v));
        let Some(key) = doc.str(k) else { continue };
        let value = if doc.is_null(v) { Some("") } else { doc.str(v) };
        let Some(value) = value else { continue };
        // A repeated key: Kubernetes keeps the last value.
        match out.iter_mut().find(|(k, _)| k == key) {
            Some(pair) => pair.1 = value.to_string(),
            None => out.push((key.to_string(), value.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn parse(text: &str) -> Selector {
        let mut out = None;
        yaml::for_each_doc(text, |doc: &Doc<'_>| -> Result<(), ()> {
            out = Some(Selector::from_label_selector(doc, doc.root().unwrap()));
            Ok(())
        })
        .unwrap()
        .unwrap();
        out.unwrap()
    }

    #[test]
    fn a_selector_the_api_server_refuses_selects_nothing() {
        // A list where a label value belongs, matchLabels that is a list,
        // matchExpressions that is a mapping: skipping the bad part would widen
        // the selector to `app=prometheus` alone (found by the fuzz target).
        for text in [
            "matchLabels: {app: prometheus, operator.prometheus.io/name: [kps]}\n",
            "matchLabels: [app]\n",
            "matchExpressions: {key: app}\n",
            "matchExpressions: [app]\n",
            // What ValidateLabelSelectorRequirement refuses: NotIn with no
            // values would otherwise select every pod.
            "matchExpressions: [{key: app, operator: NotIn, values: [[x]]}]\n",
            "matchExpressions: [{key: app, operator: NotIn, values: []}]\n",
            "matchExpressions: [{key: app, operator: NotIn, values: x}]\n",
            "matchExpressions: [{key: app, operator: Exists, values: [x]}]\n",
            "matchExpressions: [{operator: Exists}]\n",
        ] {
            let s = parse(text);
            assert!(s.invalid, "{text}");
            assert!(!s.is_everything() && !s.matches(&labels(&[("app", "prometheus")])));
            assert_eq!(s.required_pairs(), Some(Vec::new()));
        }
        // An alias stands for what it names; null is an empty value.
        let s = parse("x: &v web\nmatchLabels: {app: *v, tier: }\n");
        assert!(!s.invalid);
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
    }

    #[test]
    fn match_labels_all_must_hold() {
        let s = parse("matchLabels: {app: web, tier: fe}\n");
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "fe"), ("x", "y")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
        assert!(!s.matches(&labels(&[("app", "web-tilt"), ("tier", "fe")])));
    }

    #[test]
    fn expressions_each_operator() {
        let s = parse(
            "matchExpressions:\n- {key: app, operator: In, values: [web, api]}\n\
             - {key: tier, operator: NotIn, values: [db]}\n\
             - {key: team, operator: Exists}\n\
             - {key: canary, operator: DoesNotExist}\n",
        );
        assert!(s.matches(&labels(&[("app", "api"), ("team", "a")])));
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "fe"), ("team", "")])));
        assert!(!s.matches(&labels(&[("app", "db"), ("team", "a")])), "In");
        assert!(
            !s.matches(&labels(&[("app", "web"), ("tier", "db"), ("team", "a")])),
            "NotIn"
        );
        assert!(!s.matches(&labels(&[("app", "web")])), "Exists");
        assert!(
            !s.matches(&labels(&[("app", "web"), ("team", "a"), ("canary", "1")])),
            "DoesNotExist"
        );
    }

    #[test]
    fn not_in_holds_without_the_key() {
        let s = parse("matchExpressions: [{key: tier, operator: NotIn, values: [db]}]\n");
        assert!(s.matches(&labels(&[])));
        assert!(s.required_pairs().is_none());
    }

    #[test]
    fn empty_selector_selects_everything_unknown_operator_nothing() {
        let s = parse("{}\n");
        assert!(s.is_everything());
        assert!(s.matches(&labels(&[])));
        let s = parse("matchExpressions: [{key: a, operator: Gt, values: ['1']}]\n");
        assert!(!s.matches(&labels(&[("a", "2")])));
    }

    #[test]
    fn labels_and_expressions_are_anded() {
        let s = parse(
            "matchLabels: {app: web}\nmatchExpressions: [{key: app, operator: In, values: [api]}]\n",
        );
        assert!(!s.matches(&labels(&[("app", "web")])));
        assert!(!s.matches(&labels(&[("app", "api")])));
    }

    #[test]
    fn required_pairs_for_the_index() {
        let s = parse("matchLabels: {app: web}\n");
        assert_eq!(s.required_pairs(), Some(vec![("app", "web")]));
        let s = parse("matchExpressions: [{key: app, operator: In, values: [a, b]}]\n");
        assert_eq!(s.required_pairs(), Some(vec![("app", "a"), ("app", "b")]));
        assert_eq!(
            s.show(),
            "app in (a,b)",
            "messages name the selector as kubectl writes it"
        );
    }
}
