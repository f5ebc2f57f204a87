//! The leftover scan, with no table: an old name still written in the copy.
//!
//! Old names are the names of the baseline's objects (and of the names it makes
//! at run time) whose counterpart the copy has under its renamed name. Every
//! string of every object of the copy is cut into the words that may name an
//! object ([`crate::k8s::leftover`], the same reading of strings the filter's
//! rule 11 uses: facts of the YAML, no decision); [`mentions`] keeps the words
//! equal to a name of the baseline, and [`candidates`] says which old names each
//! can be, once both streams are read. A word that can be one is a collision
//! with both places. Nothing is said of:
//!
//! - a named exception ([`crate::k8s::leftover::Exempt`]: an image, an item's
//!   own name, a namespace, a program);
//! - a string the model already read as a reference or a name made at run time,
//!   or as a selector: those are judged with their kind (categories 5, 3, 4), so
//!   a `secretKeyRef` to a Secret `web` the copy shares is not mistaken for the
//!   baseline's Deployment `web`, and no place is reported twice;
//! - label keys and values (rule 9 (docs/rules.md#rule-9) leaves them to rule 3): a key that says
//!   label (`jobLabel`) or alias (`REDIS_ALIAS`, a metrics label), a small mapping beside one (a relabeling's
//!   `replacement`), a label matcher in a query (`{job="web"}`);
//! - a word whose key names another kind (`passwordSecret: {name: web}` names a
//!   Secret; `default-container: web` a container), or, in RBAC `resourceNames`,
//!   a kind that `resources` does not list;
//! - a one-word name (`mastodon`, `broker`) under a key that names no kind: a
//!   word that merely equals a name (a database user, a role);
//! - a host (`web.ns.svc`, `web:80`, `http://web`) that is not where a Service of
//!   that name lives (`kafka.server`: `server` is no namespace);
//! - a word after a `prefix/` that is a path (`/data/web`), not a namespace of the
//!   streams or the kind (`ns/web`, `deployment/web`);
//! - `NAMESPACE=web` inside a text (a namespace's name);
//! - a URL's user name (`postgres://web:pw@db`): an account, not an object.
//!
//! Namespaces must agree: the old name's object lives where the string's object
//! does (or where its `ns/` or host says). A word `<set>-<n>` is a pod of a
//! StatefulSet called `<set>`. A Secret's values (`data` decoded) are read and
//! never shown: the finding says "a Secret value".
//!
//! This is simpler than the filter's evidence, and stricter: a key that names no
//! kind says nothing here, so a name with a `-` under it is reported whatever
//! the filter decided. A finding the filter misses shows up here first.
//!
//! ```text
//! collision: old name `web` left in the copy: it names the baseline's Deployment/web, which the copy has as web-tilt (baseline …; tilt … at spec.template.spec.containers[0].env[0].value)
//! ```

use crate::baseline::model::{Mention, Place, Stands, Stream, same_ns};
use crate::k8s::leftover::{self, Form, key_words};
use crate::yaml::{Doc, NodeId, Style};
use std::collections::{HashMap, HashSet};

/// The names a copy's strings are compared with: every name of the baseline's
/// objects and of what it makes at run time (a superset of the old names, which
/// are known only once the copy is read too).
pub fn watch_list(b: &Stream) -> HashSet<String> {
    b.objects
        .iter()
        .map(|o| o.name.clone())
        .chain(b.made.iter().map(|m| m.name.clone()))
        .collect()
}

/// One word found by [`mentions`].
pub struct Found {
    pub name: String,
    pub pod: Option<String>,
    pub stands: Stands,
    pub keys: Vec<String>,
    pub resources: Option<Vec<String>>,
    pub line: usize,
    pub secret: bool,
}

/// The object whose strings [`mentions`] reads, and what the model already read
/// in it.
pub struct Within<'w> {
    pub kind: &'w str,
    pub group: &'w str,
    /// Strings that hold a reference or a made name, judged with their kind.
    pub judged: &'w HashSet<NodeId>,
    /// RBAC `resourceNames` items, with the `resources` beside them.
    pub resources: &'w HashMap<NodeId, Vec<String>>,
}

/// The words of the object at `root` that equal a name of `watch`, each with
/// the string that holds it. Strings `within.judged`, named exceptions and label
/// keys and values (a key that says label, or a small mapping beside one: a
/// relabeling's `replacement`; a label matcher in a query, `{job="…"}`) are not
/// read: rule 9 (docs/rules.md#rule-9) leaves label keys and values alone, and rule 11 keeps its
/// named exceptions.
pub fn mentions(
    doc: &Doc<'_>,
    root: NodeId,
    within: &Within<'_>,
    watch: &HashSet<String>,
) -> Vec<(NodeId, Found)> {
    let secret = within.kind == "Secret" && within.group.is_empty();
    let mut out = Vec::new();
    leftover::leaves(doc, root, secret, &mut |l| {
        if l.exempt.is_some() || within.judged.contains(&l.id) || says_label(l.key) {
            return;
        }
        let node = doc.node(l.id);
        let decoded;
        let value: &str = if l.base64 {
            match crate::k8s::base64::base64_text(&node.value) {
                Some(v) => {
                    decoded = v;
                    &decoded
                }
                None => return,
            }
        } else {
            &node.value
        };
        // Cheap first: most strings hold no name of the baseline.
        let words: Vec<_> = leftover::words(value)
            .into_iter()
            .filter_map(|w| {
                let text = w.text(value);
                if watch.contains(text) {
                    return Some((w, text, None));
                }
                let (set, n) = text.rsplit_once('-')?;
                (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && watch.contains(set))
                    .then(|| (w, set, Some(text.to_string())))
            })
            .collect();
        if words.is_empty() || l.holder.is_some_and(|h| beside_label(doc, h)) {
            return;
        }
        for (w, name, pod) in words {
            let (stands, keys) = match w.form {
                Form::Keyed(k) if leftover::says_namespace(k) => continue,
                Form::Keyed(k) => (Stands::Named, vec![k.to_string()]),
                Form::Whole => (
                    Stands::Named,
                    vec![l.key.to_string(), l.parent_key.to_string()],
                ),
                // `--configmap=$(POD_NAMESPACE)/web`: the flag before a namespace
                // says the kind.
                Form::Slash(p) => (
                    Stands::Slash(p.to_string()),
                    leftover::flag_before_slash(value, &w, p)
                        .map(str::to_string)
                        .into_iter()
                        .collect(),
                ),
                Form::Host => {
                    // After a `/` that is no `://`, a word is a path's (`/data/db:5432`).
                    let before = &value[..w.start];
                    if before.ends_with('/') && !before.ends_with("://") {
                        continue;
                    }
                    let rest = &value[w.end..w.word_end];
                    let rest = rest.strip_prefix('.').unwrap_or(rest).to_string();
                    (Stands::Host(rest), Vec::new())
                }
            };
            if leftover::in_query(value, w.start) || leftover::url_user(value, w.start, w.end) {
                continue;
            }
            // A literal block keeps its lines: the word's is the string's first
            // plus the line breaks before it.
            let line = if node.style == Style::Literal && !l.base64 {
                node.line + value[..w.start].matches('\n').count()
            } else {
                node.line
            };
            out.push((
                l.id,
                Found {
                    name: name.to_string(),
                    pod,
                    stands,
                    keys,
                    resources: within.resources.get(&l.id).cloned(),
                    line,
                    secret: l.secret,
                },
            ));
        }
    });
    out
}

/// Does a key say label (`jobLabel`, `targetLabel`, `sourceLabels`) or alias
/// (`REDIS_ALIAS`: the name an exporter puts on its metrics)? Its value is a
/// label's key or value, or a display name.
fn says_label(key: &str) -> bool {
    key_words(key)
        .iter()
        .any(|w| matches!(w.as_str(), "label" | "labels" | "alias"))
}

/// Is `holder` a small mapping with a key that says label (a relabeling rule
/// `{sourceLabels, targetLabel, replacement}`)? Its values are labels' too. (A
/// large mapping, such as a ConfigMap's data, says nothing by one of its keys.)
fn beside_label(doc: &Doc<'_>, holder: NodeId) -> bool {
    doc.pairs(holder).nth(6).is_none()
        && doc
            .pairs(holder)
            .any(|(k, _)| doc.str(k).is_some_and(says_label))
}

/// Does a key name `kind`: all of the kind's words in a row among the key's
/// (`deploymentName`, `DEPLOYMENT_NAME`, `brokerRef`, `configMapName`), or one
/// word that is the kind written together or as a plural (`CONFIGMAP`,
/// `secrets`), or kubectl's short name for it (`svc`, `cm`)?
pub fn key_names_kind(words: &[String], kind: &str) -> bool {
    let kw = key_words(kind);
    let joined = kind.to_ascii_lowercase();
    let short = crate::k8s::words::short_name(kind);
    !kw.is_empty()
        && (words.windows(kw.len()).any(|w| w == kw.as_slice())
            || words.iter().any(|w| {
                *w == joined
                    || w.strip_suffix('s') == Some(&joined)
                    || w.strip_suffix("es") == Some(&joined)
                    || short == Some(w.as_str())
            }))
}

/// An old name: a baseline object (or made name) whose counterpart the copy has.
pub struct OldName<'s> {
    pub kind: &'s str,
    pub ns: Option<&'s str>,
    pub cluster_scoped: bool,
    /// Where the baseline has it.
    pub place: &'s Place,
    /// The copy's name for it.
    pub new: String,
}

/// Does `prefix` (before `/name`) name the kind `kind`: the kind, its plural, or
/// `kind.group`, in any case (`deployment/web`, `Deployments.apps/web`)?
pub fn names_kind(prefix: &str, kind: &str) -> bool {
    let p = prefix
        .split_once('.')
        .map_or(prefix, |(k, _)| k)
        .to_ascii_lowercase();
    let k = kind.to_ascii_lowercase();
    p == k
        || p.strip_suffix('s') == Some(&k)
        || p.strip_suffix("es") == Some(&k)
        || (k.ends_with('y') && p.strip_suffix("ies") == Some(&k[..k.len() - 1]))
}

/// What the model knows around a word when it judges it.
pub struct Around<'a> {
    /// The namespace of the object whose string it is.
    pub holder_ns: Option<&'a str>,
    /// A namespace some object of either stream lives in.
    pub known_ns: &'a dyn Fn(&str) -> bool,
    /// A Service of that name is in either stream (emitted or made).
    pub is_service: &'a dyn Fn(&str) -> bool,
    /// Kinds a key may name: those of both streams, the workload kinds, the
    /// kinds Kubernetes' reference shapes name, and the parts of a pod a key can
    /// name instead (`Container`, `Volume`, `Port`).
    pub vocabulary: &'a [String],
    /// How RBAC `resources` writes a kind (`secrets`).
    pub plural: &'a dyn Fn(&str) -> String,
    /// Kinds that run pods (`pod_specs`): with Services, what a name in a string
    /// most often means, so they are named first in a finding.
    pub workload: &'a dyn Fn(&str) -> bool,
}

/// The kinds of `vocabulary` the first of `keys` that names any names; a kind
/// inside a longer one it names too is not (`serviceAccountName` names a
/// ServiceAccount, not a Service).
fn kinds_named<'v>(keys: &[String], vocabulary: &'v [String]) -> Vec<&'v str> {
    for key in keys {
        let words = key_words(key);
        let found: Vec<&str> = vocabulary
            .iter()
            .map(String::as_str)
            .filter(|k| key_names_kind(&words, k))
            .collect();
        let longest: Vec<&str> = found
            .iter()
            .copied()
            .filter(|k| {
                !found.iter().any(|o| {
                    o.len() > k.len() && o.to_ascii_lowercase().contains(&k.to_ascii_lowercase())
                })
            })
            .collect();
        if !longest.is_empty() {
            return longest;
        }
    }
    Vec::new()
}

/// Which of `targets` (the old names equal to the word of `m`) the word can
/// name, first the likeliest:
///
/// - an RBAC `resourceNames` item names an object of the kinds `resources` says;
/// - a word whose key names kinds (`DEPLOYMENT_NAME`, `brokerRef.name`,
///   `passwordSecret.name`, `--configmap`) names an object of those kinds only
///   (a key that names a part of a pod, `default-container`, names none);
/// - under a key that names no kind, a one-word name (`mastodon`, `broker`,
///   `loki`: no `-`, no `.`) is a word that merely equals a name (a database
///   user, a role, a data source; rule 9 (docs/rules.md#rule-9) leaves those alone); a longer one
///   names whatever has it;
/// - a host names a Service (or a pod by its StatefulSet) where the rest of the
///   host says it lives; `prefix/word` names an object of the kind the prefix
///   says, or of the namespace it is, and a path names nothing;
/// - the object lives where the string's object does (or where its `ns/` or
///   host says); cluster-scoped objects live everywhere.
pub fn candidates<'t, 's>(
    targets: &'t [OldName<'s>],
    m: &Mention,
    around: &Around<'_>,
) -> Vec<&'t OldName<'s>> {
    let pod = m.pod.is_some();
    let holder_ns = around.holder_ns;
    let lives = |t: &OldName<'_>, ns: Option<&str>| t.cluster_scoped || same_ns(ns, t.ns);
    let named = match &m.stands {
        Stands::Named | Stands::Slash(_) if m.resources.is_none() => {
            kinds_named(&m.keys, around.vocabulary)
        }
        _ => Vec::new(),
    };
    let flag_ok = |t: &OldName<'_>| named.is_empty() || named.contains(&t.kind);
    if matches!(m.stands, Stands::Named)
        && m.resources.is_none()
        && named.is_empty()
        && !pod
        && !m.name.contains(['-', '.'])
    {
        return Vec::new();
    }
    let mut out: Vec<&OldName<'s>> = targets
        .iter()
        .filter(|t| !pod || t.kind == "StatefulSet")
        .filter(|t| match &m.stands {
            Stands::Named => {
                let kind_ok = match &m.resources {
                    Some(list) => {
                        let plural = (around.plural)(t.kind);
                        list.iter().any(|r| {
                            let r = r.split('/').next().unwrap_or("");
                            r == "*" || r == plural
                        })
                    }
                    None if named.is_empty() => true,
                    None if pod => named.iter().any(|k| matches!(*k, "Pod" | "StatefulSet")),
                    None => named.contains(&t.kind),
                };
                kind_ok && lives(t, holder_ns)
            }
            Stands::Slash(p) if names_kind(p, t.kind) => lives(t, holder_ns),
            // A namespace of the streams (or one the shell fills in, `$(NS)/web`);
            // anything else is a path (`/etc/web`, `5432/web`).
            Stands::Slash(p) if p.starts_with("$(") => !t.cluster_scoped && flag_ok(t),
            Stands::Slash(p) if (around.known_ns)(p) || holder_ns == Some(p.as_str()) => {
                t.ns.is_none_or(|n| n == p) && !t.cluster_scoped && flag_ok(t)
            }
            Stands::Slash(_) => false,
            Stands::Host(rest) => {
                let parts: Vec<&str> = if rest.is_empty() {
                    Vec::new()
                } else {
                    rest.split('.').collect()
                };
                if pod {
                    // `db-0.db-headless…`: a pod's address under its Service.
                    return parts.first().is_none_or(|s| (around.is_service)(s))
                        && lives(t, holder_ns);
                }
                if t.kind != "Service" {
                    return false;
                }
                // `svc`, `svc.ns`, `svc.ns.svc…`: the Service of that namespace.
                let ns = match parts.as_slice() {
                    [] => holder_ns,
                    [ns] if (around.known_ns)(ns)
                        || holder_ns == Some(*ns)
                        || ns.starts_with("$(") =>
                    {
                        Some(*ns)
                    }
                    [ns, "svc", ..] if !ns.is_empty() => Some(*ns),
                    _ => return false,
                };
                ns.is_some_and(|n| n.starts_with("$(")) || lives(t, ns)
            }
        })
        .collect();
    // What the key names first, then Services and workloads (the order of the
    // baseline's documents otherwise).
    out.sort_by_key(|t| {
        (
            !named.contains(&t.kind),
            t.kind != "Service" && !(around.workload)(t.kind),
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_values_decode() {
        assert_eq!(
            crate::k8s::base64::base64_text("d2Vi").as_deref(),
            Some("web")
        );
        assert_eq!(
            crate::k8s::base64::base64_text("d2ViLTA=").as_deref(),
            Some("web-0")
        );
        assert_eq!(crate::k8s::base64::base64_text("d2V").as_deref(), None);
        assert_eq!(crate::k8s::base64::base64_text("d2=i").as_deref(), None);
    }

    #[test]
    fn prefixes_that_name_kinds() {
        assert!(names_kind("deployment", "Deployment"));
        assert!(names_kind("deployments.apps", "Deployment"));
        assert!(names_kind("networkpolicies", "NetworkPolicy"));
        assert!(!names_kind("etc", "Deployment"));
    }

    #[test]
    fn keys_name_kinds_by_words_plurals_and_kubectls_short_names() {
        let named = |key: &str, kind: &str| key_names_kind(&key_words(key), kind);
        assert!(named("configMapName", "ConfigMap"));
        assert!(named("secrets", "Secret"));
        assert!(named("svcName", "Service"));
        assert!(named("HPA_TARGET", "HorizontalPodAutoscaler"));
        assert!(named("pdb", "PodDisruptionBudget"));
        assert!(!named("svcName", "ServiceAccount"));
        assert!(!named("image", "Deployment"));
    }
}
