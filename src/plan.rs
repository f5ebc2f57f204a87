//! The plan model every rule writes into, below the rules and above the YAML layer.
//!
//! Phase 1 reads each document once into a [`DocPlan`] (what the document is, and
//! the candidates that need the whole stream: references, label pairs, strings,
//! the Redis Secret's name) and a [`DocOut`] (edits that need no other document,
//! and `-v` lines). Phase 2 builds the stream index ([`crate::index`]) from the
//! plans and each rule resolves its candidates into more edits in the same
//! [`DocOut`] (the contract is [`crate::rules::contract::Rule`]).

use crate::config::Config;
use crate::edit::{self, Edit};
use crate::error::{Error, Place};
use crate::k8s::{FilledPodSet, OperatorObjects};
use crate::yaml::{Doc, NodeId, Style};
use std::borrow::Cow;

/// What the rules wrote for one document.
#[derive(Debug, Default)]
pub struct DocOut {
    pub edits: Vec<Edit>,
    /// This document's `-v` lines (both phases), so the report reads per document.
    pub report: Vec<String>,
    /// Lines for stderr even without `-v` (warnings).
    pub notes: Vec<String>,
    /// A refusal kept until `--fork` decides whether the document is emitted at
    /// all (phase 1 then goes on reading the document for the choice).
    pub held: Option<Error>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Comment-only or empty document: copied as it is.
    Empty,
    Object,
    /// A drop kind (rule 5).
    Dropped,
    /// Owned by the baseline (rule 1): not emitted.
    Baseline,
    /// Not forked (`--fork`): the baseline's, used by its baseline name.
    Shared,
}

/// A name found at a reference-table path, waiting for the stream index.
#[derive(Debug)]
pub struct RefCand<'a> {
    pub leaf: NodeSpan<'a>,
    /// Target kind (or RBAC resource plural when `plural`).
    pub kind: Cow<'a, str>,
    pub plural: bool,
    /// API group given next to the name, if any.
    pub group: Option<Cow<'a, str>>,
    pub ns: Option<Cow<'a, str>>,
    /// What found it (for the `-v` report).
    pub via: RefVia,
    /// The reference names one object by its `uid` too (an owner or event
    /// reference): it stays with the object it was written for.
    pub pinned: bool,
    /// The leaf is the name's text inside a longer scalar (`--flag=NAME`,
    /// `namespace/NAME`): only that text is replaced, as written.
    pub inside: bool,
}

/// What found a reference.
#[derive(Debug)]
pub enum RefVia {
    /// An entry of the reference table (index into `cfg.k8s.references`).
    Table(usize),
    /// An entry of the table of names made at run time (`cfg.k8s.produces`).
    Made(usize),
    /// A mapping with `kind` and `name` (a typed reference by its shape), or a
    /// familiar reference shape in a custom resource: the path where it was found.
    Shape(String),
}

impl RefVia {
    /// The path shown in the `-v` report.
    pub fn shown<'c>(&'c self, cfg: &'c Config) -> &'c str {
        match self {
            RefVia::Table(i) => &cfg.k8s.references[*i].shown,
            RefVia::Made(i) => &cfg.k8s.produces[*i].shown,
            RefVia::Shape(p) => p,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretField {
    Data,
    StringData,
}

/// What phase 2 needs of a scalar: where it is, how it is written, what it says.
#[derive(Clone, Debug)]
pub struct NodeSpan<'a> {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub style: Style,
    pub anchored: bool,
    pub value: Cow<'a, str>,
    /// An empty value's own `:`, recorded at parse time (`Layout::colon`).
    pub colon: Option<crate::yaml::Colon>,
}

impl<'a> NodeSpan<'a> {
    pub fn of(doc: &Doc<'a>, id: NodeId) -> Self {
        let n = doc.node(id);
        NodeSpan {
            start: n.start,
            end: n.end,
            line: n.line,
            style: n.style,
            anchored: n.anchored,
            value: n.value.clone(),
            colon: n.layout.colon,
        }
    }
}

/// A label key/value pair found in labels or a selector.
#[derive(Debug)]
pub struct LabelOcc<'a> {
    pub key: Cow<'a, str>,
    pub value: NodeSpan<'a>,
    /// Found in a selector of the `selectors:` table: its index there.
    pub selects: Option<usize>,
    /// In the labels of the object's pod template (what pod selectors select).
    pub pod: bool,
    /// In the object's own `metadata.labels` (what a selector of its kind selects).
    pub object: bool,
}

/// A selector that selects every pod of the namespace (rule 3: a NetworkPolicy's
/// empty `podSelector`, a PodDisruptionBudget's `selector: {}`), with the text that
/// narrows it: `text` holds [`NARROW_MARK`] where the pair goes, known only in
/// phase 2.
#[derive(Debug)]
pub struct Narrow {
    /// The selector's key (`podSelector`, `selector`), for messages.
    pub field: String,
    /// Where the selector is, for warnings: its line and field path.
    pub line: usize,
    pub path: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Stands for `key: "value"` in [`Narrow::text`].
pub const NARROW_MARK: &str = "\u{1}: \u{2}";

/// A pod selector of the `selectors:` table (rule 3), as the API server reads
/// it, and where an operator's owner pair would go: a selector of the copy whose
/// pairs all stay shared, and that selects pods an operator makes for a custom
/// resource of the stream by their fixed labels, selects the baseline's such pods
/// too (`app.kubernetes.io/name: entity-operator`).
#[derive(Debug)]
pub struct PodSelector {
    /// Where it is (`spec.selector`) and its line, for messages.
    pub path: String,
    pub line: usize,
    /// What a pod's labels must satisfy, all of it.
    pub reqs: Vec<Requirement>,
    /// Where `key: value` goes ([`NARROW_MARK`] in the text, `field` unused), or
    /// why its layout leaves no place.
    pub insert: Result<Narrow, &'static str>,
    /// The text of the value beside which the pair goes is double-quoted: so is
    /// the inserted one.
    pub quoted: bool,
}

/// One requirement of a label selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// `key: value` (a Service's selector, `matchLabels`).
    Equals(String, String),
    /// `In` (true) or `NotIn` (false) these values.
    In(String, Vec<String>, bool),
    /// `Exists` (true) or `DoesNotExist` (false).
    Exists(String, bool),
    /// An expression the API server refuses: the selector selects nothing.
    Never,
}

impl Requirement {
    /// Does a pod with these labels (of a repeated key, the last) satisfy it?
    pub fn holds(&self, labels: &[(&str, String)]) -> bool {
        let get = |key: &str| {
            labels
                .iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
        };
        match self {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::In(k, vs, true) => get(k).is_some_and(|h| vs.iter().any(|v| v == h)),
            Requirement::In(k, vs, false) => get(k).is_none_or(|h| !vs.iter().any(|v| v == h)),
            Requirement::Exists(k, exists) => get(k).is_some() == *exists,
            Requirement::Never => false,
        }
    }

    /// The label pairs it names (what rule 3 decides a fate for).
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        match self {
            Requirement::Equals(k, v) => vec![(k.as_str(), v.as_str())],
            Requirement::In(k, vs, _) => vs.iter().map(|v| (k.as_str(), v.as_str())).collect(),
            Requirement::Exists(..) | Requirement::Never => Vec::new(),
        }
    }

    pub fn key(&self) -> Option<&str> {
        match self {
            Requirement::Equals(k, _) | Requirement::In(k, _, _) | Requirement::Exists(k, _) => {
                Some(k)
            }
            Requirement::Never => None,
        }
    }
}

/// Text to insert whose middle is the Redis Secret's name, known only in phase 2
/// (the Secret may be emitted by this stream and so renamed).
#[derive(Debug)]
pub struct Injection<'a> {
    pub start: usize,
    pub end: usize,
    pub before: String,
    pub after: String,
    pub ns: Option<Cow<'a, str>>,
}

/// Everything phase 1 learned about one document.
#[derive(Debug)]
pub struct DocPlan<'a> {
    pub index: usize,
    pub region: (usize, usize),
    pub status: Status,
    pub api_version: Cow<'a, str>,
    pub kind: Cow<'a, str>,
    pub name: Option<Cow<'a, str>>,
    /// Earlier values of a repeated `metadata.name` key (Kubernetes keeps the
    /// last, `name`); renamed alike and followed alike.
    pub other_names: Vec<Cow<'a, str>>,
    pub ns: Option<Cow<'a, str>>,
    pub line: usize,
    /// Byte offset of the `kind` value (where whole-document findings point).
    pub at: usize,
    /// Rule 2's: the references it found, followed in phase 2.
    pub refs: Vec<RefCand<'a>>,
    /// Rule 3's.
    pub selectors: SelectorState<'a>,
    /// Rule 4's: hostnames this object claims, as written (before the host map).
    pub hosts: Vec<Cow<'a, str>>,
    /// Rule 6's: the `REDIS_PASSWORD` entries it adds, named in phase 2.
    pub injections: Vec<Injection<'a>>,
    /// Rule 8's: every alias of the document and where its anchor is defined.
    pub aliased: Vec<Aliased>,
    /// Rules 9 and 11's.
    pub strings: StringState<'a>,
    /// Rule 10's.
    pub made: MadeState<'a>,
    /// What `--fork` reads to decide what a partial copy takes (read only then).
    pub fork: ForkFacts<'a>,
}

/// Rule 3's state: the label pairs of the object and of its selectors, and what
/// the pods it makes or selects need.
#[derive(Debug, Default)]
pub struct SelectorState<'a> {
    pub labels: Vec<LabelOcc<'a>>,
    /// The object has a pod template (its labels are the `pod` occurrences).
    pub pod_template: bool,
    pub narrow: Option<Narrow>,
    /// Its pod selectors, for the operator's owner pair.
    pub pod_selectors: Vec<PodSelector>,
    /// The sets of pods an operator makes for this custom resource
    /// (`operator_pods`), with the labels it gives them.
    pub pod_sets: Vec<FilledPodSet>,
}

/// Rules 9 and 11's state: every string of the object with where it sits, read
/// once (`leftover::leaves`, by rule 11's phase 1): rule 9 looks for own hosts
/// and Services in them, rule 11 for old names.
#[derive(Debug, Default)]
pub struct StringState<'a> {
    pub leftovers: Vec<LeftCand<'a>>,
    pub holders: Vec<Holder<'a>>,
    /// Byte offsets of the values of fields that describe hosts (a Certificate's
    /// `dnsNames`): rule 9 reads them as host-keyed.
    pub described: Vec<usize>,
}

/// Rule 10's state: what this object makes at run time.
#[derive(Debug, Default)]
pub struct MadeState<'a> {
    /// Names it makes (the `produces` table), as found.
    pub names: Vec<RefCand<'a>>,
    /// What an operator makes for this custom resource (`operator_objects`).
    pub by_operator: Vec<OperatorMade>,
}

/// What a partial copy (`--fork`) needs to know of an object beyond what the
/// rules read: read in phase 1 only when `--fork` is given.
#[derive(Debug, Default)]
pub struct ForkFacts<'a> {
    /// A Helm hook (`helm.sh/hook`): forked only when chosen.
    pub hook: bool,
    /// Container images (`image`, `imageName`), for `image=GLOB`.
    pub images: Vec<Cow<'a, str>>,
    /// Hosts the object describes without claiming them (a Certificate's
    /// `dnsNames`, `commonName`).
    pub described: Vec<Cow<'a, str>>,
    /// Label selectors of objects of one kind (a ServiceMonitor's of Services):
    /// the kind (`selectors:` table index) and what the labels must satisfy.
    pub kind_selectors: Vec<(usize, Vec<Requirement>)>,
}

/// A string value where rule 11 looks for old names, with its key and the key
/// above it. What else it needs to judge a match (the path, what the holding
/// mapping says) is read again from the document only when a match needs it.
#[derive(Clone, Debug)]
pub struct LeftCand<'a> {
    pub at: NodeSpan<'a>,
    pub key: Cow<'a, str>,
    pub parent_key: Cow<'a, str>,
    /// A list item right after a flag (`--lock web`): the flag.
    pub flag: Option<Cow<'a, str>>,
    pub exempt: Option<crate::k8s::leftover::Exempt>,
    /// The value of an env entry `{name: X, value: V}` (`key` is X).
    pub env: bool,
    /// A Secret's `data` or `stringData`: never printed.
    pub secret: bool,
    pub base64: bool,
    /// The mapping that holds it (index into [`StringState::holders`]).
    pub holder: Option<usize>,
}

/// What a mapping that holds strings says beside them (rule 11), read once per
/// mapping.
#[derive(Clone, Debug, Default)]
pub struct Holder<'a> {
    /// It has `name` and `key` (a SecretKeySelector's shape), `namespace`, `kind`.
    pub beside_key: bool,
    pub beside_namespace: bool,
    pub beside_kind: bool,
    /// Its one-word scalar values and the items of its lists, each with the byte
    /// range of the value it is or is in (a string is not its own sibling).
    pub siblings: Vec<(usize, usize, Cow<'a, str>)>,
    /// Its keys (`targetLabel`, `action`).
    pub keys: Vec<Cow<'a, str>>,
}

/// An object an operator makes for a custom resource of the stream, named after
/// it, and the name the copy's renamed resource makes instead (`None` when the
/// resource keeps its name: already suffixed, or too long).
#[derive(Clone, Debug)]
pub struct OperatorMade {
    pub kind: String,
    pub name: String,
    pub new: Option<String>,
}

impl OperatorMade {
    /// Everything the operators of `cfg` make for an object `kind`/`name`.
    pub fn of(cfg: &Config, kind: &str, group: &str, name: &str) -> Vec<OperatorMade> {
        let mut out = Vec::new();
        let renamed = renamed_name(cfg, kind, name).ok().flatten();
        for o in cfg
            .k8s
            .operator_objects
            .iter()
            .filter(|o| o.kind.matches(kind, group))
        {
            for pattern in &o.names {
                out.push(OperatorMade {
                    kind: o.target.clone(),
                    name: OperatorObjects::fill(pattern, name),
                    new: renamed
                        .as_deref()
                        .map(|r| OperatorObjects::fill(pattern, r)),
                });
            }
        }
        out
    }
}

/// An alias (`*a`) and the anchored node (`&a`) it stands for, as byte offsets
/// and lines. An edit that removes the anchor but keeps the alias would leave
/// YAML that does not parse (or, when the name was defined twice, an alias that
/// silently stands for the earlier node).
#[derive(Clone, Copy, Debug)]
pub struct Aliased {
    pub anchor: usize,
    pub anchor_line: usize,
    pub alias: usize,
    pub alias_line: usize,
}

impl<'a> DocPlan<'a> {
    pub fn group(&self) -> &str {
        api_group(&self.api_version)
    }

    pub fn place(&self, line: usize) -> Place {
        Place {
            doc: self.index,
            object: Some(self.object()),
            line,
        }
    }

    /// `Kind/name` for messages.
    /// The labels of the object's pod template (`object: false`) or its own
    /// `metadata.labels` (`true`), as Kubernetes keeps them: of a repeated key,
    /// the last.
    pub fn labels_kept(&self, object: bool) -> Vec<(&str, String)> {
        let mut labels: Vec<(&str, String)> = Vec::new();
        for o in self
            .selectors
            .labels
            .iter()
            .filter(|o| if object { o.object } else { o.pod })
        {
            labels.retain(|(k, _)| *k != o.key.as_ref());
            labels.push((o.key.as_ref(), o.value.value.to_string()));
        }
        labels
    }

    /// Is this object already named as a copy (its name ends with the suffix:
    /// a second run reads a copy, not a baseline)?
    pub fn named_as_copy(&self, cfg: &Config) -> bool {
        self.name
            .as_deref()
            .is_some_and(|n| n.ends_with(&cfg.suffix))
    }

    pub fn object(&self) -> String {
        format!(
            "{}/{}",
            self.kind,
            self.name.as_deref().unwrap_or("<generateName>")
        )
    }
}

pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Renames one object name per rule 1 (and the shortening rule). `Ok(None)`: unchanged.
pub fn renamed_name(cfg: &Config, kind: &str, name: &str) -> Result<Option<String>, usize> {
    use crate::names::{Suffixed, suffixed};
    match suffixed(
        name,
        &cfg.suffix,
        cfg.k8s.name_limit(kind),
        !cfg.strict_names,
    ) {
        Suffixed::Unchanged => Ok(None),
        Suffixed::Appended(s) | Suffixed::Shortened(s) => Ok(Some(s)),
        Suffixed::TooLong(n) => Err(n),
    }
}

/// The edit that gives a scalar its new value in its own quoting style, or the
/// error that says why it cannot be rewritten: it carries an anchor (editing it
/// would change every alias of it too) or it is a block scalar. An implicit null
/// (`key:` and nothing) gets its value after the colon.
pub fn rewrite_scalar(
    plan: &DocPlan<'_>,
    at: &NodeSpan<'_>,
    what: &str,
    new: &str,
) -> Result<Edit, Error> {
    if at.anchored {
        return Err(Error::input(
            plan.place(at.line),
            format!("{what} carries a YAML anchor (&name): rewriting it would also change every alias of it"),
        )
        .with_hint("write the value out instead of using an anchor/alias in the chart template"));
    }
    let Some(text) = edit::scalar_text(at.style, new) else {
        return Err(Error::input(
            plan.place(at.line),
            format!("{what} is a block scalar (| or >), which this tool does not rewrite"),
        )
        .with_hint("write it as a plain or quoted string in the chart template"));
    };
    if at.start == at.end {
        // An empty value is written after its own `:`, recorded at parse time
        // (`Layout::colon`). A tagged empty value (`key: !tag`, the new text
        // would take the tag) or a `? key` without `:` has no place to write to.
        return match at.colon {
            Some(c) if c.bare() => Ok(Edit::insert(c.end, format!(" {text}"))),
            _ => Err(Error::input(
                plan.place(at.line),
                format!(
                    "{what} has a tag but no value, or a `? key` but no `:`, which this tool does not rewrite"
                ),
            )
            .with_hint("write the value out in the chart template")),
        };
    }
    Ok(Edit::replace(at.start, at.end, text))
}

/// Where a scalar's value begins in its source text, when the source writes the
/// value out as it is (plain on one line, or quoted with no escape and no line
/// break): then any part of the value can be replaced in place, as written, the
/// way rule 9 edits hosts inside strings. `None` otherwise.
pub fn text_offset(input: &str, at: &NodeSpan<'_>) -> Option<usize> {
    let raw = input.get(at.start..at.end)?;
    let v = at.value.as_ref();
    match at.style {
        Style::Plain | Style::Single | Style::Double if raw == v => Some(0),
        Style::Single | Style::Double
            if raw.len() == v.len() + 2 && raw.get(1..raw.len() - 1) == Some(v) =>
        {
            Some(1)
        }
        _ => None,
    }
}

/// The input offset of `text`, found at byte `offset` of the scalar's value, in
/// the scalar's source. Where the source writes the value out as it is, that is
/// direct; otherwise (escapes, folded lines, block scalars) the occurrences of
/// `text` in value and source are matched in order, when they are as many — a
/// host or a name has no character that needs escaping or folding. `None` when
/// that cannot be told.
pub fn locate_in_scalar(
    input: &str,
    at: &NodeSpan<'_>,
    offset: usize,
    text: &str,
) -> Option<usize> {
    if let Some(d) = text_offset(input, at) {
        return Some(at.start + d + offset);
    }
    let raw = input.get(at.start..at.end)?;
    let value = at.value.as_ref();
    let nth = value.match_indices(text).position(|(i, _)| i == offset)?;
    if value.matches(text).count() != raw.matches(text).count() {
        return None;
    }
    raw.match_indices(text).nth(nth).map(|(i, _)| at.start + i)
}

pub fn ns_compatible(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}
