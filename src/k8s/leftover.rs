//! Rule 11's reading of an object's strings, shared by the filter's evidence pass
//! (`rules::evidence`) and the cluster model's leftover scan (`baseline`): every
//! string value of an object, where it sits (its key, the key above it, the
//! mapping that holds it), and the words in it that may name an object. No table
//! is read here: these are facts of the YAML, not decisions about a name.
//!
//! ```text
//! DEPLOYMENT_NAME=web            word `web`, keyed by DEPLOYMENT_NAME
//! --lock=web, --lock web         word `web`, after the flag --lock
//! ns/web, deployment/web         word `web`, after `ns` / `deployment`
//! http://web:80, web.ns.svc      word `web`, a host
//! the web team                   no word: a word in prose that merely equals a name
//! ```
//!
//! What is never read (the named exceptions of rule 11 that need no word):
//! `metadata.name` and `metadata.namespace` (rule 1's; a namespace is never
//! renamed), labels, label selectors and node selectors (rule 3's: their pairs
//! are text), Helm's own annotations (`helm.sh/*`, `meta.helm.sh/*`,
//! `postrenderer.helm.sh/*`), `ownerReferences` (they pin an object by uid).

use crate::yaml::{Doc, NodeId};

/// Helm's own annotations, never ours to read.
pub const HELM_PREFIXES: &[&str] = &["helm.sh/", "meta.helm.sh/", "postrenderer.helm.sh/"];

/// Why a string that is read may still hold an old name on purpose (rule 11 (b)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exempt {
    /// An image reference (a key that ends with `image`): Tilt matches images for
    /// live update, and `web:1.0` there is a repository, not an object.
    Image,
    /// The `name` of an item this object defines (a container, a port, a volume,
    /// an env var): the item carries more than a reference's keys.
    ItemName,
    /// A namespace's name (a key that says namespace): namespaces are never renamed.
    Namespace,
    /// The first word of a `command`: a program, not an object.
    Program,
}

impl Exempt {
    pub fn why(self) -> &'static str {
        match self {
            Exempt::Image => "an image reference (Tilt's; never renamed)",
            Exempt::ItemName => {
                "the name of an item this object defines (a container, port, volume or env var), not a reference"
            }
            Exempt::Namespace => "a namespace's name (namespaces are never renamed)",
            Exempt::Program => "the program a `command` runs, not an object",
        }
    }
}

/// Keys a mapping that only refers to an object may have besides `name`
/// (LocalObjectReference, SecretKeySelector, ObjectReference, a Gateway API
/// BackendRef or ParentRef). A mapping with any other key defines something.
const REFERENCE_KEYS: &[&str] = &[
    "name",
    "namespace",
    "kind",
    "key",
    "optional",
    "group",
    "apiGroup",
    "apiVersion",
    "port",
    "weight",
    "sectionName",
    "fieldPath",
];

/// Is mapping `m` only a reference (all its keys are [`REFERENCE_KEYS`])?
pub fn only_reference_keys(doc: &Doc<'_>, m: NodeId) -> bool {
    doc.pairs(m)
        .all(|(k, _)| doc.str(k).is_some_and(|k| REFERENCE_KEYS.contains(&k)))
}

/// Does a key or env var say that its value is an image reference?
pub fn says_image(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 5 && b[b.len() - 5..].eq_ignore_ascii_case(b"image")
}

/// Does a key say that its value is a namespace?
pub fn says_namespace(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("namespace") && !n.contains("namespaced")
}

/// One string value and where it sits.
#[derive(Clone, Copy, Debug)]
pub struct Leaf<'d> {
    pub id: NodeId,
    /// Its key; for an env entry `{name: X, value: V}`, X; for a list item, the
    /// list's key, or the flag before it (`["--lock", "web"]`).
    pub key: &'d str,
    /// The key of the mapping that holds it (`database` for `spec.database.name`).
    pub parent_key: &'d str,
    /// The mapping whose key it is, if any.
    pub holder: Option<NodeId>,
    pub exempt: Option<Exempt>,
    /// A Secret's `data` (base64) or `stringData`: never printed.
    pub secret: bool,
    /// Inside a Secret's `data`: the value is base64.
    pub base64: bool,
}

/// Calls `f` with every non-empty string value of the object at `root` that
/// rule 11 reads, in document order.
pub fn leaves<'d>(doc: &'d Doc<'_>, root: NodeId, secret: bool, f: &mut dyn FnMut(Leaf<'d>)) {
    let mut w = Walk { doc, f };
    for (k, v) in doc.pairs(root) {
        match doc.str(k) {
            Some("apiVersion" | "kind" | "status") => {}
            Some("metadata") if doc.is_map(v) => w.metadata(v),
            Some(section @ ("data" | "stringData")) if secret && doc.is_map(v) => {
                for (dk, dv) in doc.pairs(v) {
                    let key = doc.str(dk).unwrap_or("");
                    w.scalar(dv, key, section, Some(v), None, true, section == "data");
                }
            }
            key => w.value(v, key.unwrap_or(""), "", Some(root)),
        }
    }
}

struct Walk<'d, 'a, 'f> {
    doc: &'d Doc<'a>,
    f: &'f mut dyn FnMut(Leaf<'d>),
}

impl<'d> Walk<'d, '_, '_> {
    #[allow(clippy::too_many_arguments)]
    fn scalar(
        &mut self,
        id: NodeId,
        key: &'d str,
        parent_key: &'d str,
        holder: Option<NodeId>,
        exempt: Option<Exempt>,
        secret: bool,
        base64: bool,
    ) {
        let doc = self.doc;
        if !doc.is_scalar(id) || doc.is_null(id) || doc.node(id).value.is_empty() {
            return;
        }
        let exempt = exempt
            .or_else(|| says_image(key).then_some(Exempt::Image))
            .or_else(|| {
                (says_namespace(key) || says_namespace(parent_key)).then_some(Exempt::Namespace)
            });
        (self.f)(Leaf {
            id,
            key,
            parent_key,
            holder,
            exempt,
            secret,
            base64,
        });
    }

    /// Metadata: annotations only (names are rule 1's, labels rule 3's).
    fn metadata(&mut self, m: NodeId) {
        let doc = self.doc;
        for (_, ann) in doc.get_all(m, "annotations") {
            for (k, v) in doc.pairs(ann) {
                let key = doc.str(k).unwrap_or("");
                if !HELM_PREFIXES.iter().any(|p| key.starts_with(p)) {
                    self.scalar(v, key, "annotations", Some(ann), None, false, false);
                }
            }
        }
    }

    fn value(&mut self, v: NodeId, key: &'d str, parent_key: &'d str, holder: Option<NodeId>) {
        let doc = self.doc;
        if doc.is_scalar(v) {
            self.scalar(v, key, parent_key, holder, None, false, false);
        } else if doc.is_seq(v) {
            self.list(v, key, parent_key, holder);
        } else if doc.is_map(v) {
            self.map(v, key, false);
        }
    }

    fn map(&mut self, m: NodeId, key: &'d str, item: bool) {
        let doc = self.doc;
        // An item this object defines: its `name` names the item, not an object.
        let defines = item && !only_reference_keys(doc, m);
        // An env entry `{name: X, value: V}`: V's key is X.
        let env = doc
            .get_str(m, "name")
            .filter(|_| doc.get(m, "value").is_some());
        for (k, v) in doc.pairs(m) {
            let Some(k) = doc.str(k) else { continue };
            match k {
                "labels" | "matchLabels" | "matchExpressions" | "nodeSelector"
                | "ownerReferences" => {}
                "selector" if doc.is_map(v) && is_label_map(doc, v) => {}
                "metadata" if doc.is_map(v) => self.metadata(v),
                "name" if defines => {
                    self.scalar(v, k, key, Some(m), Some(Exempt::ItemName), false, false)
                }
                "value" if env.is_some() => {
                    let name = env.unwrap_or("");
                    let exempt = says_image(name).then_some(Exempt::Image);
                    self.scalar(v, name, key, Some(m), exempt, false, false);
                }
                _ if doc.is_scalar(v) => self.scalar(v, k, key, Some(m), None, false, false),
                _ => self.value(v, k, key, Some(m)),
            }
        }
    }

    /// A list: `--flag value` pairs make the value's key the flag; the first item
    /// of a `command` is a program.
    fn list(&mut self, seq: NodeId, key: &'d str, parent_key: &'d str, holder: Option<NodeId>) {
        let doc = self.doc;
        let mut flag: Option<&'d str> = None;
        for (n, item) in doc.children(seq).enumerate() {
            if doc.is_scalar(item) {
                let program = (n == 0 && key == "command").then_some(Exempt::Program);
                // A list item's key is the list's; the key above is the list's
                // holder's (`namespaceSelector` for `matchNames[]`).
                let parent = if flag.is_some() { key } else { parent_key };
                self.scalar(
                    item,
                    flag.unwrap_or(key),
                    parent,
                    holder,
                    program,
                    false,
                    false,
                );
                let text = doc.str(item).unwrap_or("");
                flag = (text.starts_with('-') && !text.contains(['=', ' ']) && text.len() > 1)
                    .then_some(text);
            } else {
                flag = None;
                if doc.is_map(item) {
                    self.map(item, key, true);
                } else {
                    self.value(item, key, parent_key, holder);
                }
            }
        }
    }
}

/// The path to the scalar that starts at byte `at` of the document (for a
/// report: read again only then).
pub fn path_at(doc: &Doc<'_>, at: usize) -> String {
    (0..doc.nodes.len())
        .find(|&i| doc.is_scalar(i) && doc.node(i).start == at)
        .map(|id| doc.path_to(id))
        .unwrap_or_default()
}

/// A `selector:` that is a plain label map (a Service's), not a LabelSelector.
pub fn is_label_map(doc: &Doc<'_>, m: NodeId) -> bool {
    doc.pairs(m).all(|(k, v)| {
        doc.is_scalar(v) && !matches!(doc.str(k), Some("matchLabels" | "matchExpressions"))
    })
}

/// How a word stands in its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form<'v> {
    /// The whole value.
    Whole,
    /// The value of `KEY=word`, `key: word`, `key = word` inside a text, or
    /// `--flag=word` / `--flag word`: the key or flag.
    Keyed(&'v str),
    /// `prefix/word`: a namespace, or a kind (`deployment/web`).
    Slash(&'v str),
    /// A host: `scheme://word`, `user@word`, `word:PORT`, `word.ns…` (the word is
    /// the first label).
    Host,
}

/// A word of a value that may name an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word<'v> {
    /// Byte range of the name within the value.
    pub start: usize,
    pub end: usize,
    /// End of the whole word (after a host's first label: `.ns.svc…`).
    pub word_end: usize,
    pub form: Form<'v>,
}

impl Word<'_> {
    pub fn text<'v>(&self, value: &'v str) -> &'v str {
        &value[self.start..self.end]
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')
}

fn key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The end of `s` made of characters `keep` accepts.
fn last_word(s: &str, keep: impl Fn(char) -> bool) -> &str {
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| !keep(c))
        .map_or(0, |(k, c)| k + c.len_utf8());
    &s[start..]
}

/// The words of `value` that may name an object, each with its form. A word is a
/// maximal run of letters, digits, `.`, `-`, `_` (so `db_x` is no name); a dotted
/// word gives its first label as a host only where the text makes it one.
pub fn words(value: &str) -> Vec<Word<'_>> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let trimmed = value.trim();
    let mut at = 0;
    while at < bytes.len() {
        if !is_word_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let i = at;
        let mut j = at;
        while j < bytes.len() && is_word_byte(bytes[j]) {
            j += 1;
        }
        at = j;
        let mut e = j;
        while e > i && bytes[e - 1] == b'.' {
            e -= 1;
        }
        // A word that goes on past a `-` or `_` (`minio-{0...3}`, `db_`) is cut
        // short, not a name.
        if i == e || matches!(bytes[i], b'-' | b'.') || matches!(bytes[e - 1], b'-' | b'_') {
            continue;
        }
        let word = &value[i..e];
        let first_end = word.find('.').map_or(e, |d| i + d);
        let before = &value[..i];
        let after = &value[e..];
        let port = after.strip_prefix(':').is_some_and(|r| {
            let d = r.bytes().take_while(u8::is_ascii_digit).count();
            (1..=5).contains(&d) && r.as_bytes().get(d).is_none_or(|&b| !is_word_byte(b))
        });
        let scheme = before.ends_with("://") || before.ends_with('@');
        // A dotted word is a host by its first label (`web.ns.svc`, the caller
        // checks that the rest is where such an object lives), and a name as a
        // whole in any other form (`my.config`).
        if first_end < e || scheme || port {
            out.push(Word {
                start: i,
                end: first_end,
                word_end: e,
                form: Form::Host,
            });
        }
        if scheme || (port && first_end == e) {
            continue;
        }
        let form = if trimmed == word {
            Some(Form::Whole)
        } else if let Some(k) = keyed(before) {
            Some(Form::Keyed(k))
        } else if let Some(p) = before.strip_suffix('/') {
            let prefix = last_word(p, |c| key_char(c) || matches!(c, '$' | '(' | ')'));
            (!prefix.is_empty() && !p.ends_with(':')).then_some(Form::Slash(prefix))
        } else {
            flag_before(before).map(Form::Keyed)
        };
        if let Some(form) = form {
            out.push(Word {
                start: i,
                end: e,
                word_end: e,
                form,
            });
        }
    }
    out
}

/// `KEY=`, `key: `, `key = `, `"key": "` right before a word: the key.
fn keyed(before: &str) -> Option<&str> {
    let b = before.trim_end_matches([' ', '\t', '"', '\'']);
    let k = b.strip_suffix('=').or_else(|| {
        let k = b.strip_suffix(':')?;
        // `scheme://` and `a:b:c` are no keys.
        (!before.ends_with(':') || before.ends_with(": ") || before.len() > b.len()).then_some(k)
    })?;
    let key = last_word(k.trim_end_matches([' ', '\t', '"', '\'']), key_char);
    (!key.is_empty()).then_some(key)
}

/// `--flag word` or `-f word` on a command line: the flag.
fn flag_before(before: &str) -> Option<&str> {
    let b = before
        .strip_suffix([' ', '\t'])?
        .trim_end_matches([' ', '\t']);
    let flag = last_word(b, key_char);
    let starts = b[..b.len() - flag.len()]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | ';' | '(' | '`'));
    (starts && flag.starts_with('-') && flag.len() > 1 && !flag.starts_with("---")).then_some(flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(v: &str) -> Vec<(String, String)> {
        words(v)
            .iter()
            .map(|w| (w.text(v).to_string(), format!("{:?}", w.form)))
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(shown("web"), [("web".into(), "Whole".into())]);
        assert_eq!(
            shown("DEPLOYMENT_NAME=web"),
            [("web".into(), "Keyed(\"DEPLOYMENT_NAME\")".into())]
        );
        assert_eq!(
            shown("--lock web"),
            [("web".into(), "Keyed(\"--lock\")".into())]
        );
        assert_eq!(shown("ns/web"), [("web".into(), "Slash(\"ns\")".into())]);
        assert_eq!(shown("http://web:80/x"), [("web".into(), "Host".into())]);
        assert_eq!(shown("web.ns.svc"), [("web".into(), "Host".into())]);
        assert_eq!(shown("the web team"), Vec::<(String, String)>::new());
        assert_eq!(shown("db_x"), [("db_x".into(), "Whole".into())]);
        assert_eq!(
            shown("my.config"),
            [
                ("my".into(), "Host".into()),
                ("my.config".into(), "Whole".into())
            ]
        );
        assert_eq!(
            shown("host: web\nport: 80"),
            [("web".into(), "Keyed(\"host\")".into())]
        );
    }
}
