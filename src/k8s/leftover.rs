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
//! renamed), labels and label selectors (rule 3's: their pairs are text), Helm's
//! own annotations (`helm.sh/*`, `meta.helm.sh/*`, `postrenderer.helm.sh/*`).
//! What is read but exempt from rule 11 carries an [`Exempt`] reason.

use crate::k8s::words::HELM_PREFIXES;
use crate::yaml::{Doc, NodeId};

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
    /// An env var's own name (`{name: X, value: V}`'s X).
    EnvName,
    /// A node selector's label pairs (rule 3's kind of text).
    Labels,
    /// `ownerReferences`: they pin one live object by its uid.
    Pinned,
    /// `status`: what the cluster writes, not the chart.
    Status,
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
            Exempt::EnvName => "an env var's own name",
            Exempt::Labels => "a node selector's label (rule 3's kind of text)",
            Exempt::Pinned => "an owner reference, pinned to one live object by its uid",
            Exempt::Status => "status, written by the cluster",
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
    // Case-insensitive, without allocating: asked of every string's keys.
    let b = name.as_bytes();
    b.windows(9).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(b"namespace")
            && !b.get(i + 9).is_some_and(|c| c.eq_ignore_ascii_case(&b'd'))
    })
}

/// One string value and where it sits.
#[derive(Clone, Copy, Debug)]
pub struct Leaf<'d> {
    pub id: NodeId,
    /// Its key; for an env entry `{name: X, value: V}`, X; for a list item, the
    /// list's key.
    pub key: &'d str,
    /// The key of the mapping that holds it (`database` for `spec.database.name`;
    /// for a list item, the key above the list).
    pub parent_key: &'d str,
    /// A list item right after a flag (`["--lock", "web"]`): the flag.
    pub flag: Option<&'d str>,
    /// The mapping whose value it is (or whose list it is in), if any.
    pub holder: Option<NodeId>,
    pub exempt: Option<Exempt>,
    /// The value of an env entry `{name: X, value: V}`.
    pub env: bool,
    /// A Secret's `data` (base64) or `stringData`: never printed.
    pub secret: bool,
    /// Inside a Secret's `data`: the value is base64.
    pub base64: bool,
}

/// Calls `f` with every non-empty string value of the object at `root`, in
/// document order: the strings rule 9 and rule 11 read (one walk for both).
pub fn leaves<'d>(doc: &'d Doc<'_>, root: NodeId, secret: bool, f: &mut dyn FnMut(Leaf<'d>)) {
    let mut w = Walk { doc, f };
    let top = |key| At {
        key,
        parent_key: "",
        holder: Some(root),
        exempt: None,
    };
    for (k, v) in doc.pairs(root) {
        match doc.str(k) {
            Some("apiVersion" | "kind") => {}
            Some("metadata") if doc.is_map(v) => w.metadata(v, None),
            Some(section @ ("data" | "stringData")) if secret && doc.is_map(v) => {
                for (dk, dv) in doc.pairs(v) {
                    let at = At {
                        key: doc.str(dk).unwrap_or(""),
                        parent_key: section,
                        holder: Some(v),
                        exempt: None,
                    };
                    w.scalar(dv, at, None, false, Some(section == "data"));
                }
            }
            // What the cluster writes: never the chart's reference.
            Some(key @ "status") => w.value(
                v,
                At {
                    exempt: Some(Exempt::Status),
                    ..top(key)
                },
            ),
            key => w.value(v, top(key.unwrap_or(""))),
        }
    }
}

/// Where a value sits: its key, the key above, its holder, and an exception
/// that holds for everything below (an image, labels, a status).
#[derive(Clone, Copy)]
struct At<'d> {
    key: &'d str,
    parent_key: &'d str,
    holder: Option<NodeId>,
    exempt: Option<Exempt>,
}

struct Walk<'d, 'a, 'f> {
    doc: &'d Doc<'a>,
    f: &'f mut dyn FnMut(Leaf<'d>),
}

impl<'d> Walk<'d, '_, '_> {
    /// `secret`: `Some(base64)` in a Secret's `data`/`stringData`.
    fn scalar(
        &mut self,
        id: NodeId,
        at: At<'d>,
        flag: Option<&'d str>,
        env: bool,
        secret: Option<bool>,
    ) {
        let doc = self.doc;
        if !doc.is_scalar(id) || doc.is_null(id) || doc.node(id).value.is_empty() {
            return;
        }
        let exempt = at
            .exempt
            .or_else(|| says_image(at.key).then_some(Exempt::Image))
            .or_else(|| {
                (says_namespace(at.key)
                    || says_namespace(at.parent_key)
                    || flag.is_some_and(says_namespace))
                .then_some(Exempt::Namespace)
            });
        (self.f)(Leaf {
            id,
            key: at.key,
            parent_key: at.parent_key,
            flag,
            holder: at.holder,
            exempt,
            env,
            secret: secret.is_some(),
            base64: secret == Some(true),
        });
    }

    /// Metadata: annotations only (names are rule 1's, labels rule 3's).
    fn metadata(&mut self, m: NodeId, exempt: Option<Exempt>) {
        let doc = self.doc;
        for (_, ann) in doc.get_all(m, "annotations") {
            for (k, v) in doc.pairs(ann) {
                let key = doc.str(k).unwrap_or("");
                if !HELM_PREFIXES.iter().any(|p| key.starts_with(p)) {
                    let at = At {
                        key,
                        parent_key: "annotations",
                        holder: Some(ann),
                        exempt,
                    };
                    self.scalar(v, at, None, false, None);
                }
            }
        }
    }

    fn value(&mut self, v: NodeId, at: At<'d>) {
        let doc = self.doc;
        if doc.is_scalar(v) {
            self.scalar(v, at, None, false, None);
        } else if doc.is_seq(v) {
            self.list(v, at);
        } else if doc.is_map(v) {
            self.map(v, at, false);
        }
    }

    /// A mapping under key `at.key` (`item`: a list's item).
    fn map(&mut self, m: NodeId, at: At<'d>, item: bool) {
        let doc = self.doc;
        let inner = |key| At {
            key,
            parent_key: at.key,
            holder: Some(m),
            exempt: at.exempt,
        };
        // An env entry `{name: X, value: V}`: V's key is X; X is the variable's own
        // name. Its other keys are read as they are.
        if let (Some(name), Some(value)) = (doc.get_str(m, "name"), doc.get(m, "value")) {
            for (k, v) in doc.pairs(m) {
                match doc.str(k) {
                    Some("name") => {
                        let at = At {
                            exempt: at.exempt.or(Some(Exempt::EnvName)),
                            ..inner("name")
                        };
                        self.scalar(v, at, None, false, None);
                    }
                    Some("value") if v == value => {
                        let at = At {
                            exempt: at.exempt.or(says_image(name).then_some(Exempt::Image)),
                            ..inner(name)
                        };
                        self.scalar(v, at, None, true, None);
                    }
                    key => self.value(v, inner(key.unwrap_or(""))),
                }
            }
            return;
        }
        // An item this object defines: its `name` names the item, not an object.
        let defines = item && !only_reference_keys(doc, m);
        for (k, v) in doc.pairs(m) {
            let Some(k) = doc.str(k) else { continue };
            let below = |e: Exempt| At {
                exempt: at.exempt.or(Some(e)),
                ..inner(k)
            };
            match k {
                // Label pairs are rule 3's; image references are Tilt's (it
                // matches them for live update: never touched).
                "labels" | "matchLabels" | "matchExpressions" => {}
                _ if says_image(k) => self.value(v, below(Exempt::Image)),
                "selector" if doc.is_map(v) && is_label_map(doc, v) => {}
                "metadata" if doc.is_map(v) => self.metadata(v, at.exempt),
                "nodeSelector" => self.value(v, below(Exempt::Labels)),
                "ownerReferences" => self.value(v, below(Exempt::Pinned)),
                "name" if defines => self.value(v, below(Exempt::ItemName)),
                _ => self.value(v, inner(k)),
            }
        }
    }

    /// A list: `--flag value` pairs give the value its flag; the first item of a
    /// `command` is a program.
    fn list(&mut self, seq: NodeId, at: At<'d>) {
        let doc = self.doc;
        let mut flag: Option<&'d str> = None;
        for (n, item) in doc.children(seq).enumerate() {
            if doc.is_scalar(item) {
                let program = (n == 0 && at.key == "command").then_some(Exempt::Program);
                let here = At {
                    exempt: at.exempt.or(program),
                    ..at
                };
                self.scalar(item, here, flag, false, None);
                let text = doc.str(item).unwrap_or("");
                flag = (text.starts_with('-') && !text.contains(['=', ' ']) && text.len() > 1)
                    .then_some(text);
            } else {
                flag = None;
                if doc.is_map(item) {
                    self.map(item, at, true);
                } else {
                    self.value(item, at);
                }
            }
        }
    }
}

/// A `selector:` that is a plain label map (a Service's), not a LabelSelector.
pub fn is_label_map(doc: &Doc<'_>, m: NodeId) -> bool {
    doc.pairs(m).all(|(k, v)| {
        doc.is_scalar(v) && !matches!(doc.str(k), Some("matchLabels" | "matchExpressions"))
    })
}

/// The path to the scalar that starts at byte `at` of the document (for a
/// report: read again only then).
pub fn path_at(doc: &Doc<'_>, at: usize) -> String {
    (0..doc.nodes.len())
        .find(|&i| doc.is_scalar(i) && doc.node(i).start == at)
        .map(|id| doc.path_to(id))
        .unwrap_or_default()
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

/// The flag a `prefix/name` word follows, where the prefix is a namespace
/// (`--configmap=$(POD_NAMESPACE)/web` → `--configmap`): what says the kind
/// of the name, as its key would. `prefix` is the word's `Form::Slash` text.
pub fn flag_before_slash<'v>(value: &'v str, w: &Word<'_>, prefix: &str) -> Option<&'v str> {
    let head = value[..w.start.saturating_sub(prefix.len() + 1)].trim_end_matches('=');
    head.rsplit(|ch: char| ch.is_whitespace() || ch == '"' || ch == '\'')
        .next()
        .filter(|f| f.starts_with('-'))
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

/// The words a key is made of, lower case: `DEPLOYMENT_NAME` → deployment, name;
/// `brokerRef` → broker, ref; `--tls-secret` → tls, secret.
pub fn key_words(key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in key.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        cur.push(ch.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')
}

fn key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The end of `s` made of characters `keep` accepts (cut at a character
/// boundary: the text before may hold any character).
pub fn last_word(s: &str, keep: impl Fn(char) -> bool) -> &str {
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
            prefix
                .starts_with(|c: char| c.is_ascii_alphabetic() || c == '$')
                .then_some(Form::Slash(prefix))
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

/// Is byte `at` of `value` a label matcher's value in a query (PromQL, LogQL:
/// inside `{…}` on its line, right after `label="`, `=~"`, `!="` or `!~"`)? It
/// names time series, not an object.
pub fn in_query(value: &str, at: usize) -> bool {
    let line_start = value[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &value[line_start..at];
    let open = before.rfind('{');
    let close = before.rfind('}');
    open.is_some_and(|o| close.is_none_or(|c| c < o))
        && ["=\"", "=~\"", "!=\"", "!~\""]
            .iter()
            .any(|q| before.ends_with(q))
}

/// Is `value[start..end]` the user name of a URL (`postgres://api:pw@db`):
/// right after `scheme://`, with an `@` ending the URL's authority before its
/// path, query, fragment or the end of the URL? It names an account, not a
/// host.
pub fn url_user(value: &str, start: usize, end: usize) -> bool {
    let after = &value.as_bytes()[end..];
    let authority = after
        .iter()
        .position(|b| {
            matches!(
                b,
                b'/' | b'?' | b'#' | b'"' | b'\'' | b' ' | b'\t' | b'\n' | b'\r' | b','
            )
        })
        .unwrap_or(after.len());
    value[..start].ends_with("://") && after[..authority].contains(&b'@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_urls_user_name_is_told_from_its_host() {
        let user = |v: &str, w: &str| {
            let start = v.find(w).unwrap();
            url_user(v, start, start + w.len())
        };
        assert!(user("postgres://api:pw@db:5432/x", "api"));
        assert!(user("https://api@db/x", "api"));
        assert!(!user("http://api:8080/x", "api"));
        assert!(!user("http://api/x?to=a@b", "api"));
        assert!(!user("user api@db", "api"));
        assert!(!user("http://api", "api"));
    }

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
        assert_eq!(
            shown("web.ns.svc"),
            [
                ("web".into(), "Host".into()),
                ("web.ns.svc".into(), "Whole".into())
            ]
        );
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
            [
                ("web".into(), "Keyed(\"host\")".into()),
                ("80".into(), "Keyed(\"port\")".into())
            ]
        );
    }
}
