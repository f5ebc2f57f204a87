//! The pipeline: bytes → documents with spans → a plan of edits from every rule →
//! one pass that applies them → bytes.
//!
//! Phase 1 reads each document once: what it is ([`read_document`]), then every
//! rule's [`Rule::plan`](crate::rules::contract::Rule::plan). Phase 2 builds the stream-wide index (which objects are
//! emitted, which label pairs are selected, which hosts and Services are ours) and
//! runs every rule's [`Rule::resolve`](crate::rules::contract::Rule::resolve). Rules read; only [`crate::edit::apply`]
//! writes.

use crate::config::Config;
use crate::edit;
use crate::error::{Error, Place};
use crate::fork;
use crate::index::StreamIndex;
use crate::plan::{Aliased, DocOut, DocPlan, OperatorMade, Status, api_group};
use crate::rules::contract::{PlanCx, ResolveCx};
use crate::rules::{RULES, drop, lossless};
use crate::verbose;
use crate::yaml::{self, Doc, NodeId, NodeKind};
use std::borrow::Cow;

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
    /// The length of the text written in place of each range of `touched` (0:
    /// deleted), so an offset of the output can be traced to the input.
    pub written: Vec<usize>,
}

/// Every document's plan and what the rules wrote for it, in stream order.
#[derive(Debug, Default)]
pub struct Planned<'a> {
    pub plans: Vec<DocPlan<'a>>,
    pub outs: Vec<DocOut>,
}

/// Where refusals go: `None` ends the run at the first one (the filter); `check`
/// passes a list and goes on with the other documents.
pub type Refusals<'r> = Option<&'r mut Vec<Error>>;

fn describe(doc: &Doc<'_>, id: NodeId) -> &'static str {
    match doc.node(id).kind {
        NodeKind::Seq => "a list",
        NodeKind::Scalar => "a scalar",
        NodeKind::Alias => "an alias",
        NodeKind::Map => "a mapping",
    }
}

fn refused_document(place: Place, message: impl Into<String>) -> Error {
    Error::input(place, message).with_hint("fix the chart template that produced this document")
}

fn empty_plan<'a>(doc: &Doc<'a>) -> DocPlan<'a> {
    DocPlan {
        index: doc.index,
        region: (doc.region_start, doc.region_end),
        status: Status::Empty,
        api_version: Cow::Borrowed(""),
        kind: Cow::Borrowed(""),
        name: None,
        other_names: Vec::new(),
        ns: None,
        line: 0,
        at: doc.region_start,
        refs: Vec::new(),
        selectors: Default::default(),
        hosts: Vec::new(),
        injections: Vec::new(),
        aliased: Vec::new(),
        strings: Default::default(),
        made: Default::default(),
        fork: Default::default(),
    }
}

/// Phase 1 for one document: what it is, then every rule's plan when it is an
/// object the stream emits.
///
/// `hold`: a rule's refusal is kept in [`DocOut::held`] and the other rules read
/// the document on (a partial copy decides later whether it is emitted).
pub fn read_document<'a>(
    input: &'a str,
    doc: &Doc<'a>,
    cfg: &Config,
    hold: bool,
) -> Result<(DocPlan<'a>, DocOut), Error> {
    let mut plan = empty_plan(doc);
    let mut out = DocOut::default();
    if let Some(g) = &doc.glance {
        plan.kind = Cow::Borrowed(g.kind);
        plan.api_version = Cow::Borrowed(g.api_version);
        plan.name = g.name.map(Cow::Borrowed);
        plan.line = g.line;
        plan.at = g.at;
        plan.status =
            drop::not_emitted(cfg, g.kind, api_group(g.api_version)).unwrap_or(Status::Empty);
        return Ok((plan, out));
    }
    let Some(root) = doc.root().filter(|&r| !doc.is_null(r)) else {
        return Ok((plan, out));
    };
    let metadata = identify(doc, root, &mut plan)?;
    // The API server ignores a cluster-scoped object's namespace: so does every
    // rule (its references name objects of any namespace, as `check --baseline`
    // reads them too).
    if cfg.k8s.is_cluster_scoped(&plan.kind) {
        plan.ns = None;
    }
    if let Some(status) = drop::not_emitted(cfg, &plan.kind, plan.group()) {
        plan.status = status;
        return Ok((plan, out));
    }
    plan.status = Status::Object;
    plan.aliased = doc
        .aliases()
        .iter()
        .map(|&(alias, def)| {
            let d = doc.node(def);
            Aliased {
                anchor: d.layout.props,
                anchor_line: d.line,
                alias: doc.node(alias).start,
                alias_line: doc.node(alias).line,
            }
        })
        .collect();
    if let Some(name) = plan.name.as_deref() {
        plan.made.by_operator = OperatorMade::of(cfg, &plan.kind, plan.group(), name);
    }
    // Helm and the API server accept a repeated key (the last one wins); every
    // rule treats each occurrence alike, so whichever a reader keeps is isolated.
    for k in doc.duplicate_keys() {
        out.notes.push(format!(
            "warning: document {} ({}) line {}: key `{}` appears twice in one mapping; Kubernetes keeps the last one",
            doc.index,
            plan.object(),
            doc.node(k).line,
            doc.node(k).value
        ));
    }
    let Some(metadata) = metadata else {
        return Err(refused_document(
            plan.place(plan.line),
            "the object has no `metadata`",
        ));
    };
    let cx = PlanCx {
        input,
        doc,
        root,
        metadata,
        cfg,
    };
    if !cfg.fork.is_empty() {
        fork::read_facts(&cx, &mut plan);
    }
    for rule in RULES.iter().filter(|r| (r.enabled)(cfg)) {
        match (rule.plan)(&cx, &mut plan, &mut out) {
            Err(e) if hold => {
                out.held.get_or_insert(e);
            }
            r => r?,
        }
    }
    Ok((plan, out))
}

/// Reads `kind`, `apiVersion`, `metadata.name` and `metadata.namespace` into the
/// plan, refusing what is no Kubernetes object; returns the metadata mapping.
fn identify<'a>(
    doc: &Doc<'a>,
    root: NodeId,
    plan: &mut DocPlan<'a>,
) -> Result<Option<NodeId>, Error> {
    let r = doc.node(root);
    let place = |line| Place {
        doc: doc.index,
        object: None,
        line,
    };
    plan.line = r.line;
    if !doc.is_map(root) {
        return Err(refused_document(
            place(r.line),
            format!(
                "the document is {}, not a Kubernetes object (a mapping)",
                describe(doc, root)
            ),
        ));
    }
    let (Some(kind), Some(api_version)) = (doc.get(root, "kind"), doc.get(root, "apiVersion"))
    else {
        return Err(refused_document(
            place(r.line),
            "the document has no `apiVersion` and `kind`: not a Kubernetes object",
        ));
    };
    let text = |id| doc.str(id).filter(|_| !doc.is_null(id));
    let (Some(kind_s), Some(_)) = (text(kind), text(api_version)) else {
        return Err(refused_document(
            place(r.line),
            "`apiVersion` and `kind` must be non-empty strings",
        ));
    };
    plan.kind = doc.node(kind).value.clone();
    plan.api_version = doc.node(api_version).value.clone();
    plan.line = doc.node(kind).line;
    plan.at = doc.node(kind).start;
    let metadata = doc.get(root, "metadata").filter(|&m| doc.is_map(m));
    let scalar = |m, key| {
        doc.get(m, key)
            .filter(|&n| doc.is_scalar(n) && !doc.is_null(n))
            .map(|n| doc.node(n).value.clone())
    };
    if let Some(m) = metadata {
        plan.name = scalar(m, "name");
        plan.ns = scalar(m, "namespace");
        let names: Vec<_> = doc.get_all(m, "name").map(|(_, v)| v).collect();
        if let Some((_, earlier)) = names.split_last() {
            plan.other_names = earlier
                .iter()
                .filter(|&&n| doc.is_scalar(n) && !doc.is_null(n))
                .map(|&n| doc.node(n).value.clone())
                .collect();
        }
    }
    if kind_s.ends_with("List") && doc.get(root, "items").is_some() {
        return Err(Error::input(
            plan.place(plan.line),
            format!("a {kind_s} wraps other objects in `items`, which this tool does not rewrite"),
        )
        .with_hint("render the items as separate YAML documents"));
    }
    Ok(metadata)
}

/// Phase 1: every document read once, in order. A document the filter refuses
/// goes to `refused` when given (and gets no plan). Invalid YAML always ends the
/// run: after a syntax error the document boundaries themselves are unknown.
pub fn plan_stream<'a>(
    input: &'a str,
    cfg: &Config,
    mut refused: Refusals<'_>,
) -> Result<Planned<'a>, Error> {
    let mut planned = Planned::default();
    // Documents that are dropped whole need no parse (a CRD can be megabytes).
    let skip = drop::unread(cfg);
    // A partial copy keeps the filter's refusals until it knows what it emits.
    let hold = !cfg.fork.is_empty() && refused.is_none();
    let parsed = yaml::for_each_doc_skipping(input, skip, |doc: &Doc<'a>| -> Result<(), Error> {
        match read_document(input, doc, cfg, hold) {
            Ok((plan, out)) => {
                planned.plans.push(plan);
                planned.outs.push(out);
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
        Ok(r) => r.map(|()| planned),
    }
}

/// Phase 2: the stream index, then every rule's resolve for every emitted
/// document, and the removal of documents that leave the stream. A document the
/// filter refuses goes to `refused` when given, with the edits found before.
pub fn resolve_stream(
    input: &str,
    planned: &mut Planned<'_>,
    cfg: &Config,
    mut refused: Refusals<'_>,
) -> Result<(), Error> {
    let index = StreamIndex::build(&planned.plans, cfg);
    let cx = ResolveCx {
        input,
        index: &index,
        cfg,
    };
    for (plan, out) in planned.plans.iter().zip(&mut planned.outs) {
        match plan.status {
            Status::Empty => {}
            Status::Dropped | Status::Baseline | Status::Shared => {
                out.edits.push(drop::remove(input, plan));
            }
            Status::Object => {
                let resolved = RULES
                    .iter()
                    .filter(|r| (r.enabled)(cfg))
                    .try_for_each(|r| (r.resolve)(&cx, plan, out))
                    .and_then(|()| lossless::aliases_kept(plan, out));
                if let Err(e) = resolved {
                    refuse(&mut refused, e)?;
                }
            }
        }
    }
    for (i, note) in crate::rules::selectors::baseline_on_copy(&planned.plans, &index, cfg) {
        planned.outs[i].notes.push(note);
    }
    Ok(())
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

/// Said on stderr when the input holds no document at all: an empty stream is
/// what a failed command before the filter leaves.
pub const NO_DOCUMENTS: &str = "note: the input has no Kubernetes objects (it is empty, or only comments and `---`): did `helm template` or the command before this one fail?";

/// Runs the whole filter on one stream.
pub fn render(input: &str, cfg: &Config) -> Result<Rendered, Error> {
    let mut out = Rendered::default();
    let mut planned = match plan_stream(input, cfg, None) {
        Err(e) if !e.hosts.is_empty() => return Err(all_unmapped(input, cfg, e)),
        planned => planned?,
    };
    if !cfg.fork.is_empty() {
        let note = fork::choose(&mut planned.plans, &mut planned.outs, cfg)?;
        out.notes.extend(note);
    }
    resolve_stream(input, &mut planned, cfg, None)?;
    out.notes.extend(drop::baseline_note(&planned.plans));
    out.notes.extend(drop::unmatched(&planned.plans, cfg));
    if cfg.verbose {
        let warnings = out.notes.len() + planned.outs.iter().map(|o| o.notes.len()).sum::<usize>();
        out.report = verbose::report(input, &planned.plans, &planned.outs, cfg, warnings);
    }
    let mut edits = Vec::new();
    for o in planned.outs {
        out.notes.extend(o.notes);
        edits.extend(o.edits);
    }
    if !planned.plans.iter().any(|p| p.status == Status::Object) {
        if planned.plans.iter().all(|p| p.status == Status::Empty) {
            out.notes.push(NO_DOCUMENTS.to_string());
        }
        out.output = "---\n".to_string();
        return Ok(out);
    }
    let applied = edit::apply(input, &mut edits);
    out.touched = edits.iter().map(|e| (e.start, e.end)).collect();
    out.written = edits.iter().map(|e| e.text.len()).collect();
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

/// The refusal of the first document with an unmapped hostname, extended by
/// those of every later document, so its fix names every host map entry the
/// stream needs (a second run would otherwise stop at the next domain). Found
/// by reading the stream again, collecting refusals as `check` does: this costs
/// only a run that fails.
fn all_unmapped(input: &str, cfg: &Config, first: Error) -> Error {
    let mut refused = Vec::new();
    if plan_stream(input, cfg, Some(&mut refused)).is_err() {
        return first;
    }
    let doc = first.place.as_ref().map_or(0, |p| p.doc);
    let later = refused
        .into_iter()
        .flat_map(|e| e.hosts)
        .filter(|(p, _)| p.doc > doc);
    crate::rules::routes::with_later_hosts(cfg, first, later)
}

fn syntax_line(input: &str, at: usize) -> usize {
    input.as_bytes()[..at.min(input.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
