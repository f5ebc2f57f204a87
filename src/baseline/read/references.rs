//! How the model reads references: by the reference table (the one reader,
//! [`crate::k8s::refs::for_each_table_hit`]), then by shape (a mapping with a
//! `kind` and a `name`), and a few familiar shapes of custom resources.

use super::*;

/// The group a reference gives next to its name, if any.
fn given_group(doc: &Doc<'_>, holder: NodeId) -> Option<String> {
    for key in ["apiGroup", "group"] {
        if let Some(v) = doc.get(holder, key) {
            return Some(if doc.is_null(v) {
                String::new()
            } else {
                doc.str(v).unwrap_or("").to_string()
            });
        }
    }
    doc.get_str(holder, "apiVersion")
        .map(|v| api_group(v).to_string())
}

/// References by the reference table, then by shape: any mapping below the root
/// with a string `kind` (a Kind: capitalised) and `name`. Returns the strings
/// that hold them, and the RBAC `resourceNames` with the `resources` beside them.
pub(super) fn references(
    cx: &Cx<'_, '_>,
    cfg: &Config,
    table: &refs::TableObject<'_, '_>,
    s: &mut Stream,
) -> (HashSet<NodeId>, HashMap<NodeId, Vec<String>>) {
    let mut seen = HashSet::new();
    let mut resources = HashMap::new();
    table_references(cx, cfg, table, &mut seen, &mut resources, s);
    shape_references(cx, cfg, &mut seen, s);
    (seen, resources)
}

/// The name as a table entry reads it from `text`: the value of its flag
/// (`--flag=X`, or `--flag` then `X`: `after_flag` carries the previous item's
/// flag), the name part of `namespace/name` (with that namespace), or all of it.
fn entry_name<'t>(
    r: &refs::TableRef,
    text: &'t str,
    after_flag: &mut bool,
) -> Option<(&'t str, Option<&'t str>)> {
    match &r.flag {
        Some(flag) => {
            let named = *after_flag;
            *after_flag = refs::flag_matches(flag, text);
            match text.split_once('=') {
                Some((f, v)) if refs::flag_matches(flag, f) => Some((v, None)),
                _ if named => Some((text, None)),
                _ => None,
            }
        }
        None if r.ns_slash_name => text.split_once('/').map(|(ns, n)| (n, Some(ns))),
        None => Some((text, None)),
    }
}

/// The reference table's entries (`references`, as rule 2 reads them).
fn table_references(
    cx: &Cx<'_, '_>,
    cfg: &Config,
    table: &refs::TableObject<'_, '_>,
    seen: &mut HashSet<NodeId>,
    resources: &mut HashMap<NodeId, Vec<String>>,
    s: &mut Stream,
) {
    let doc = cx.doc;
    // A flag's value may be the next item: that state belongs to one entry.
    let (mut entry, mut after_flag) = (usize::MAX, false);
    refs::for_each_table_hit(table, &cfg.k8s.references, |ri, r, f| {
        if ri != entry {
            (entry, after_flag) = (ri, false);
        }
        let Some(text) = cx.text(f.leaf) else {
            return;
        };
        let Some((name, text_ns)) = entry_name(r, text, &mut after_flag) else {
            return;
        };
        let kind = match &r.target {
            Target::Kind(k) => Some(k.clone()),
            Target::Sibling { key, default } => doc
                .get_str(f.holder, key)
                .map(str::to_string)
                .or_else(|| default.clone()),
            Target::Resources => {
                // RBAC `resourceNames`: objects of the kinds `resources` names
                // beside them (for the leftover scan; no reference of one kind).
                let list = doc
                    .get(f.holder, "resources")
                    .filter(|&l| doc.is_seq(l))
                    .map(|l| {
                        doc.children(l)
                            .filter_map(|i| cx.text(i))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                resources.insert(f.leaf, list);
                None
            }
        };
        let Some(kind) = kind else { return };
        let ns = text_ns
            .map(str::to_string)
            .or_else(|| {
                r.ns_key
                    .as_deref()
                    .and_then(|k| doc.get_str(f.holder, k))
                    .map(str::to_string)
            })
            .or_else(|| cx.ns.clone());
        seen.insert(f.leaf);
        // An empty or absent group is what the API server stores for it
        // (`group_default`, as rule 2 reads it).
        let group = match (&r.target, given_group(doc, f.holder)) {
            (Target::Sibling { .. }, Some(g)) if !g.trim().is_empty() => Some(g),
            (Target::Sibling { .. }, given) => r
                .group_default
                .for_kind(&kind)
                .map(str::to_string)
                .or(given),
            _ => r.target_group.clone(),
        };
        s.refs.push(Ref {
            group,
            kind,
            ns,
            name: name.to_string(),
            place: cx.place(f.leaf),
        });
    });
}

/// Typed references (`{kind, name}` anywhere) and the familiar shapes in a
/// custom resource, where the table did not look.
fn shape_references(cx: &Cx<'_, '_>, cfg: &Config, seen: &mut HashSet<NodeId>, s: &mut Stream) {
    let doc = cx.doc;
    // Label, annotation and selector maps hold text, never a reference
    // (`string_map_keys`, the same table rule 2 reads).
    let mut text_until = 0;
    let text_maps: HashSet<NodeId> = (0..doc.nodes.len())
        .filter(|&id| doc.is_map(id))
        .flat_map(|id| doc.pairs(id))
        .filter(|&(k, _)| {
            doc.str(k)
                .is_some_and(|key| cfg.k8s.string_map_keys.iter().any(|s| s == key))
        })
        .map(|(_, v)| v)
        .collect();
    // The familiar shapes count in a custom resource, outside its metadata (as
    // rule 2 reads them: Kubernetes' own kinds are the table's).
    let custom = cfg.k8s.is_custom_group(cx.group);
    // Every occurrence of a repeated `metadata` key (as rule 2 skips them all).
    let metadata: Vec<std::ops::Range<NodeId>> = doc
        .get_all(cx.root, "metadata")
        .map(|(_, m)| m..doc.node(m).next)
        .collect();
    // Nothing inside a mapping used as a key (`? {…}`) is read: rule 2 looks only
    // at values, and the API server refuses such a key anyway (JSON has none).
    let in_keys: Vec<std::ops::Range<NodeId>> = (0..doc.nodes.len())
        .filter(|&id| doc.is_map(id))
        .flat_map(|id| doc.pairs(id))
        .filter(|&(k, _)| !doc.is_scalar(k))
        .map(|(k, _)| k..doc.node(k).next)
        .collect();
    for id in 1..doc.nodes.len() {
        if text_maps.contains(&id) {
            text_until = text_until.max(doc.node(id).next);
        }
        if doc.node(id).kind != NodeKind::Map
            || id < text_until
            || in_keys.iter().any(|r| r.contains(&id))
        {
            continue;
        }
        if custom && !metadata.iter().any(|r| r.contains(&id)) {
            familiar(cx, cfg, id, seen, s);
        }
        let (Some(k), Some(n)) = (doc.get(id, "kind"), doc.get(id, "name")) else {
            continue;
        };
        let (Some(kind), Some(name)) = (cx.text(k), cx.text(n)) else {
            continue;
        };
        // A reference that also carries a `uid` (an owner or an event's object)
        // names one live object, which a rename cannot move (rule 2 keeps it;
        // charts never render uids).
        if seen.contains(&n)
            || !kind.starts_with(|c: char| c.is_ascii_uppercase())
            || doc.get(id, "uid").is_some()
        {
            continue;
        }
        seen.insert(n);
        s.refs.push(Ref {
            kind: kind.to_string(),
            group: given_group(doc, id),
            ns: doc
                .get_str(id, "namespace")
                .map(str::to_string)
                .or_else(|| cx.ns.clone()),
            name: name.to_string(),
            place: cx.place(n),
        });
    }
}

/// The familiar reference shapes (`reference_shapes`, the table rule 2 reads)
/// among the keys of mapping `id`.
fn familiar(cx: &Cx<'_, '_>, cfg: &Config, id: NodeId, seen: &mut HashSet<NodeId>, s: &mut Stream) {
    let doc = cx.doc;
    for (k, v) in doc.pairs(id) {
        let Some(shape) = doc
            .str(k)
            .and_then(|key| cfg.k8s.shapes.iter().find(|sh| sh.key == key))
        else {
            continue;
        };
        let (leaf, ns_holder) = match &shape.name {
            None => (Some(v), id),
            Some(name) => {
                let complete = doc.is_map(v)
                    && doc.get(v, "kind").is_none()
                    && shape.requires.iter().all(|f| doc.get(v, f).is_some());
                (doc.get(v, name).filter(|_| complete), v)
            }
        };
        let Some(leaf) = leaf.filter(|&l| cx.text(l).is_some()) else {
            continue;
        };
        if !seen.insert(leaf) {
            continue;
        }
        let ns = shape
            .ns_key
            .as_deref()
            .and_then(|key| doc.get_str(ns_holder, key))
            .map(str::to_string);
        s.refs.push(Ref {
            kind: shape.target.clone(),
            group: None,
            ns: ns.or_else(|| cx.ns.clone()),
            name: doc.node(leaf).value.to_string(),
            place: cx.place(leaf),
        });
    }
}
