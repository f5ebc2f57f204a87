//! `-v`: one line per edit the filter makes, read from the edits themselves (so
//! no edit goes unreported, whichever rule made it), then a one-line summary.
//!
//! ```text
//! document 3 (Deployment/web) line 12 at spec.selector.matchLabels.app: `web` -> `web-tilt` (selector)
//! summary: 9 names renamed, 14 references followed, 22 label edits, 1 host edit, 1 document dropped, 3 other edits, 0 warnings
//! ```
//!
//! What no output may show stays hidden: a value inside a Secret's data or a
//! secret env value reads `(hidden value)`, an inline password `an inline
//! password`, and URL passwords are masked ([`crate::redact`]).

use crate::config::Config;
use crate::edit::Edit;
use crate::plan::{DocOut, DocPlan, Status};
use crate::reason::Reason;
use crate::redact::{self, Span};
use crate::rules::drop;
use crate::yaml::{self, Doc};

/// The change lines of every document (edits in input order), each document's
/// own report lines after its changes, and the summary line.
pub fn report(
    input: &str,
    plans: &[DocPlan<'_>],
    outs: &[DocOut],
    cfg: &Config,
    warnings: usize,
) -> Vec<String> {
    let mut lines = Vec::new();
    let mut counts = Counts::default();
    let mut next = 0;
    // Lines in one pass: documents come in input order, edits sorted within each.
    let (mut line, mut at) = (1, 0);
    // The documents the filter read (one it dropped unread need not parse).
    let _ = yaml::for_each_doc_skipping(
        input,
        drop::unread(cfg),
        |doc: &Doc<'_>| -> Result<(), ()> {
            // Plans and documents come in the same order; a document without a plan
            // (an empty one) has no edits.
            while next < plans.len() && plans[next].index < doc.index {
                next += 1;
            }
            let Some((plan, out)) = plans.get(next).zip(outs.get(next)) else {
                return Ok(());
            };
            let report: &[String] = if cfg.reasons { &out.report } else { &[] };
            if plan.index != doc.index || (out.edits.is_empty() && report.is_empty()) {
                return Ok(());
            }
            let hidden = redact::document_spans(doc, &cfg.redis_env);
            let mut edits: Vec<&Edit> = out.edits.iter().filter(|e| e.why.is_some()).collect();
            edits.sort_by_key(|e| (e.start, e.end));
            for e in edits {
                let why = e.why.unwrap_or(Reason::Rename);
                counts.add(why);
                let to = e.start.max(at);
                line += input.as_bytes()[at..to]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                at = to;
                // Two edits at one place that read alike (a repeated key's value
                // and the one Kubernetes keeps) are one line.
                let said = change_line(input, doc, plan, e, why, line, &hidden);
                if lines.last() != Some(&said) {
                    lines.push(said);
                }
            }
            lines.extend(report.iter().cloned());
            Ok(())
        },
    );
    lines.push(format!(
        "{}, {warnings} warning{}",
        counts.summary(),
        if warnings == 1 { "" } else { "s" }
    ));
    lines
}

fn change_line(
    input: &str,
    doc: &Doc<'_>,
    plan: &DocPlan<'_>,
    e: &Edit,
    why: Reason,
    line: usize,
    hidden: &[Span],
) -> String {
    let head = format!("document {} ({})", plan.index, plan.object());
    if plan.status != Status::Object {
        return format!("{head}: removed ({})", why.key());
    }
    let path = doc.path_at(e.start);
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    let old = &input[e.start..e.end];
    let covered = hidden
        .iter()
        .any(|s| s.start < e.end.max(e.start + 1) && e.start < s.end);
    let what = if why == Reason::RedisPassword && !old.trim().is_empty() {
        "an inline password replaced by the Redis Secret".to_string()
    } else if covered {
        "a hidden value changed (not shown)".to_string()
    } else {
        match (old.trim().is_empty(), e.text.trim().is_empty()) {
            (true, _) => format!("added `{}`", short(&e.text)),
            (false, true) => format!("removed `{}`", short(old)),
            (false, false) => format!("`{}` -> `{}`", short(old), short(&e.text)),
        }
    };
    format!("{head} line {line}{at}: {what} ({})", why.key())
}

/// The [short form](redact::short) of `s`, URL passwords masked.
fn short(s: &str) -> String {
    redact::short(&redact::redact_text(s))
}

#[derive(Default)]
struct Counts {
    renamed: usize,
    references: usize,
    labels: usize,
    hosts: usize,
    dropped: usize,
    other: usize,
}

impl Counts {
    fn add(&mut self, why: Reason) {
        let n = match why {
            Reason::Rename | Reason::MadeName => &mut self.renamed,
            Reason::Reference | Reason::NameInText | Reason::StringRef | Reason::Evidence => {
                &mut self.references
            }
            Reason::Selector
            | Reason::EmptySelector
            | Reason::SelectsBaseline
            | Reason::OwnerLabel => &mut self.labels,
            Reason::Hostname | Reason::CertificateHost | Reason::Listener => &mut self.hosts,
            Reason::BaselineKind | Reason::DropKind | Reason::NotForked => &mut self.dropped,
            _ => &mut self.other,
        };
        *n += 1;
    }

    fn summary(&self) -> String {
        let n = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        format!(
            "summary: {}, {}, {}, {}, {}, {}",
            n(self.renamed, "name renamed", "names renamed"),
            n(self.references, "reference followed", "references followed"),
            n(self.labels, "label edit", "label edits"),
            n(self.hosts, "host edit", "host edits"),
            n(self.dropped, "document dropped", "documents dropped"),
            n(self.other, "other edit", "other edits"),
        )
    }
}
