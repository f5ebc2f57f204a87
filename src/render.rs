//! The pipeline: bytes → documents with spans → a plan of edits from every rule →
//! one pass that applies them → bytes.
//!
//! Phase 1 reads each document once and records what it is, the edits that need no
//! other document, and the candidates that do (references, label pairs, strings,
//! the Redis secret name). Phase 2 builds the stream-wide index (which objects are
//! emitted, which label pairs are selected, which hosts and Services are ours) and
//! turns the candidates into edits. Rules read; only [`crate::edit::apply`] writes.

use crate::config::Config;
use crate::edit::{self, Edit};
use crate::error::{Error, Place};
use crate::rules;
use crate::syntax::{self, Doc, NodeId, Style};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Kinds the baseline owns and whose names cannot change: never emitted.
pub const BASELINE_KINDS: &[&str] = &["CustomResourceDefinition", "APIService", "Namespace"];

/// Cluster-scoped kinds: a reference to them ignores namespaces.
pub const CLUSTER_SCOPED: &[&str] = &[
    "ClusterRole",
    "ClusterRoleBinding",
    "PriorityClass",
    "StorageClass",
    "IngressClass",
    "PersistentVolume",
    "RuntimeClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "GatewayClass",
    "ClusterIssuer",
    "ClusterSecretStore",
    "ClusterTriggerAuthentication",
    "CustomResourceDefinition",
    "APIService",
    "Namespace",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Comment-only or empty document: copied as it is.
    Empty,
    Object,
    /// A drop kind (rule 5).
    Dropped,
    /// Owned by the baseline (rule 1): not emitted.
    Baseline,
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
    pub rule: usize,
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
        }
    }
}

/// A label key/value pair found in labels or a selector.
#[derive(Debug)]
pub struct LabelOcc<'a> {
    pub key: Cow<'a, str>,
    pub value: NodeSpan<'a>,
    /// Found in a selector of a pod-owning or pod-selecting object.
    pub source: bool,
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
    pub ns: Option<Cow<'a, str>>,
    pub line: usize,
    /// Byte offset of the `kind` value (where whole-document findings point).
    pub at: usize,
    pub edits: Vec<Edit>,
    pub refs: Vec<RefCand<'a>>,
    pub labels: Vec<LabelOcc<'a>>,
    pub injections: Vec<Injection<'a>>,
    /// Scalars where rule 9 looks for own hosts and Services.
    pub strings: Vec<NodeSpan<'a>>,
    /// Route/ingress hostnames as written (before the host map).
    pub hosts: Vec<Cow<'a, str>>,
    /// This document's `-v` lines (both phases), so the report reads per document.
    pub report: Vec<String>,
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

/// The result of a run.
#[derive(Debug, Default)]
pub struct Rendered {
    pub output: String,
    /// Lines for stderr: always-shown notes.
    pub notes: Vec<String>,
    /// Lines for the `-v` report.
    pub report: Vec<String>,
    /// Byte ranges of the input that some rule replaced, deleted or inserted at,
    /// sorted: everything outside them was copied unchanged.
    pub touched: Vec<(usize, usize)>,
}

/// Renames one object name per rule 1 (and the shortening rule). `Ok(None)`: unchanged.
pub fn renamed_name(cfg: &Config, kind: &str, name: &str) -> Result<Option<String>, usize> {
    use crate::names::{Suffixed, name_limit, suffixed};
    match suffixed(name, &cfg.suffix, name_limit(kind), !cfg.strict_names) {
        Suffixed::Unchanged => Ok(None),
        Suffixed::Appended(s) | Suffixed::Shortened(s) => Ok(Some(s)),
        Suffixed::TooLong(n) => Err(n),
    }
}

/// Phase 1: every document read once, in order.
pub fn plan_stream<'a>(input: &'a str, cfg: &Config) -> Result<Vec<DocPlan<'a>>, Error> {
    plan_stream_into(input, cfg, None)
}

/// Phase 1 for `check`: a document the filter refuses goes to `refused` (and gets
/// no plan) instead of ending the run. Invalid YAML still ends it: after a syntax
/// error the document boundaries themselves are unknown.
pub fn plan_stream_collecting<'a>(
    input: &'a str,
    cfg: &Config,
    refused: &mut Vec<Error>,
) -> Result<Vec<DocPlan<'a>>, Error> {
    plan_stream_into(input, cfg, Some(refused))
}

fn plan_stream_into<'a>(
    input: &'a str,
    cfg: &Config,
    mut refused: Option<&mut Vec<Error>>,
) -> Result<Vec<DocPlan<'a>>, Error> {
    let mut plans: Vec<DocPlan<'a>> = Vec::new();
    // Documents that are dropped whole need no parse (a CRD can be megabytes).
    let skip = |g: &syntax::Glance<'_>| {
        rules::not_emitted(cfg, g.kind, api_group(g.api_version)).is_some()
    };
    let parsed = syntax::for_each_doc_skipping(input, skip, |doc: &Doc<'a>| -> Result<(), Error> {
        let mut report = Vec::new();
        match rules::plan_document(input, doc, cfg, &mut report) {
            Ok(mut plan) => {
                plan.report = report;
                plans.push(plan);
                Ok(())
            }
            Err(e) => refuse(&mut refused, e),
        }
    });
    match parsed {
        Err(e) => Err(Error::input(
            Place {
                doc: e.doc_index,
                object: None,
                line: e.line,
            },
            format!("invalid YAML: {} (column {})", e.message, e.col),
        )
        .with_hint("fix the chart template that produced this document")),
        Ok(r) => r.map(|()| plans),
    }
}

/// Phase 2: the stream index, then every document's edits (same order as `plans`).
pub fn stream_edits(
    input: &str,
    plans: &mut [DocPlan<'_>],
    cfg: &Config,
) -> Result<Vec<Vec<Edit>>, Error> {
    stream_edits_into(input, plans, cfg, None)
}

/// Phase 2 for `check`: a document the filter refuses goes to `refused`, with the
/// edits found before the refusal, and the other documents go on.
pub fn stream_edits_collecting(
    input: &str,
    plans: &mut [DocPlan<'_>],
    cfg: &Config,
    refused: &mut Vec<Error>,
) -> Result<Vec<Vec<Edit>>, Error> {
    stream_edits_into(input, plans, cfg, Some(refused))
}

fn stream_edits_into(
    input: &str,
    plans: &mut [DocPlan<'_>],
    cfg: &Config,
    mut refused: Option<&mut Vec<Error>>,
) -> Result<Vec<Vec<Edit>>, Error> {
    // Edits that needed no other document, taken before the index borrows the plans.
    let mut per_doc: Vec<Vec<Edit>> = plans
        .iter_mut()
        .map(|p| std::mem::take(&mut p.edits))
        .collect();
    let mut reports: Vec<Vec<String>> = plans
        .iter_mut()
        .map(|p| std::mem::take(&mut p.report))
        .collect();
    let index = StreamIndex::build(plans, cfg);
    for ((plan, edits), report) in plans.iter().zip(&mut per_doc).zip(&mut reports) {
        match plan.status {
            Status::Empty => {}
            Status::Dropped | Status::Baseline => {
                edits.push(remove_document(input, plan.region).because(
                    if plan.status == Status::Baseline {
                        "rule 1: kind owned by the baseline must not be emitted"
                    } else {
                        "rule 5: drop kind must not be emitted"
                    },
                ));
            }
            Status::Object => {
                if let Err(e) = rules::resolve(input, plan, &index, cfg, edits, report) {
                    refuse(&mut refused, e)?;
                }
            }
        }
    }
    drop(index);
    for (plan, report) in plans.iter_mut().zip(reports) {
        plan.report = report;
    }
    Ok(per_doc)
}

/// The edit that removes a document's region.
///
/// A region that ends with a `...` line needs care, because what follows it may
/// rely on that marker: a document with no `---` of its own (YAML allows one after
/// `...`) would be joined to the document before, so a `---` line takes the
/// region's place; a `%` directive needs a `...` before it, so that line stays
/// (a second `...` in a row, or one at the start of the stream, is valid YAML 1.2).
fn remove_document(input: &str, (start, end): (usize, usize)) -> Edit {
    // Markers count only at column 0, so the line is not trimmed.
    let next = input[end..]
        .split_inclusive('\n')
        .find(|l| !syntax::is_blank_or_comment(l));
    match next {
        None => Edit::delete(start, end),
        // What follows starts its own document, or ends the one before.
        Some(l) if syntax::is_doc_start(l.as_bytes()) || syntax::is_doc_end(l) => {
            Edit::delete(start, end)
        }
        Some(l) if l.starts_with('%') => {
            // Keep the region's last `...` line and the comments after it.
            let region = &input[start..end];
            let mut at = region.len();
            let mut dots = None;
            for line in region.split_inclusive('\n').rev() {
                at -= line.len();
                if syntax::is_doc_end(line) {
                    dots = Some(at);
                    break;
                }
                if !syntax::is_blank_or_comment(line) {
                    break;
                }
            }
            Edit::delete(start, dots.map_or(end, |d| start + d))
        }
        Some(_) => Edit::replace(
            start,
            end,
            format!("---{}", crate::edit::eol_at(input, end.saturating_sub(1))),
        ),
    }
}

/// Ends the run with `e`, or, when `check` collects refusals, keeps it and goes on.
fn refuse(refused: &mut Option<&mut Vec<Error>>, e: Error) -> Result<(), Error> {
    match refused {
        Some(list) => {
            list.push(e);
            Ok(())
        }
        None => Err(e),
    }
}

/// Runs the whole filter on one stream.
pub fn render(input: &str, cfg: &Config) -> Result<Rendered, Error> {
    let mut out = Rendered::default();
    let mut plans = plan_stream(input, cfg)?;
    let per_doc = stream_edits(input, &mut plans, cfg)?;
    out.report = plans
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.report))
        .collect();
    // Named when there are a few, counted per kind when there are many.
    let baseline: Vec<&DocPlan<'_>> = plans
        .iter()
        .filter(|p| p.status == Status::Baseline)
        .collect();
    if !baseline.is_empty() {
        let what = if baseline.len() <= 5 {
            baseline
                .iter()
                .map(|p| p.object())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            let mut counts: Vec<(&str, usize)> = Vec::new();
            for p in &baseline {
                match counts.iter_mut().find(|(k, _)| *k == p.kind.as_ref()) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((p.kind.as_ref(), 1)),
                }
            }
            let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
            format!("{} (-v names each)", counts.join(", "))
        };
        out.notes.push(format!(
            "not emitted (owned by the baseline, their names cannot change): {what}"
        ));
    }
    if !plans.iter().any(|p| p.status == Status::Object) {
        out.output = "---\n".to_string();
        return Ok(out);
    }
    let mut edits: Vec<Edit> = per_doc.into_iter().flatten().collect();
    let applied = edit::apply(input, &mut edits);
    out.touched = edits.iter().map(|e| (e.start, e.end)).collect();
    out.output = applied.map_err(|(a, b)| {
        Error::input(
            Place {
                doc: 0,
                object: None,
                line: syntax_line(input, b.start),
            },
            format!(
                "internal error: two rules edit overlapping text (bytes {}..{} and {}..{}); please report this input",
                a.start, a.end, b.start, b.end
            ),
        )
    })?;
    Ok(out)
}

fn syntax_line(input: &str, at: usize) -> usize {
    input.as_bytes()[..at.min(input.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Where emitted objects of one (kind, name) live: (group or kind, namespace).
type Homes<'p> = Vec<(&'p str, Option<&'p str>)>;

/// What the whole stream emits, for the rules that look across documents.
pub struct StreamIndex<'p> {
    /// (kind, name) → (group, namespace) of every emitted object.
    objects: HashMap<(&'p str, &'p str), Homes<'p>>,
    /// (plural, name) → (kind, namespace), for RBAC resourceNames.
    plurals: HashMap<(String, &'p str), Homes<'p>>,
    /// Label pairs that appear in a selector (rule 3).
    pub selected: HashSet<(&'p str, &'p str)>,
    /// Route/ingress hostnames of the stream (rule 9a).
    pub hosts: HashSet<&'p str>,
    /// Service name → namespace, for rule 9b.
    pub services: HashMap<&'p str, Vec<Option<&'p str>>>,
    /// Lengths (capped at 255) that a host or a Service name has: rule 9 looks at
    /// every word of every string, and most words can be ruled out by length alone.
    pub host_lens: LenSet,
    pub service_lens: LenSet,
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
    pub fn build(plans: &'p [DocPlan<'_>], cfg: &Config) -> Self {
        let mut idx = StreamIndex {
            objects: HashMap::new(),
            plurals: HashMap::new(),
            selected: HashSet::new(),
            hosts: HashSet::new(),
            services: HashMap::new(),
            host_lens: LenSet::default(),
            service_lens: LenSet::default(),
        };
        for p in plans.iter().filter(|p| p.status == Status::Object) {
            let Some(name) = p.name.as_deref() else {
                continue;
            };
            let ns = p.ns.as_deref();
            idx.objects
                .entry((p.kind.as_ref(), name))
                .or_default()
                .push((p.group(), ns));
            idx.plurals
                .entry((crate::refs::plural(&p.kind), name))
                .or_default()
                .push((p.kind.as_ref(), ns));
            if p.kind == "Service" && p.group().is_empty() {
                idx.services.entry(name).or_default().push(ns);
                idx.service_lens.insert(name.len());
            }
            for occ in p.labels.iter().filter(|o| o.source) {
                idx.selected
                    .insert((occ.key.as_ref(), occ.value.value.as_ref()));
            }
            if cfg.string_refs {
                for h in &p.hosts {
                    idx.hosts.insert(h.as_ref());
                    idx.host_lens.insert(h.len());
                }
            }
        }
        idx
    }

    /// Is an object of `kind` named `name` emitted in a namespace compatible with
    /// `ns`? An absent namespace means "the release namespace", which matches any.
    pub fn emits(&self, kind: &str, group: Option<&str>, ns: Option<&str>, name: &str) -> bool {
        let cluster = CLUSTER_SCOPED.contains(&kind);
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
            .find(|(k, n)| CLUSTER_SCOPED.contains(k) || ns_compatible(ns, *n))
            .map(|(k, _)| *k)
    }
}

pub fn ns_compatible(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}
