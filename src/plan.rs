//! The plan model every rule writes into, below the rules and above the YAML layer.
//!
//! Phase 1 reads each document once into a [`DocPlan`] (what the document is, and
//! the candidates that need the whole stream: references, label pairs, strings,
//! the Redis Secret's name) and a [`DocOut`] (edits that need no other document,
//! and `-v` lines). Phase 2 builds the [`StreamIndex`] from the plans and each rule
//! resolves its candidates into more edits in the same [`DocOut`]. Every rule has
//! the two methods of [`Rule`], over the contexts [`PlanCx`] and [`ResolveCx`].

use crate::config::Config;
use crate::edit::{self, Edit};
use crate::error::{Error, Place};
use crate::k8s::{FilledPodSet, OperatorObjects, Part, Selects, join_parts};
use crate::yaml::{Doc, NodeId, Style};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// One rule of docs/rules.md, in two phases. Rules read documents and the index; they
/// add edits and report lines to the document's [`DocOut`]; none writes bytes.
pub trait Rule: Sync {
    /// Its number in docs/rules.md (`#rule-N`); [`crate::rules::RULE_DOCS`]
    /// says where it lives and what carries its name.
    fn number(&self) -> u8;

    /// Whether the rule runs under this configuration (`--no-redis`, …).
    fn enabled(&self, _cfg: &Config) -> bool {
        true
    }

    /// Phase 1, for one emitted object: edits that need no other document, and
    /// candidates for phase 2.
    fn plan<'a>(
        &self,
        _cx: &PlanCx<'_, 'a>,
        _plan: &mut DocPlan<'a>,
        _out: &mut DocOut,
    ) -> Result<(), Error> {
        Ok(())
    }

    /// Phase 2, for one emitted object: candidates become edits. A rule whose
    /// edits need nothing of the other documents has none.
    fn resolve(
        &self,
        _cx: &ResolveCx<'_, '_>,
        _plan: &DocPlan<'_>,
        _out: &mut DocOut,
    ) -> Result<(), Error> {
        Ok(())
    }
}

/// What phase 1 reads: one parsed object.
pub struct PlanCx<'c, 'a> {
    pub input: &'a str,
    pub doc: &'c Doc<'a>,
    pub root: NodeId,
    pub metadata: NodeId,
    pub cfg: &'c Config,
}

/// What phase 2 reads: the stream index.
pub struct ResolveCx<'c, 'p> {
    pub input: &'c str,
    pub index: &'c StreamIndex<'p>,
    pub cfg: &'c Config,
}

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
    Produced(usize),
    /// A mapping with `kind` and `name` (a typed reference by its shape), or a
    /// familiar reference shape in a custom resource: the path where it was found.
    Shape(String),
}

impl RefVia {
    /// The path shown in the `-v` report.
    pub fn shown<'c>(&'c self, cfg: &'c Config) -> &'c str {
        match self {
            RefVia::Table(i) => &cfg.k8s.references[*i].shown,
            RefVia::Produced(i) => &cfg.k8s.produces[*i].shown,
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
    pub refs: Vec<RefCand<'a>>,
    /// Names this object makes at run time (rule 10), as found.
    pub produced: Vec<RefCand<'a>>,
    pub labels: Vec<LabelOcc<'a>>,
    /// The object has a pod template (its labels are the `pod` occurrences).
    pub pod_template: bool,
    pub narrow: Option<Narrow>,
    /// Its pod selectors, for the operator's owner pair (rule 3).
    pub pod_selectors: Vec<PodSelector>,
    /// The sets of pods an operator makes for this custom resource
    /// (`operator_pods`), with the labels it gives them.
    pub pod_sets: Vec<FilledPodSet>,
    pub injections: Vec<Injection<'a>>,
    /// Byte offsets of the values of fields that describe hosts (a Certificate's
    /// `dnsNames`): rule 9 reads them as host-keyed.
    pub described: Vec<usize>,
    /// Hostnames this object claims, as written (before the host map).
    pub hosts: Vec<Cow<'a, str>>,
    /// Every alias of the document and where its anchor is defined.
    pub aliased: Vec<Aliased>,
    /// What an operator makes for this custom resource (rule 10,
    /// `operator_objects`).
    pub operator_made: Vec<OperatorMade>,
    /// Every string of the object with where it sits (`leftover::leaves`): rule 9
    /// looks for own hosts and Services in them, rule 11 for old names.
    pub leftovers: Vec<LeftCand<'a>>,
    pub holders: Vec<Holder<'a>>,
    /// What `--fork` reads to decide what a partial copy takes (read only then).
    pub fork: ForkFacts<'a>,
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
    /// The mapping that holds it (index into [`DocPlan::holders`]).
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

/// Where emitted objects of one (kind, name) live: (group or kind, namespace).
type Homes<'p> = Vec<(&'p str, Option<&'p str>)>;

/// What the whole stream emits, for the rules that look across documents.
pub struct StreamIndex<'p> {
    cfg: &'p Config,
    /// (kind, name) → (group, namespace) of every emitted object.
    objects: HashMap<(&'p str, &'p str), Homes<'p>>,
    /// (plural, name) → (kind, namespace), for RBAC resourceNames.
    plurals: HashMap<(String, &'p str), Homes<'p>>,
    /// What becomes of each label pair that appears in a selector (rule 3).
    pub labels: HashMap<(&'p str, &'p str), LabelFate<'p>>,
    /// Name → kind of the objects whose pods may carry their name (rule 3).
    pub label_owners: HashMap<&'p str, &'p str>,
    /// Every set of pods an operator makes for a custom resource of the stream.
    pub pod_sets: Vec<OperatorPodSet<'p>>,
    /// The pair every pod template of the copy carries, isolated (rule 3), or why
    /// there is none. An `Err` leaves an empty NetworkPolicy podSelector as it is
    /// (`-v` says so); `check --baseline` is the place to report that policy as
    /// governing the baseline's pods (docs/rules.md#rule-3).
    pub narrow: Result<(&'p str, String), &'static str>,
    /// The labels of the baseline's pods that the stream shows (every pod
    /// template of an object not already named as a copy, emitted or not): what
    /// a selector of the copy must not select (rule 3).
    pub baseline_pods: Vec<Vec<(&'p str, String)>>,
    /// Hostnames the stream claims (rule 4), for rule 9a.
    pub hosts: HashSet<&'p str>,
    /// Service name → namespace, for rule 9b.
    pub services: HashMap<&'p str, Vec<Option<&'p str>>>,
    /// (kind, name) of what operators make for the stream's custom resources →
    /// the name the copy's resource makes instead (rule 10).
    operator_made: HashMap<(&'p str, &'p str), Option<&'p str>>,
    /// Lengths (capped at 255) that a host or a Service name has: rule 9 looks at
    /// every word of every string, and most words can be ruled out by length alone.
    pub host_lens: LenSet,
    pub service_lens: LenSet,
    /// Old name → every object the copy renames from it (rule 11), with lengths.
    pub old_names: HashMap<&'p str, Vec<OldName<'p>>>,
    pub old_lens: LenSet,
    /// (first byte, length) and (last byte, length) of the old names: most words
    /// are ruled out by these before any hashing.
    pub old_shapes: WordShapes,
    /// Every namespace the stream names.
    pub namespaces: HashSet<&'p str>,
    /// Every kind the stream emits, as written: what a key may name.
    pub kinds: HashSet<String>,
}

/// An object of the stream (or a name it or its operator makes) that the copy
/// renames: its old name is what rule 11 looks for.
#[derive(Clone, Debug)]
pub struct OldName<'p> {
    pub kind: &'p str,
    pub ns: Option<&'p str>,
    pub new: String,
}

/// The first and last byte of a set of words, each with the word's length (64
/// and more share a slot): a two-bit test before a hash lookup.
#[derive(Clone, Debug)]
pub struct WordShapes {
    first: Vec<u64>,
    last: Vec<u64>,
}

impl Default for WordShapes {
    fn default() -> Self {
        WordShapes {
            first: vec![0; 256],
            last: vec![0; 256],
        }
    }
}

impl WordShapes {
    fn bit(len: usize) -> u64 {
        1 << len.min(63)
    }

    pub fn insert(&mut self, w: &[u8]) {
        if let (Some(&f), Some(&l)) = (w.first(), w.last()) {
            self.first[usize::from(f)] |= Self::bit(w.len());
            self.last[usize::from(l)] |= Self::bit(w.len());
        }
    }

    pub fn may_contain(&self, w: &[u8]) -> bool {
        match (w.first(), w.last()) {
            (Some(&f), Some(&l)) => {
                self.first[usize::from(f)] & Self::bit(w.len()) != 0
                    && self.last[usize::from(l)] & Self::bit(w.len()) != 0
            }
            _ => false,
        }
    }
}

/// A set of string lengths; lengths of 255 and more share one slot.
#[derive(Clone, Debug)]
pub struct LenSet([bool; 256]);

impl Default for LenSet {
    fn default() -> Self {
        LenSet([false; 256])
    }
}

impl LenSet {
    pub fn insert(&mut self, len: usize) {
        self.0[len.min(255)] = true;
    }

    pub fn contains(&self, len: usize) -> bool {
        self.0[len.min(255)]
    }
}

impl<'p> StreamIndex<'p> {
    pub fn build(plans: &'p [DocPlan<'_>], cfg: &'p Config) -> Self {
        let mut idx = StreamIndex {
            cfg,
            objects: HashMap::new(),
            plurals: HashMap::new(),
            labels: HashMap::new(),
            label_owners: HashMap::new(),
            pod_sets: Vec::new(),
            narrow: Err(""),
            baseline_pods: Vec::new(),
            hosts: HashSet::new(),
            services: HashMap::new(),
            operator_made: HashMap::new(),
            host_lens: LenSet::default(),
            service_lens: LenSet::default(),
            old_names: HashMap::new(),
            old_lens: LenSet::default(),
            old_shapes: WordShapes::default(),
            namespaces: HashSet::new(),
            kinds: HashSet::new(),
        };
        for p in plans.iter().filter(|p| p.status == Status::Object) {
            let ns = p.ns.as_deref();
            for name in p.other_names.iter().chain(&p.name).map(Cow::as_ref) {
                idx.add_object(&p.kind, p.group(), ns, name);
                if p.kind == "Service" && p.group().is_empty() {
                    idx.add_service(ns, name);
                }
            }
            // What the object makes at run time counts as emitted (rule 10).
            for c in &p.produced {
                let group = c.group.as_deref().unwrap_or("");
                idx.add_object(&c.kind, group, c.ns.as_deref().or(ns), &c.leaf.value);
            }
            if cfg.string_refs {
                for h in &p.hosts {
                    idx.hosts.insert(h.as_ref());
                    idx.host_lens.insert(h.len());
                }
            }
        }
        // What operators make counts as emitted too, unless the stream holds an
        // object of that identity itself.
        for p in plans.iter().filter(|p| p.status == Status::Object) {
            let ns = p.ns.as_deref();
            for m in &p.operator_made {
                let id = (m.kind.as_str(), m.name.as_str());
                if idx.objects.contains_key(&id) && !idx.operator_made.contains_key(&id) {
                    continue;
                }
                idx.operator_made.insert(id, m.new.as_deref());
                idx.add_object(&m.kind, "", ns, &m.name);
                if m.kind == "Service" {
                    idx.add_service(ns, &m.name);
                }
            }
        }
        idx.old_names(plans);
        let fated = label_fates(plans, cfg);
        (idx.labels, idx.label_owners, idx.pod_sets) = (fated.fates, fated.owners, fated.pod_sets);
        idx.narrow = narrowing_pair(plans, cfg, &idx.labels);
        idx.baseline_pods = plans
            .iter()
            .filter(|p| matches!(p.status, Status::Object | Status::Shared) && p.pod_template)
            .filter(|p| !p.named_as_copy(cfg))
            .map(|p| p.labels_kept(false))
            .collect();
        idx
    }

    /// Rule 11's index: every name the copy changes, by its old name.
    fn old_names(&mut self, plans: &'p [DocPlan<'_>]) {
        let add = |idx: &mut Self, kind: &'p str, ns: Option<&'p str>, old: &'p str| {
            if let Ok(Some(new)) = idx.renamed(kind, old) {
                let list = idx.old_names.entry(old).or_default();
                if !list.iter().any(|o| o.kind == kind && o.ns == ns) {
                    list.push(OldName { kind, ns, new });
                }
                idx.old_lens.insert(old.len());
                idx.old_shapes.insert(old.as_bytes());
            }
        };
        for p in plans.iter().filter(|p| p.status == Status::Object) {
            let ns = p.ns.as_deref();
            if let Some(n) = ns {
                self.namespaces.insert(n);
            }
            self.kinds.insert(p.kind.to_string());
            for name in p.other_names.iter().chain(&p.name).map(Cow::as_ref) {
                add(self, &p.kind, ns, name);
            }
            for c in &p.produced {
                add(self, &c.kind, c.ns.as_deref().or(ns), &c.leaf.value);
            }
            for m in &p.operator_made {
                add(self, &m.kind, ns, &m.name);
            }
        }
    }

    /// Counts `kind`/`name` as emitted in `ns`, also under its RBAC plural.
    fn add_object(&mut self, kind: &'p str, group: &'p str, ns: Option<&'p str>, name: &'p str) {
        self.objects
            .entry((kind, name))
            .or_default()
            .push((group, ns));
        self.plurals
            .entry((self.cfg.k8s.plural(kind), name))
            .or_default()
            .push((kind, ns));
    }

    /// A core Service of the stream, for rule 9b.
    fn add_service(&mut self, ns: Option<&'p str>, name: &'p str) {
        self.services.entry(name).or_default().push(ns);
        self.service_lens.insert(name.len());
    }

    /// The name the copy gives to `kind`/`name`, an object of the stream or one an
    /// operator makes for a custom resource of it (then named after the copy's
    /// resource: `db-rw` → `db-tilt-rw`). `Ok(None)`: it keeps its name; `Err`:
    /// too long (see [`renamed_name`]).
    pub fn renamed(&self, kind: &str, name: &str) -> Result<Option<String>, usize> {
        match self.operator_made.get(&(kind, name)) {
            Some(new) => Ok(new.filter(|n| *n != name).map(str::to_string)),
            None => renamed_name(self.cfg, kind, name),
        }
    }

    /// Is an object of `kind` named `name` emitted in a namespace compatible with
    /// `ns`? An absent namespace means "the release namespace", which matches any.
    pub fn emits(&self, kind: &str, group: Option<&str>, ns: Option<&str>, name: &str) -> bool {
        let cluster = self.cfg.k8s.is_cluster_scoped(kind);
        self.objects.get(&(kind, name)).is_some_and(|v| {
            v.iter().any(|(g, n)| {
                group.is_none_or(|want| want == *g) && (cluster || ns_compatible(ns, *n))
            })
        })
    }

    /// The kind of an emitted object that RBAC names as `plural`/`name`.
    pub fn emits_plural(&self, plural: &str, ns: Option<&str>, name: &str) -> Option<&'p str> {
        self.plurals
            .get(&(plural.to_string(), name))?
            .iter()
            .find(|(k, n)| self.cfg.k8s.is_cluster_scoped(k) || ns_compatible(ns, *n))
            .map(|(k, _)| *k)
    }
}

/// What rule 3 does with a label pair that a selector of the stream uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelFate<'p> {
    /// Something of the stream that a selector of it can select carries it: the
    /// value gets the suffix everywhere.
    Isolate,
    /// Nothing of the stream carries it, but the pods an object of the stream
    /// makes do, with a value made from the object's name: its name itself (an
    /// operator's custom resource), a value an operator makes from it
    /// (`strimzi.io/name: <kafka>-entity-operator`, `operator_pods`) or a pod's
    /// name `<set>-<ordinal>` (`pod_name_labels`). The value follows that
    /// object's rename (`Err`: the new value's length, over the label value
    /// limit).
    Owner {
        kind: &'p str,
        name: &'p str,
        new: Result<String, usize>,
    },
    /// Nothing of the stream carries it: it selects something outside the stream
    /// and stays as it is.
    Shared,
}

/// Rule 3's decision for every selected pair (see [`LabelFate`]). A pair isolated
/// by one selector is isolated everywhere, so every selector stays consistent with
/// the pod templates and labels it meets.
type Fates<'p> = HashMap<(&'p str, &'p str), LabelFate<'p>>;

/// What [`label_fates`] finds.
struct Fated<'p> {
    fates: Fates<'p>,
    /// Name → kind of the objects whose pods may carry their name.
    owners: HashMap<&'p str, &'p str>,
    pod_sets: Vec<OperatorPodSet<'p>>,
}

/// A set of pods an operator makes for a custom resource of the stream
/// (`operator_pods`): what a pod selector of rule 3 may select although no pod
/// template of the stream carries its labels.
#[derive(Debug)]
pub struct OperatorPodSet<'p> {
    /// The resource that makes them.
    pub kind: &'p str,
    pub name: &'p str,
    /// The labels the baseline's such pods carry.
    pub labels: Vec<(&'p str, String)>,
    /// The owner label, and its value on the copy's such pods (`Err`: that
    /// value's length, over the label value limit).
    pub owner: (&'p str, Result<String, usize>),
}

fn label_fates<'p>(plans: &'p [DocPlan<'_>], cfg: &Config) -> Fated<'p> {
    let k8s = &cfg.k8s;
    let objects = || plans.iter().filter(|p| p.status == Status::Object);
    let pair = |o: &'p LabelOcc<'_>| (o.key.as_ref(), o.value.value.as_ref());
    let mut pods: HashSet<(&str, &str)> = HashSet::new();
    // (kind, key, value) → groups of the objects of that kind carrying the pair.
    let mut carried: HashMap<(&str, &str, &str), Vec<&str>> = HashMap::new();
    // name → (rank, kind) of the object that may label its pods with it: the best
    // ranked, then the first in the stream.
    let mut owners: HashMap<&str, (u8, &str)> = HashMap::new();
    // (pod name label, controller's name) → its kind (`pod_name_labels`).
    let mut controllers: HashMap<(&str, &str), &str> = HashMap::new();
    for p in objects() {
        for o in &p.labels {
            let (k, v) = pair(o);
            if o.pod {
                pods.insert((k, v));
            }
            if o.object {
                carried.entry((&p.kind, k, v)).or_default().push(p.group());
            }
        }
        let Some(name) = p.name.as_deref() else {
            continue;
        };
        if let Some(rank) = k8s.label_owner_rank(&p.kind, p.group()) {
            let best = owners.entry(name).or_insert((rank, &p.kind));
            if rank < best.0 {
                *best = (rank, &p.kind);
            }
        }
        for (label, kind) in &k8s.pod_name_labels {
            if kind.matches(&p.kind, p.group()) {
                controllers.entry((label.as_str(), name)).or_insert(&p.kind);
            }
        }
    }
    let mut fates = HashMap::new();
    // The selectors of what a partial copy leaves to the baseline count too: the
    // baseline runs them, so a pair they select that a pod of the copy carries
    // is isolated, or they would select the copy's pods.
    let selecting = plans
        .iter()
        .filter(|p| matches!(p.status, Status::Object | Status::Shared));
    for p in selecting {
        for o in &p.labels {
            let Some(sel) = o.selects.map(|i| &k8s.selectors[i]) else {
                continue;
            };
            let (k, v) = pair(o);
            let is_carried = match &sel.selects {
                Selects::Pods => pods.contains(&(k, v)),
                Selects::Kind(want) => carried
                    .get(&(want.kind.as_str(), k, v))
                    .is_some_and(|gs| gs.iter().any(|g| want.matches(&want.kind, g))),
            };
            let fate = fates.entry((k, v)).or_insert(LabelFate::Shared);
            if is_carried {
                *fate = LabelFate::Isolate;
            }
        }
    }
    // What a name of the stream becomes in the copy (a name no owner of the
    // stream has stays).
    let limit = k8s.label_value_limit;
    let within = |n: String| if n.len() > limit { Err(n.len()) } else { Ok(n) };
    let copy_of = |v: &str| -> Result<String, usize> {
        match owners.get(v) {
            Some(&(_, kind)) => {
                renamed_name(cfg, kind, v).map(|n| n.unwrap_or_else(|| v.to_string()))
            }
            None => Ok(v.to_string()),
        }
    };
    // In a pod set of resource `own`, a name other than its own (`{label:…}`,
    // `{field:…}`: the Kafka a KafkaNodePool belongs to, a Pooler's Cluster) is
    // a reference: the copy's pods carry it renamed only when an object of a kind
    // that owns pods (`label_owner_kinds`) has it, as the reference then follows
    // too; anything else of that name is not what the operator names.
    let copy_value = |parts: &[Part], own: &str| -> Result<String, usize> {
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Name(n) if n != own && owners.get(n.as_str()).is_none_or(|&(r, _)| r > 0) => {
                    out.push_str(n)
                }
                Part::Name(n) => out.push_str(&copy_of(n)?),
            }
        }
        within(out)
    };
    // The pods operators make: their labels, and the values made from a name
    // that the copy's pods carry instead ((key, baseline value) → the fate of
    // that pair where a selector uses it and nothing of the stream carries it).
    let mut pod_sets = Vec::new();
    let mut made: HashMap<(&str, String), LabelFate<'p>> = HashMap::new();
    for p in objects() {
        let Some(name) = p.name.as_deref() else {
            continue;
        };
        for set in &p.pod_sets {
            let labels: Vec<(&str, String)> = set
                .labels
                .iter()
                .map(|(k, parts)| (k.as_str(), join_parts(parts, Cow::Borrowed)))
                .collect();
            for ((k, parts), (_, value)) in set.labels.iter().zip(&labels) {
                let named = parts.iter().find_map(|part| match part {
                    Part::Name(n) => owners.get(n.as_str()).map(|&(_, kind)| (kind, n.as_str())),
                    Part::Text(_) => None,
                });
                if let Some((kind, n)) = named {
                    made.entry((k.as_str(), value.clone()))
                        .or_insert_with(|| LabelFate::Owner {
                            kind,
                            name: n,
                            new: copy_value(parts, name),
                        });
                }
            }
            let (owner_key, owner_parts) = &set.labels[set.owner];
            pod_sets.push(OperatorPodSet {
                kind: &p.kind,
                name,
                labels,
                owner: (owner_key.as_str(), copy_value(owner_parts, name)),
            });
        }
    }
    for (&(k, v), fate) in fates.iter_mut() {
        if *fate != LabelFate::Shared {
            continue;
        }
        // A pod's name `<set>-<ordinal>`, given by its controller.
        let ordinal = v
            .rsplit_once('-')
            .filter(|(_, n)| is_ordinal(n))
            .and_then(|(set, n)| Some((*controllers.get(&(k, set))?, set, n)));
        *fate = if let Some((kind, set, n)) = ordinal {
            let new = renamed_name(cfg, kind, set)
                .map(|r| format!("{}-{n}", r.as_deref().unwrap_or(set)))
                .and_then(within);
            LabelFate::Owner {
                kind,
                name: set,
                new,
            }
        } else if let Some(&(_, kind)) = owners.get(v) {
            let new = renamed_name(cfg, kind, v)
                .map(|n| n.unwrap_or_else(|| v.to_string()))
                .and_then(within);
            LabelFate::Owner { kind, name: v, new }
        } else if let Some(owned) = made.get(&(k, v.to_string())) {
            owned.clone()
        } else {
            continue;
        };
    }
    let owners = owners.into_iter().map(|(n, (_, k))| (n, k)).collect();
    Fated {
        fates,
        owners,
        pod_sets,
    }
}

/// A StatefulSet's ordinal as its pods' names write it: decimal, no leading zero.
fn is_ordinal(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'))
}

/// The value a label pair has in the copy, by its fate (`None`: unchanged, or
/// refused; rule 3 says why).
pub fn label_value_in_copy(
    cfg: &Config,
    fate: Option<&LabelFate<'_>>,
    value: &str,
) -> Option<String> {
    use crate::names::{Suffixed, suffixed};
    match fate? {
        LabelFate::Isolate => match suffixed(
            value,
            &cfg.suffix,
            cfg.k8s.label_value_limit,
            !cfg.strict_names,
        ) {
            Suffixed::Appended(s) | Suffixed::Shortened(s) => Some(s),
            Suffixed::Unchanged | Suffixed::TooLong(_) => None,
        },
        LabelFate::Owner { new: Ok(n), .. } if n != value => Some(n.clone()),
        LabelFate::Owner { .. } | LabelFate::Shared => None,
    }
}

/// Why no pair narrows: the stream has no pods of its own.
pub const NO_POD_TEMPLATE: &str = "the stream has no pod template";

/// The pair that narrows an empty NetworkPolicy podSelector to the copy's pods:
/// one that every pod template of the stream carries after rule 3 with a value
/// that ends with the suffix (a pair without it would select the baseline's pods
/// too). The first of `narrow_keys` that qualifies, else the first qualifying pair
/// of the first pod template.
fn narrowing_pair<'p>(
    plans: &'p [DocPlan<'_>],
    cfg: &Config,
    fates: &HashMap<(&'p str, &'p str), LabelFate<'p>>,
) -> Result<(&'p str, String), &'static str> {
    let mut common: Option<Vec<(&'p str, String)>> = None;
    for p in plans
        .iter()
        .filter(|p| p.status == Status::Object && p.pod_template)
    {
        // The pod's labels as Kubernetes keeps them: of a repeated key, the last.
        let mut pod_labels: Vec<(&'p str, &'p str)> = Vec::new();
        for o in p.labels.iter().filter(|o| o.pod) {
            let (k, v) = (o.key.as_ref(), o.value.value.as_ref());
            pod_labels.retain(|(key, _)| *key != k);
            pod_labels.push((k, v));
        }
        let here: Vec<(&'p str, String)> = pod_labels
            .into_iter()
            .map(|(k, v)| {
                let new = label_value_in_copy(cfg, fates.get(&(k, v)), v);
                (k, new.unwrap_or_else(|| v.to_string()))
            })
            .filter(|(_, v)| v.ends_with(&cfg.suffix))
            .collect();
        common = Some(match common {
            None => here,
            Some(c) => c.into_iter().filter(|x| here.contains(x)).collect(),
        });
    }
    let Some(common) = common else {
        return Err(NO_POD_TEMPLATE);
    };
    cfg.k8s
        .narrow_keys
        .iter()
        .find_map(|k| common.iter().find(|(key, _)| key == k))
        .or(common.first())
        .cloned()
        .ok_or("no label pair with the suffix is carried by every pod template of the copy")
}

pub fn ns_compatible(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}
