//! Rule 11's verdict on one old name in one string: what its key, its holder
//! and the words around it say about what the string names.

use super::*;

/// Does a key name `kind`: its words hold the kind's words in a row
/// (`deploymentName`, `DEPLOYMENT_NAME`, `tls-secret`, `brokerRef`), the kind's
/// short name (`svc`, `cm`), or the kind's last word when it says enough
/// (`claimName` for a PersistentVolumeClaim, `budget` for a PodDisruptionBudget)?
pub(super) fn names_kind(key: &str, kind: &str) -> bool {
    names_kind_as(key, kind, true)
}

/// [`names_kind`]; `by_last_word: false` leaves out the kind's last word alone
/// (`controller` says Deployment-or-ReplicationController-or-anything: enough to
/// follow a name to a candidate of that kind, not to rule other kinds out).
fn names_kind_as(key: &str, kind: &str, by_last_word: bool) -> bool {
    let words = key_words(key);
    if words.is_empty() {
        return false;
    }
    let kind_words = key_words(kind);
    let joined = kind.to_ascii_lowercase();
    // RBAC and kubectl write kinds as plurals (`resources: [secrets]`).
    let plural = |w: &str| {
        w.strip_suffix("es").is_some_and(|s| s == joined)
            || w.strip_suffix('s').is_some_and(|s| s == joined)
            || (joined.ends_with('y')
                && w.strip_suffix("ies")
                    .is_some_and(|s| s == &joined[..joined.len() - 1]))
    };
    if words.iter().any(|w| *w == joined || plural(w))
        || words
            .windows(kind_words.len().max(1))
            .any(|win| win == kind_words.as_slice())
    {
        return true;
    }
    if let Some(s) = crate::k8s::words::short_name(kind)
        && words.iter().any(|w| w == s)
    {
        return true;
    }
    by_last_word
        && kind_words.len() > 1
        && kind_words
            .last()
            .is_some_and(|last| last.len() >= 5 && words.iter().any(|w| w == last))
}

/// The verdict on one old name in one string, or `None` when it is no match after
/// all (a dotted word whose rest is not where the Service lives).
#[allow(clippy::too_many_arguments)]
pub(super) fn judge<'i>(
    cfg: &Config,
    index: &StreamIndex<'_>,
    plan: &DocPlan<'_>,
    c: &LeftCand<'_>,
    a: &Holder<'_>,
    value: &str,
    w: &Word<'_>,
    targets: &[&'i OldName<'i>],
    pod: bool,
) -> Option<Verdict<'i>> {
    let text = w.text(value);
    let new_for = |t: &OldName<'_>| new_name(t, text, pod);
    if let Some(e) = c.exempt {
        return Some(Verdict::Keep(Cow::Borrowed(e.why())));
    }
    if leftover::url_user(value, w.start, w.end) {
        return Some(Verdict::Keep(Cow::Borrowed(
            "a URL's user name (`scheme://user:password@host`) names an account, not an object",
        )));
    }
    if w.form == Form::Host {
        return judge_host(cfg, index, plan, value, w, targets, pod);
    }
    // Rule 2 and rule 10 judged this place already, knowing the kind, group and
    // namespace it names: what they kept names an object the copy does not emit.
    let judged =
        |r: &crate::plan::RefCand<'_>| r.leaf.start >= c.at.start && r.leaf.end <= c.at.end;
    if plan.refs.iter().chain(&plan.made.names).any(judged) {
        return Some(Verdict::Keep(Cow::Borrowed(
            "a reference rule 2 judged by its kind, group and namespace: its target is not emitted",
        )));
    }
    if a.beside_kind && c.key == "name" {
        return Some(Verdict::Keep(Cow::Borrowed(
            "a typed reference {kind, name}: rule 2 judged it by its kind and group",
        )));
    }
    if leftover::in_query(value, w.start) {
        return Some(Verdict::Keep(Cow::Borrowed(
            "a label matcher in a query (`{job=\"…\"}`) names time series, not an object",
        )));
    }
    // (a) A StatefulSet's pod `<set>-<n>`: the set's rename renames its pods.
    if pod {
        let t = targets.iter().find(|t| t.kind == "StatefulSet")?;
        return Some(Verdict::Follow(
            "a StatefulSet's pod name <set>-<ordinal>",
            t,
            new_for(t),
        ));
    }
    // A `prefix/name`: the prefix is the namespace (`ns/web`) or the kind
    // (`deployment/web`); anything else is a path (`/etc/web`).
    let mut targets: Vec<&'i OldName<'i>> = targets.to_vec();
    if let Form::Slash(p) = w.form {
        let kind_named = targets.iter().any(|t| names_kind(p, t.kind));
        if !kind_named {
            let known = index.namespaces.contains(p) || p.starts_with("$(");
            targets.retain(|t| t.ns.map_or(known, |n| n == p || p.starts_with("$(")));
            if targets.is_empty() {
                return None;
            }
        }
    }
    if let Form::Slash(p) = w.form
        && targets
            .iter()
            .all(|t| t.ns == Some(p) && t.new == targets[0].new)
    {
        return Some(Verdict::Follow(
            "a namespaced name `namespace/name` of an object of the stream in that namespace",
            targets[0],
            new_for(targets[0]),
        ));
    }
    if let Form::Keyed(k) = w.form
        && leftover::says_namespace(k)
    {
        return Some(Verdict::Keep(Cow::Borrowed(Exempt::Namespace.why())));
    }
    by_keys(cfg, index, c, a, value, w, &targets, pod)
}

/// The new name of an old one the string holds: a StatefulSet's pod
/// `<set>-<n>` keeps its ordinal.
fn new_name(t: &OldName<'_>, text: &str, pod: bool) -> String {
    if pod {
        let (_, n) = text.rsplit_once('-').unwrap_or((text, ""));
        format!("{}-{n}", t.new)
    } else {
        t.new.clone()
    }
}

/// The verdict on an old name by the keys around it (the key, a flag before
/// it, the mapping's other keys and values), once its form has said nothing.
#[allow(clippy::too_many_arguments)]
fn by_keys<'i>(
    cfg: &Config,
    index: &StreamIndex<'_>,
    c: &LeftCand<'_>,
    a: &Holder<'_>,
    value: &str,
    w: &Word<'_>,
    targets: &[&'i OldName<'i>],
    pod: bool,
) -> Option<Verdict<'i>> {
    let text = w.text(value);
    let new_for = |t: &OldName<'_>| new_name(t, text, pod);
    // The keys that may say what the value is.
    let keys: Vec<&str> = match w.form {
        // `--configmap=$(POD_NAMESPACE)/web`: the prefix is a namespace, which says
        // nothing of the kind; the flag before it does.
        Form::Slash(p) if p.starts_with("$(") || index.namespaces.contains(p) => {
            leftover::flag_before_slash(value, w, p)
                .into_iter()
                .chain(c.flag.as_deref())
                .chain([c.key.as_ref()])
                .collect()
        }
        Form::Keyed(k) | Form::Slash(k) => vec![k],
        // A list item after a flag: the flag, then the list's key.
        _ => match c.flag.as_deref() {
            Some(f) => vec![f, &c.key],
            None => vec![&c.key, &c.parent_key],
        },
    };
    // (a) The key (or the flag, or the `kind/` before it) names the kind, and no
    // longer kind that contains it (`serviceAccountName` names a ServiceAccount,
    // not a Service).
    let longer = |k: &str, kind: &str| {
        index
            .kinds
            .iter()
            .map(String::as_str)
            .chain(cfg.k8s.shapes.iter().map(|s| s.target.as_str()))
            .any(|other| {
                other.len() > kind.len()
                    && other
                        .to_ascii_lowercase()
                        .contains(&kind.to_ascii_lowercase())
                    && names_kind(k, other)
            })
    };
    for t in targets {
        if keys
            .iter()
            .any(|k| names_kind(k, t.kind) && !longer(k, t.kind))
        {
            return Some(Verdict::Follow("its key names the kind", t, new_for(t)));
        }
    }
    // (a) A key that says host or server holds a Service's name (a TLS
    // `serverName`, `--db-server`).
    if let Some(t) = targets.iter().find(|t| t.kind == "Service")
        && keys.iter().any(|k| {
            key_words(k).iter().any(|w| {
                matches!(
                    w.as_str(),
                    "host" | "hostname" | "server" | "address" | "addr" | "endpoint"
                )
            })
        })
    {
        return Some(Verdict::Follow(
            "its key says host, and it names a Service",
            t,
            new_for(t),
        ));
    }
    if keys.iter().any(|k| crate::rules::strings::says_host(k)) {
        return Some(Verdict::Keep(Cow::Borrowed(
            "its key says host, and the copy renames no Service of this name (rule 9 keeps such a host)",
        )));
    }
    // (a) The mapping says the kind beside the name (`type: topic`,
    // `resources: [secrets]`).
    if w.form == Form::Whole {
        for t in targets {
            if siblings(a, c).any(|s| value_names_kind(s, t.kind)) {
                return Some(Verdict::Follow(
                    "the mapping names the kind beside it",
                    t,
                    new_for(t),
                ));
            }
        }
    }
    // (a) The mapping has a reference's shape.
    if w.form == Form::Whole && c.key == "name" {
        if a.beside_key {
            // `{name, key}`: a SecretKeySelector or ConfigMapKeySelector.
            let sel: Vec<_> = targets
                .iter()
                .filter(|t| matches!(t.kind, "Secret" | "ConfigMap"))
                .collect();
            return Some(match sel.as_slice() {
                [t] => Verdict::Follow(
                    "a {name, key} selector's shape (Secret or ConfigMap key)",
                    t,
                    new_for(t),
                ),
                [] => Verdict::Keep(Cow::Borrowed(
                    "a {name, key} selector names a Secret or ConfigMap, and the copy renames none of this name",
                )),
                _ => Verdict::Report(sel[0]),
            });
        }
        if a.beside_namespace
            && !a.beside_kind
            && let [t] = targets
        {
            return Some(Verdict::Follow(
                "a {name, namespace} reference's shape naming one object of the stream",
                t,
                new_for(t),
            ));
        }
    }
    // (b) The key names another kind, or a part of a pod: the value is that.
    let siblings: Vec<&str> = if w.form == Form::Whole {
        siblings(a, c).collect()
    } else {
        Vec::new()
    };
    let known = || {
        index
            .kinds
            .iter()
            .map(String::as_str)
            .chain(cfg.k8s.shapes.iter().map(|s| s.target.as_str()))
            .chain(cfg.k8s.pod_specs.keys().map(String::as_str))
    };
    let other = keys
        .iter()
        .find_map(|k| {
            known()
                .chain(ITEM_WORDS.iter().copied())
                .find(|kind| names_kind_as(k, kind, false))
        })
        .or_else(|| {
            siblings
                .iter()
                .find_map(|v| known().find(|kind| value_names_kind(v, kind)))
        });
    let about_parts = a
        .keys
        .iter()
        .find_map(|k| ITEM_WORDS.iter().find(|w| names_kind(k, w)));
    if let Some(kind) = other {
        return Some(Verdict::Keep(Cow::Owned(format!(
            "it names a {kind} (its key or the mapping says so), and the copy renames no {kind} of this name (rule 2 keeps such a reference)"
        ))));
    }
    if let Some(part) = about_parts {
        return Some(Verdict::Keep(Cow::Owned(format!(
            "the mapping is about a {part} (its keys say so): it holds a {part}'s value, not an object's name"
        ))));
    }
    // (a) The key spells the name it holds (`ARGOCD_APPLICATION_CONTROLLER_NAME:
    // argocd-application-controller`): a variable that carries an object's own
    // name; every object of that name gets the same new one.
    if keys.iter().any(|k| spells(k, text)) && targets.iter().all(|t| t.new == targets[0].new) {
        return Some(Verdict::Follow(
            "its key spells the name it holds",
            targets[0],
            new_for(targets[0]),
        ));
    }
    // (b) A one-word name (`retool`, `loki`) under a key that names no kind is as
    // likely the app's, a user's or a database's name.
    if !text.contains(['-', '.']) {
        return Some(Verdict::Keep(Cow::Borrowed(
            "a one-word name under a key that names no kind: as likely an app's, user's or database's name",
        )));
    }
    Some(Verdict::Report(targets[0]))
}

/// The verdict on an old name written as a host: a host names a Service (or a
/// pod by its StatefulSet), rule 9's business (docs/rules.md#rule-9). After a
/// `/` that is no `://` a word is a path's (`/data/db:5432`).
fn judge_host<'i>(
    cfg: &Config,
    index: &StreamIndex<'_>,
    plan: &DocPlan<'_>,
    value: &str,
    w: &Word<'_>,
    targets: &[&'i OldName<'i>],
    pod: bool,
) -> Option<Verdict<'i>> {
    let keep = |why: &'static str| Some(Verdict::Keep(Cow::Borrowed(why)));
    let before = &value[..w.start];
    if before.ends_with('/') && !before.ends_with("://") {
        return keep("a word of a path (`/data/db:5432`), not a host");
    }
    let rest = &value[w.end..w.word_end];
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    let mut parts: Vec<&str> = rest.split('.').collect();
    // A pod's address names its headless Service next: `<set>-<n>.<svc>[.ns…]`.
    if pod {
        if parts.first().is_none_or(|svc| svc.is_empty()) {
            return keep("a pod's name without its Service is no address");
        }
        parts.remove(0);
        if parts.is_empty() {
            parts.push("");
        }
    }
    let lives_there = |ns: &str| {
        index.namespaces.contains(ns) || plan.ns.as_deref() == Some(ns) || ns.starts_with("$(")
    };
    // `svc.ns…` names the Service of that namespace.
    let ns = match parts.as_slice() {
        [""] => None,
        [ns] if lives_there(ns) => Some(*ns),
        [ns, "svc", ..] if !ns.is_empty() => Some(*ns),
        _ => {
            return keep(
                "a dotted word whose rest is no namespace of this stream: not a host of it",
            );
        }
    };
    // A host is a Service's name, or a StatefulSet's pod's (`<set>-<n>.<headless
    // Service>`): what else shares the name is not what the host names.
    let Some(named) = targets.iter().find(|t| {
        (t.kind == "Service" || pod)
            && (ns.is_none_or(|n| n.starts_with("$(")) || ns_compatible(ns, t.ns))
    }) else {
        return keep("a host naming no Service of this stream in that namespace");
    };
    Some(if cfg.string_refs {
        Verdict::Report(named)
    } else {
        Verdict::Keep(Cow::Borrowed(
            "a host of this stream, and rule 9 is off (--no-string-refs)",
        ))
    })
}

/// Does a value beside the name say its kind: the kind itself, its plural, or
/// the last word of a longer kind (`type: topic` beside a KafkaTopic's name,
/// `resources: [secrets]`)? Stricter than a key: values are not kubectl's short
/// names, and `api.ns.svc` says nothing.
fn value_names_kind(v: &str, kind: &str) -> bool {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let v = v.to_ascii_lowercase();
    let kw = key_words(kind);
    let last = kw.last().map(String::as_str).unwrap_or("");
    let one = |w: &str| {
        v == w
            || v.strip_suffix('s') == Some(w)
            || v.strip_suffix("es") == Some(w)
            || (w.ends_with('y') && v.strip_suffix("ies") == Some(&w[..w.len() - 1]))
    };
    one(&kind.to_ascii_lowercase()) || (kw.len() > 1 && last.len() >= 5 && one(last))
}

/// Does the key spell `name`: every word of the name after its first (often the
/// release's or the app's: `keda-operator` under `OPERATOR_NAME`) is a word of
/// the key? (A key that says host was judged before: `REDIS_HOST: chart-redis`
/// spells nothing about a Service it cannot find.)
fn spells(key: &str, name: &str) -> bool {
    let kw = key_words(key);
    let nw: Vec<&str> = name.split('-').filter(|w| !w.is_empty()).collect();
    nw.len() >= 2 && nw[1..].iter().all(|w| kw.iter().any(|k| k == w))
}
