//! The rules of the SPEC, one file each. Each reads a document and adds edits or
//! candidates to its [`DocPlan`]; none writes bytes.

pub mod ownership;
pub mod redis;
pub mod references;
pub mod rename;
pub mod routes;
pub mod selectors;
pub mod strings;

use crate::config::Config;
use crate::edit::Edit;
use crate::error::{Error, Place};
use crate::render::{BASELINE_KINDS, DocPlan, NodeSpan, Status, StreamIndex, api_group};
use crate::syntax::{Doc, NodeKind};
use std::borrow::Cow;

fn describe(doc: &Doc<'_>, id: usize) -> &'static str {
    match doc.node(id).kind {
        NodeKind::Seq => "a list",
        NodeKind::Scalar => "a scalar",
        NodeKind::Alias => "an alias",
        NodeKind::Map => "a mapping",
    }
}

/// Whether documents of this kind leave the stream: owned by the baseline
/// (rule 1) or a drop kind (rule 5).
pub fn not_emitted(cfg: &Config, kind: &str, group: &str) -> Option<Status> {
    if BASELINE_KINDS.contains(&kind) {
        Some(Status::Baseline)
    } else if cfg.drop_kinds.iter().any(|d| d.matches(kind, group)) {
        Some(Status::Dropped)
    } else {
        None
    }
}

fn report_not_emitted(plan: &DocPlan<'_>, report: &mut Vec<String>) {
    if plan.status == Status::Baseline {
        report.push(format!(
            "not emitted {}: owned by the baseline",
            plan.object()
        ));
    } else {
        report.push(format!("dropped {} (drop kind)", plan.object()));
    }
}

/// The edit that gives a scalar its new value in its own quoting style, or the
/// error that says why it cannot be rewritten: it carries an anchor (editing it
/// would change every alias of it too) or it is a block scalar. An implicit null
/// (`key:` and nothing) gets its value after the colon.
pub fn rewrite_scalar(
    input: &str,
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
    let Some(text) = crate::edit::scalar_text(at.style, new) else {
        return Err(Error::input(
            plan.place(at.line),
            format!("{what} is a block scalar (| or >), which this tool does not rewrite"),
        )
        .with_hint("write it as a plain or quoted string in the chart template"));
    };
    if at.start == at.end {
        // An implicit null sits at the end of its key, just before the colon. A
        // tagged empty value (`key: !tag`) sits elsewhere: no place to write to.
        let rest = &input[at.start..];
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if rest[spaces..].starts_with(':') {
            return Ok(Edit::insert(at.start + spaces + 1, format!(" {text}")));
        }
        return Err(Error::input(
            plan.place(at.line),
            format!("{what} has a tag but no value, which this tool does not rewrite"),
        )
        .with_hint("write the value out in the chart template"));
    }
    Ok(Edit::replace(at.start, at.end, text))
}

/// Phase 1 for one document.
pub fn plan_document<'a>(
    input: &'a str,
    doc: &Doc<'a>,
    cfg: &Config,
    report: &mut Vec<String>,
) -> Result<DocPlan<'a>, Error> {
    let mut plan = DocPlan {
        index: doc.index,
        region: (doc.region_start, doc.region_end),
        status: Status::Empty,
        api_version: Cow::Borrowed(""),
        kind: Cow::Borrowed(""),
        name: None,
        ns: None,
        line: 0,
        at: doc.region_start,
        edits: Vec::new(),
        refs: Vec::new(),
        labels: Vec::new(),
        injections: Vec::new(),
        strings: Vec::new(),
        hosts: Vec::new(),
        report: Vec::new(),
    };
    if let Some(g) = &doc.glance {
        plan.kind = Cow::Borrowed(g.kind);
        plan.api_version = Cow::Borrowed(g.api_version);
        plan.name = g.name.map(Cow::Borrowed);
        plan.line = g.line;
        plan.at = g.at;
        plan.status = not_emitted(cfg, g.kind, api_group(g.api_version)).unwrap_or(Status::Empty);
        report_not_emitted(&plan, report);
        return Ok(plan);
    }
    let Some(root) = doc.root().filter(|&r| !doc.is_null(r)) else {
        return Ok(plan);
    };
    let r = doc.node(root);
    let place = |line| Place {
        doc: doc.index,
        object: None,
        line,
    };
    plan.line = r.line;
    if !doc.is_map(root) {
        return Err(Error::input(
            place(r.line),
            format!(
                "the document is {}, not a Kubernetes object (a mapping)",
                describe(doc, root)
            ),
        )
        .with_hint("fix the chart template that produced this document"));
    }
    let (Some(kind), Some(api_version)) = (doc.get(root, "kind"), doc.get(root, "apiVersion"))
    else {
        return Err(Error::input(
            place(r.line),
            "the document has no `apiVersion` and `kind`: not a Kubernetes object",
        )
        .with_hint("fix the chart template that produced this document"));
    };
    let text = |id| doc.str(id).filter(|_| !doc.is_null(id));
    let (Some(kind_s), Some(api_s)) = (text(kind), text(api_version)) else {
        return Err(Error::input(
            place(r.line),
            "`apiVersion` and `kind` must be non-empty strings",
        )
        .with_hint("fix the chart template that produced this document"));
    };
    plan.kind = doc.node(kind).value.clone();
    plan.api_version = doc.node(api_version).value.clone();
    plan.line = doc.node(kind).line;
    plan.at = doc.node(kind).start;
    let metadata = doc.get(root, "metadata").filter(|&m| doc.is_map(m));
    if let Some(m) = metadata {
        plan.name = doc
            .get(m, "name")
            .filter(|&n| doc.is_scalar(n) && !doc.is_null(n))
            .map(|n| doc.node(n).value.clone());
        plan.ns = doc
            .get(m, "namespace")
            .filter(|&n| doc.is_scalar(n) && !doc.is_null(n))
            .map(|n| doc.node(n).value.clone());
    }
    if let Some(k) = doc.duplicate_key() {
        return Err(Error::input(
            plan.place(doc.node(k).line),
            format!(
                "key `{}` appears twice in the same mapping",
                doc.node(k).value
            ),
        )
        .with_hint("remove the duplicate key in the chart template"));
    }
    if kind_s.ends_with("List") && doc.get(root, "items").is_some() {
        return Err(Error::input(
            plan.place(plan.line),
            format!("a {kind_s} wraps other objects in `items`, which this tool does not rewrite"),
        )
        .with_hint("render the items as separate YAML documents"));
    }
    let group = api_group(api_s);
    if BASELINE_KINDS.contains(&kind_s) {
        plan.status = Status::Baseline;
        report.push(format!(
            "not emitted {}: owned by the baseline",
            plan.object()
        ));
        return Ok(plan);
    }
    if cfg.drop_kinds.iter().any(|d| d.matches(kind_s, group)) {
        plan.status = Status::Dropped;
        report.push(format!("dropped {} (drop kind)", plan.object()));
        return Ok(plan);
    }
    plan.status = Status::Object;
    let Some(metadata) = metadata else {
        return Err(
            Error::input(plan.place(plan.line), "the object has no `metadata`")
                .with_hint("fix the chart template that produced this document"),
        );
    };
    rename::plan(input, doc, root, metadata, cfg, &mut plan, report)?;
    ownership::plan(input, doc, metadata, &mut plan)?;
    routes::plan(input, doc, root, cfg, &mut plan)?;
    if cfg.redis {
        redis::plan(input, doc, root, cfg, &mut plan, report)?;
    }
    references::collect(doc, root, cfg, &mut plan);
    selectors::collect(doc, root, &mut plan);
    if cfg.string_refs {
        strings::collect(doc, root, cfg, &mut plan);
    }
    Ok(plan)
}

/// Phase 2 for one emitted document: candidates become edits.
pub fn resolve(
    input: &str,
    plan: &DocPlan<'_>,
    index: &StreamIndex<'_>,
    cfg: &Config,
    edits: &mut Vec<Edit>,
    report: &mut Vec<String>,
) -> Result<(), Error> {
    references::resolve(input, plan, index, cfg, edits, report)?;
    selectors::resolve(input, plan, index, cfg, edits, report)?;
    redis::resolve(plan, index, cfg, edits);
    if cfg.string_refs {
        strings::resolve(input, plan, index, cfg, edits, report);
    }
    Ok(())
}
