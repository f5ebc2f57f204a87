//! Rule 5, and the kinds rule 1 leaves to the baseline: documents that leave
//! the stream whole (docs/rules.md#rule-5, docs/rules.md#rule-1).
//!
//! ```yaml
//! ---                                     (gone, with its `# Source:` line)
//! # Source: www/templates/externalsecret.yaml
//! kind: ExternalSecret
//! ```
//! A drop kind (`--drop-kind`, ExternalSecret by default) is removed so the copy
//! reuses the baseline's Secret; a kind the baseline owns (`not_emitted:` in the
//! table: CRDs, APIServices, Namespaces) is removed because its name cannot
//! change. `--fork` removes what it leaves to the baseline the same way. Such
//! documents are recognised from their top-level lines where those are
//! unambiguous and never parsed further (the pipeline's fast path).

use crate::config::Config;
use crate::edit::Edit;
use crate::plan::{DocPlan, Status};
use crate::reason::Reason;
use crate::yaml;

/// Whether the filter drops a document unread, from a glance at its top-level
/// lines (a CRD can be megabytes, and need not parse). Every reader of a stream
/// the filter ran on skips the same documents, so a dropped document that does
/// not parse stops none of them (-v, `check`'s paths, `diff`).
pub fn unread(cfg: &Config) -> impl Fn(&yaml::Glance<'_>) -> bool + '_ {
    |g| not_emitted(cfg, g.kind, crate::plan::api_group(g.api_version)).is_some()
}

/// Whether documents of this kind leave the stream: owned by the baseline
/// (rule 1) or a drop kind (rule 5).
pub fn not_emitted(cfg: &Config, kind: &str, group: &str) -> Option<Status> {
    if cfg.k8s.is_not_emitted(kind) {
        Some(Status::Baseline)
    } else if cfg
        .drop_kinds
        .iter()
        .any(|d| d.matches(kind, group, &cfg.k8s))
    {
        Some(Status::Dropped)
    } else {
        None
    }
}

/// The edit that removes a document that leaves the stream, with its reason.
pub fn remove(input: &str, plan: &DocPlan<'_>) -> Edit {
    let why = match plan.status {
        Status::Baseline => Reason::BaselineKind,
        Status::Shared => Reason::NotForked,
        _ => Reason::DropKind,
    };
    remove_region(input, plan.region).because(why)
}

/// A warning for each drop kind the user gave that no document of the stream
/// matches: a misspelt kind must not silently keep what it meant to drop.
pub fn unmatched(plans: &[DocPlan<'_>], cfg: &Config) -> Vec<String> {
    if !cfg.drop_kinds_given {
        return Vec::new();
    }
    let kinds: Vec<(&str, &str)> = plans
        .iter()
        .filter(|p| !p.kind.is_empty())
        .map(|p| (p.kind.as_ref(), p.group()))
        .collect();
    let mut out = Vec::new();
    for d in &cfg.drop_kinds {
        if kinds.iter().any(|&(k, g)| d.matches(k, g, &cfg.k8s)) {
            continue;
        }
        out.push(format!(
            "warning: drop kind `{}` (--drop-kind, drop_kind) matches no document; kinds match as kubectl matches them: Kind, kind, plural, Kind.group",
            d.given
        ));
    }
    out
}

/// The edit that removes a document's region.
///
/// A region that ends with a `...` line needs care, because what follows it may
/// rely on that marker: a document with no `---` of its own (YAML allows one after
/// `...`) would be joined to the document before, so a `---` line takes the
/// region's place; a `%` directive needs a `...` before it, so that line stays
/// (a second `...` in a row, or one at the start of the stream, is valid YAML 1.2).
fn remove_region(input: &str, (start, end): (usize, usize)) -> Edit {
    // Markers count only at column 0, so the line is not trimmed.
    let next = input[end..]
        .split_inclusive('\n')
        .find(|l| !yaml::is_blank_or_comment(l));
    match next {
        None => Edit::delete(start, end),
        // What follows starts its own document, or ends the one before.
        Some(l) if yaml::is_doc_start(l.as_bytes()) || yaml::is_doc_end(l) => {
            Edit::delete(start, end)
        }
        Some(l) if l.starts_with('%') => {
            // Keep the region's last `...` line and the comments after it.
            let region = &input[start..end];
            let mut at = region.len();
            let mut dots = None;
            for line in region.split_inclusive('\n').rev() {
                at -= line.len();
                if yaml::is_doc_end(line) {
                    dots = Some(at);
                    break;
                }
                if !yaml::is_blank_or_comment(line) {
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

/// The note on stderr about objects the baseline owns: named when there are a
/// few, counted per kind when there are many.
pub fn baseline_note(plans: &[DocPlan<'_>]) -> Option<String> {
    let baseline: Vec<&DocPlan<'_>> = plans
        .iter()
        .filter(|p| p.status == Status::Baseline)
        .collect();
    if baseline.is_empty() {
        return None;
    }
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
    Some(format!(
        "not emitted (owned by the baseline, their names cannot change): {what}"
    ))
}
