//! `check`: verifies that a stream is already a correct tilt copy (docs/rules.md,
//! rules 1–7, 9 and 10) and lists every violation with its document, object, line and path.
//!
//! A correct tilt stream is a fixed point of the filter, so every edit the filter
//! would still make is a violation, labelled with the rule that asks for it. On
//! top of that, what the filter cannot repair by itself: a reference, host or
//! Service URL that still uses the *old* name of something this stream emits.

use crate::config::Config;
use crate::edit::Edit;
use crate::error::Error;
use crate::index::StreamIndex;
use crate::pipeline::{plan_stream, resolve_stream};
use crate::plan::{DocPlan, Status};
use crate::reason::Reason;
use crate::rules::RULES;
use crate::rules::contract::ResolveCx;
use crate::yaml::{self, Doc};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub doc: usize,
    pub object: String,
    pub line: usize,
    /// Field path inside the document (`spec.template.spec.containers[0].env[1]`).
    pub path: String,
    pub rule: Reason,
    pub detail: String,
    /// The `fix:` of a document the filter refuses.
    pub hint: Option<String>,
    /// Byte offset in the input (to compute `path`).
    offset: usize,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "document {}", self.doc)?;
        if !self.object.is_empty() {
            write!(f, " ({})", self.object)?;
        }
        write!(f, " line {}", self.line)?;
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        write!(f, ": {}", self.rule)?;
        match (self.detail.is_empty(), &self.hint) {
            (false, Some(hint)) => write!(f, " ({}; fix: {hint})", self.detail),
            (false, None) => write!(f, " ({})", self.detail),
            (true, Some(hint)) => write!(f, " (fix: {hint})"),
            (true, None) => Ok(()),
        }
    }
}

/// The filter's refusals as violations, each at the first non-blank byte of its
/// line (lines found in one pass over the input).
fn refusals(input: &str, mut refused: Vec<Error>) -> Vec<Violation> {
    refused.sort_by_key(|e| e.place.as_ref().map_or(0, |p| p.line));
    let (mut line, mut offset) = (1, 0);
    let mut out = Vec::with_capacity(refused.len());
    for e in refused {
        let place = e.place.unwrap_or_default();
        while line < place.line {
            match input[offset..].find('\n') {
                Some(i) => offset += i + 1,
                None => break,
            }
            line += 1;
        }
        let rest = &input[offset..];
        let at = offset + rest.len() - rest.trim_start_matches([' ', '-']).len();
        out.push(Violation {
            doc: place.doc,
            object: place.object.unwrap_or_default(),
            line: 0,
            path: String::new(),
            rule: Reason::Refused,
            detail: e.message,
            hint: e.hint,
            offset: at,
        });
    }
    out
}

/// The first line of `s`, trimmed and cut to a readable length.
fn short(s: &str) -> String {
    let line = s.trim().lines().next().unwrap_or("").trim();
    if line.chars().count() > 70 {
        format!("{}…", line.chars().take(70).collect::<String>())
    } else {
        line.to_string()
    }
}

/// Checks a stream; `Ok(vec![])` means it is a correct tilt copy.
///
/// A document the filter would refuse (an unmapped host, a name too long, a
/// rename through an anchor…) is a violation like the others, and the check goes
/// on with the next document; only a stream that is not YAML at all, or an
/// error found before documents exist, ends it with an `Error`.
pub fn check(input: &str, cfg: &Config) -> Result<Vec<Violation>, Error> {
    let mut refused = Vec::new();
    let mut planned = plan_stream(input, cfg, Some(&mut refused))?;
    resolve_stream(input, &mut planned, cfg, Some(&mut refused))?;
    let mut out = refusals(input, refused);
    for (plan, doc_out) in planned.plans.iter().zip(&planned.outs) {
        fixable(input, plan, &doc_out.edits, &mut out);
    }
    let index = StreamIndex::build(&planned.plans, cfg);
    let cx = ResolveCx {
        input,
        index: &index,
        cfg,
    };
    for plan in planned.plans.iter().filter(|p| p.status == Status::Object) {
        stale_names(&cx, plan, &mut out);
    }
    out.sort_by_key(|v| (v.doc, v.offset));
    // One finding per place: an old name the filter would also rewrite (a host
    // rule 4 maps, which rule 9 sees too) is reported once, as the fixable one.
    out.dedup_by(|a, b| {
        a.offset == b.offset
            && (a.rule == b.rule || a.rule.is_stale_name() && !b.rule.is_stale_name())
    });
    // Lines in one pass (offsets are sorted: documents come in input order).
    let (mut line, mut at) = (1, 0);
    for v in &mut out {
        let to = v.offset.min(input.len()).max(at);
        line += input.as_bytes()[at..to]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        at = to;
        v.line = line;
    }
    fill_paths(input, &mut out);
    Ok(out)
}

fn is_secret(plan: &DocPlan<'_>) -> bool {
    plan.kind == "Secret" && plan.group().is_empty()
}

fn violation(plan: &DocPlan<'_>, offset: usize, rule: Reason, detail: String) -> Violation {
    Violation {
        doc: plan.index,
        object: plan.object(),
        line: 0,
        path: String::new(),
        rule,
        detail,
        hint: None,
        offset,
    }
}

/// Every edit the filter would still make to this document is a violation.
fn fixable(input: &str, plan: &DocPlan<'_>, edits: &[Edit], out: &mut Vec<Violation>) {
    for e in edits {
        let Some(why) = e.why else { continue };
        let old = &input[e.start..e.end];
        let detail = match (old.is_empty(), e.text.is_empty()) {
            // Never repeat an inline password or a Secret's value.
            (false, _) if why == Reason::RedisPassword => "an inline password".to_string(),
            _ if is_secret(plan) && why == Reason::StringRef => {
                "in a Secret value (not shown)".to_string()
            }
            // A whole document that must go (its edit may leave a `---` behind).
            _ if plan.status != Status::Object => String::new(),
            (_, true) => format!("`{}` must go", short(old)),
            (true, false) => format!("missing `{}`", short(&e.text)),
            (false, false) => format!("`{}` should be `{}`", short(old), short(&e.text)),
        };
        let at = if plan.status == Status::Object {
            e.start
        } else {
            plan.at
        };
        out.push(violation(plan, at, why, detail));
    }
}

/// What the filter cannot repair by itself: references, hosts and Service URLs
/// that still use the old name of something this stream emits. Each rule says
/// what of its own it finds ([`crate::rules::contract::StaleFn`]).
fn stale_names(cx: &ResolveCx<'_, '_>, plan: &DocPlan<'_>, out: &mut Vec<Violation>) {
    let mut found = Vec::new();
    for rule in RULES.iter().filter(|r| (r.enabled)(cx.cfg)) {
        (rule.stale)(cx, plan, &mut found);
    }
    out.extend(
        found
            .into_iter()
            .map(|s| violation(plan, s.at, s.why, s.detail)),
    );
}

fn fill_paths(input: &str, violations: &mut [Violation]) {
    if violations.is_empty() {
        return;
    }
    let _ = yaml::for_each_doc(input, |doc: &Doc<'_>| -> Result<(), ()> {
        for v in violations.iter_mut().filter(|v| v.doc == doc.index) {
            v.path = doc.path_at(v.offset);
        }
        Ok(())
    });
}
