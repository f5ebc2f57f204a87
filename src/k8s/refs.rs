//! The reference table's rules: where objects name other objects.
//!
//! Entries come from `builtin.yaml` and the config file's `references:` (see
//! [`crate::k8s::Reference`] for the schema). A path is dot-separated keys; `[]`
//! after a key visits every item of that list; `@c` stands for every container
//! list; a key with dots is written in single quotes. A target is a kind
//! (`Secret`), or `<key>` / `<key:Default>` to read the kind from the sibling key
//! next to the name (`roleRef.kind`, `backendRefs[].kind` defaulting to Service),
//! or `@resources` for RBAC `resourceNames` (the kind comes from the rule's
//! `resources`). Where a sibling `group`/`apiGroup` (or an `apiVersion`, whose
//! group counts) is given it must match the target object's API group too; an
//! entry's `group_default` says what an empty or absent one means (what the API
//! server stores: an empty `roleRef.apiGroup` is `rbac.authorization.k8s.io`).
//!
//! Shapes ([`Shape`]) are the reference forms Kubernetes made familiar
//! (`secretKeyRef: {name, key}`, `serviceAccountName: x`), followed anywhere in a
//! custom resource, where no path is known.
//!
//! A reference is rewritten only when its target is emitted by the same stream
//! (docs/rules.md#rule-2); every other name keeps its exact bytes.

use super::Reference;
pub use super::schema::GroupDefault;
use crate::yaml::{Doc, NodeId};

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

    /// `*` (only in tables) matches every kind.
    pub fn matches(&self, kind: &str, group: &str) -> bool {
        (self.kind == kind || self.kind == "*") && self.group.as_deref().is_none_or(|g| g == group)
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

impl GroupDefault {
    /// The group an empty one means for a reference to `kind`, if the entry says.
    pub fn for_kind(&self, kind: &str) -> Option<&str> {
        let exact = self.0.iter().find(|(k, _)| k.as_deref() == Some(kind));
        exact
            .or_else(|| self.0.iter().find(|(k, _)| k.is_none()))
            .map(|(_, g)| g.as_str())
    }
}

/// One entry of the `references:` or `produces:` table, compiled: the kinds it
/// applies to, its path, and what it names (a `@c` path gives one per container
/// list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRef {
    pub from: Vec<KindSel>,
    /// Set for `@pod` rules: the path is relative to the pod spec.
    pub in_pod_spec: bool,
    pub path: Vec<Seg>,
    pub target: Target,
    /// The group of a fixed target kind (`target: Cluster.postgresql.cnpg.io`):
    /// an object of that kind in another group is not the one named.
    pub target_group: Option<String>,
    pub ns_key: Option<String>,
    /// What an empty or absent group beside the name means.
    pub group_default: GroupDefault,
    /// The path as written, for the `-v` report.
    pub shown: String,
    /// The name is the value of this flag in a list of arguments (`--flag=NAME`, or
    /// `--flag` followed by the item `NAME`); `*` in it matches any characters.
    pub flag: Option<String>,
    /// The value is `<namespace>/<name>` (cert-manager's `inject-ca-from`).
    pub ns_slash_name: bool,
    /// Applies only when the object carries one of these annotations.
    pub when_annotation: Vec<String>,
    /// Applies only in a container whose first argument is one of these.
    pub when_first_arg: Vec<String>,
}

/// A familiar reference shape: wherever a custom resource has `key`, it names an
/// object of kind `target` — by the key `name` of its mapping value when `name` is
/// given (the mapping must also have every key of `requires`, and no `kind` of its
/// own: a mapping with a `kind` is a typed reference and says itself what it
/// names), or by the value itself when `name` is not given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    pub key: String,
    pub target: String,
    pub name: Option<String>,
    pub requires: Vec<String>,
    /// The key next to the name that holds the target's namespace.
    pub ns_key: Option<String>,
}

impl Shape {
    pub fn build(
        key: &str,
        target: &str,
        name: Option<&str>,
        requires: &[String],
        ns: Option<&str>,
    ) -> Result<Shape, String> {
        if key.is_empty() || name.is_some_and(str::is_empty) {
            return Err("empty key".into());
        }
        let Target::Kind(target) = parse_target(target)? else {
            return Err(format!("shape target {target:?} must be a kind"));
        };
        if name.is_none() && !requires.is_empty() {
            return Err(format!(
                "requires {requires:?} needs `name` (the key of the mapping that holds the name)"
            ));
        }
        Ok(Shape {
            key: key.to_string(),
            target,
            name: name.map(str::to_string),
            requires: requires.to_vec(),
            ns_key: ns.map(str::to_string),
        })
    }
}

/// Splits a path on dots outside single quotes; `@c` expands to the container lists.
pub fn parse_path(s: &str, containers: &[String]) -> Result<Vec<Vec<Seg>>, String> {
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
                    containers.iter().map(move |k| {
                        let mut p = base.clone();
                        p.push(Seg::Key(k.clone()));
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

impl TableRef {
    /// Builds rules from one table entry (a `@c` path gives several rules).
    pub fn build(r: &Reference, containers: &[String]) -> Result<Vec<TableRef>, String> {
        let in_pod_spec = r.kind == "@pod";
        let from = kind_list(&r.kind, in_pod_spec)?;
        // `Kind.group`: a fixed kind of one API group.
        let (target, target_group) = match r.target.split_once('.') {
            Some((kind, group)) if !r.target.starts_with('<') && !group.is_empty() => {
                (parse_target(kind)?, Some(group.to_string()))
            }
            _ => (parse_target(&r.target)?, None),
        };
        let group_default = r.group_default.clone().map(|g| g.0).unwrap_or_default();
        if !group_default.0.is_empty() && !matches!(target, Target::Sibling { .. }) {
            return Err(
                "group_default needs a <key> or <key:Default> target (a kind and group read beside the name)"
                    .into(),
            );
        }
        let ns_slash_name = match r.format.as_deref() {
            None | Some("name") => false,
            Some("namespace/name") => true,
            Some(other) => {
                return Err(format!(
                    "unknown format {other:?} (expected `name` or `namespace/name`)"
                ));
            }
        };
        if let Some(f) = &r.flag
            && (!f.starts_with('-') || f.contains('=') || f.matches('*').count() > 1)
        {
            return Err(format!(
                "bad flag {f:?}: write it as `--name` (at most one `*`, no `=`)"
            ));
        }
        Ok(parse_path(&r.path, containers)?
            .into_iter()
            .map(|path| TableRef {
                from: from.clone(),
                in_pod_spec,
                shown: {
                    let p = if in_pod_spec {
                        format!("<pod spec>.{}", display_path(&path))
                    } else {
                        display_path(&path)
                    };
                    match &r.flag {
                        Some(f) => format!("{p} {f}"),
                        None => p,
                    }
                },
                path,
                target: target.clone(),
                target_group: target_group.clone(),
                ns_key: r.namespace_from.clone(),
                group_default: group_default.clone(),
                flag: r.flag.clone(),
                ns_slash_name,
                when_annotation: r.when_annotation.clone(),
                when_first_arg: r.when_first_arg.clone(),
            })
            .collect())
    }
}

impl TableRef {
    /// Whether the object, with its `metadata.annotations` map `annotations`,
    /// meets the rule's `when_annotation` (carries one of them, if any are given).
    pub fn annotations_allow(&self, doc: &Doc<'_>, annotations: Option<NodeId>) -> bool {
        self.when_annotation.is_empty()
            || annotations
                .is_some_and(|a| self.when_annotation.iter().any(|k| doc.get(a, k).is_some()))
    }

    /// Whether the container `holder` (the mapping holding the found list) meets
    /// the rule's `when_first_arg`.
    pub fn first_arg_allows(&self, doc: &Doc<'_>, holder: NodeId) -> bool {
        self.when_first_arg.is_empty()
            || first_arg(doc, holder).is_some_and(|a| self.when_first_arg.iter().any(|w| w == a))
    }

    /// Where the name this rule reads sits, given the scalar `leaf` its path
    /// found: `(node, None)`, the whole scalar `node` (the leaf itself, or for
    /// `--flag NAME` the next item of the list); `(leaf, Some(at))`, the leaf's
    /// text from byte `at` (`--flag=NAME`, or `namespace/NAME`, whose namespace
    /// is the text before the slash). `None`: the scalar holds no name for this
    /// rule.
    pub fn name_place(&self, doc: &Doc<'_>, leaf: NodeId) -> Option<(NodeId, Option<usize>)> {
        let value = doc.node(leaf).value.as_ref();
        if let Some(flag) = &self.flag {
            if flag_matches(flag, value) {
                // `--flag NAME`: the next item of the list is the name.
                let list = (0..leaf)
                    .rev()
                    .find(|&i| doc.is_seq(i) && doc.node(i).next > leaf)?;
                let next = doc.children(list).skip_while(|&c| c != leaf).nth(1)?;
                let ok = doc.is_scalar(next)
                    && !doc.is_null(next)
                    && is_name(doc.node(next).value.as_ref());
                return ok.then_some((next, None));
            }
            let (f, name) = value.split_once('=')?;
            if !flag_matches(flag, f) || !is_name(name) {
                return None;
            }
            return Some((leaf, Some(value.len() - name.len())));
        }
        if self.ns_slash_name {
            let (ns, name) = value.split_once('/')?;
            if ns.is_empty() || !is_name(name) {
                return None;
            }
            return Some((leaf, Some(value.len() - name.len())));
        }
        Some((leaf, None))
    }
}

/// A container's first argument: `args[0]`, or `command[1]` without `args`.
pub fn first_arg<'d>(doc: &'d Doc<'_>, container: NodeId) -> Option<&'d str> {
    let item = |key: &str, i: usize| {
        doc.get(container, key)
            .filter(|&s| doc.is_seq(s))
            .and_then(|s| doc.children(s).nth(i))
            .and_then(|n| doc.str(n))
    };
    match doc.get(container, "args") {
        Some(_) => item("args", 0),
        None => item("command", 1),
    }
}

/// Text that can be an object's name (a DNS subdomain): not an env reference
/// (`$(NAME)`), a template or a quoted word, which stay as they are.
pub fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// The referring kinds of an entry: comma-separated `Kind` / `Kind.group`, `*`
/// for every kind; none for a `@pod` entry.
pub fn kind_list(s: &str, in_pod_spec: bool) -> Result<Vec<KindSel>, String> {
    if in_pod_spec {
        return Ok(Vec::new());
    }
    let from: Vec<KindSel> = s
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(KindSel::parse)
        .collect();
    if from.is_empty() {
        return Err("no referring kind".into());
    }
    Ok(from)
}

/// Does `arg` name the flag `pattern` (`--secret-name`, `--*-service-name`)?
pub fn flag_matches(pattern: &str, arg: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == arg,
        Some((pre, post)) => {
            arg.len() > pre.len() + post.len()
                && arg.starts_with(pre)
                && arg.ends_with(post)
                && !arg[pre.len()..arg.len() - post.len()].contains(['=', ' '])
        }
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

/// The object a table is read in: where it is, what it is, and the parts the
/// entries start from or ask about.
pub struct TableObject<'d, 'a> {
    pub doc: &'d Doc<'a>,
    pub root: NodeId,
    pub kind: &'d str,
    pub group: &'d str,
    /// Its pod spec, for entries whose path starts there (`@pod`).
    pub pod_spec: Option<NodeId>,
    /// Its `metadata.annotations`, for `when_annotation`.
    pub annotations: Option<NodeId>,
}

/// Every name the table `entries` find in one object: each entry that applies
/// to it (its kinds include the object's, or its path starts at the pod spec
/// and the object has one) and whose `when_annotation` the object meets, then
/// each non-null leaf its path reaches whose container's first argument
/// `when_first_arg` allows; `each` gets the entry's index, the entry and the
/// leaf. The one reading of `references:` and `produces:`, for the rules and
/// for the cluster model alike: what a table says is read the same way by both.
pub fn for_each_table_hit(
    obj: &TableObject<'_, '_>,
    entries: &[TableRef],
    mut each: impl FnMut(usize, &TableRef, Found),
) {
    let doc = obj.doc;
    let mut found = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let start = if entry.in_pod_spec {
            match obj.pod_spec {
                Some(p) => p,
                None => continue,
            }
        } else if entry.from.iter().any(|k| k.matches(obj.kind, obj.group)) {
            obj.root
        } else {
            continue;
        };
        if !entry.annotations_allow(doc, obj.annotations) {
            continue;
        }
        found.clear();
        walk(doc, start, &entry.path, start, &mut found);
        for f in found.drain(..) {
            if doc.is_null(f.leaf) || !entry.first_arg_allows(doc, f.holder) {
                continue;
            }
            each(i, entry, f);
        }
    }
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
            // Every occurrence of a repeated key (Kubernetes keeps the last;
            // the references in each are followed alike).
            for (_, v) in doc.get_all(at, k) {
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

/// `configmaps` for ConfigMap: how RBAC `resources` names a kind, by English
/// rules (exceptions are in `builtin.yaml`'s `plurals`).
pub fn english_plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
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
    fn paths_with_quotes_and_lists() {
        let p = parse_path("metadata.annotations.'a.b/c'", &[]).unwrap();
        assert_eq!(
            p[0],
            vec![
                Seg::Key("metadata".into()),
                Seg::Key("annotations".into()),
                Seg::Key("a.b/c".into())
            ]
        );
        let p = parse_path("spec.secrets[]", &[]).unwrap();
        assert_eq!(
            p[0],
            vec![
                Seg::Key("spec".into()),
                Seg::Key("secrets".into()),
                Seg::Each
            ]
        );
        assert!(parse_path("a..b", &[]).is_err());
        assert!(parse_path("", &[]).is_err());
    }

    #[test]
    fn group_defaults_by_kind() {
        let d = GroupDefault(vec![
            (Some("ServiceAccount".into()), String::new()),
            (None, "rbac.authorization.k8s.io".into()),
        ]);
        assert_eq!(d.for_kind("ServiceAccount"), Some(""));
        assert_eq!(d.for_kind("User"), Some("rbac.authorization.k8s.io"));
        assert_eq!(GroupDefault::default().for_kind("Role"), None);
        // Only where the kind (and group) are read beside the name.
        let entry = |target: &str| Reference {
            kind: "A".into(),
            path: "a.name".into(),
            target: target.into(),
            group_default: Some(super::super::GroupDefaultSpec(d.clone())),
            ..Reference::default()
        };
        assert!(TableRef::build(&entry("Secret"), &[]).is_err());
        assert!(TableRef::build(&entry("<kind>"), &[]).is_ok());
    }

    #[test]
    fn shapes_say_where_the_name_is() {
        let key = ["key".to_string()];
        let s = Shape::build("secretKeyRef", "Secret", Some("name"), &key, None).unwrap();
        assert_eq!(s.name.as_deref(), Some("name"));
        assert!(Shape::build("secretName", "Secret", None, &[], None).is_ok());
        // `requires` without the key that holds the name, a target that is no kind.
        assert!(Shape::build("x", "Secret", None, &key, None).is_err());
        assert!(Shape::build("x", "<kind>", None, &[], None).is_err());
        assert!(Shape::build("", "Secret", None, &[], None).is_err());
    }

    #[test]
    fn flags() {
        assert!(flag_matches("--secret-name", "--secret-name"));
        assert!(flag_matches("--*-service-name", "--operator-service-name"));
        assert!(!flag_matches("--*-service-name", "--service-name"));
        assert!(!flag_matches("--*-service-name", "--service-namespace"));
    }

    #[test]
    fn plurals() {
        assert_eq!(english_plural("ConfigMap"), "configmaps");
        assert_eq!(english_plural("Ingress"), "ingresses");
        assert_eq!(english_plural("NetworkPolicy"), "networkpolicies");
        assert_eq!(english_plural("Gateway"), "gateways");
    }
}
