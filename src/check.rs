//! `check`: verifies that a stream is already a correct tilt copy (docs/rules.md,
//! rules 1–7, 9 and 10) and lists every violation with its document, object, line and path.
//!
//! A correct tilt stream is a fixed point of the filter, so every edit the filter
//! would still make is a violation, labelled with the rule that asks for it. On
//! top of that, what the filter cannot repair by itself: a reference, host or
//! Service URL that still uses the *old* name of something this stream emits.

use crate::config::{Config, Mapped};
use crate::edit::Edit;
use crate::error::Error;
use crate::index::StreamIndex;
use crate::pipeline::{plan_stream, resolve_stream};
use crate::plan::{DocPlan, Status};
use crate::reason::Reason;
use crate::redact::short;
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
    /// Refused claimed hostnames no host map entry covers.
    pub hosts: Vec<String>,
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
            hosts: e.hosts.into_iter().map(|(_, h)| h).collect(),
            offset: at,
        });
    }
    out
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
    fill_paths(input, cfg, &mut out);
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
        hosts: Vec::new(),
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

fn fill_paths(input: &str, cfg: &Config, violations: &mut [Violation]) {
    if violations.is_empty() {
        return;
    }
    let mut fill = |doc: &Doc<'_>| -> Result<(), ()> {
        for v in violations.iter_mut().filter(|v| v.doc == doc.index) {
            v.path = doc.path_at(v.offset);
        }
        Ok(())
    };
    // Every document; when one the filter dropped unread does not parse (a
    // CRD), the documents the filter read.
    if !matches!(yaml::for_each_doc(input, &mut fill), Ok(Ok(()))) {
        let unread = crate::rules::drop::unread(cfg);
        let _ = yaml::for_each_doc_skipping(input, unread, &mut fill);
    }
}

/// What `check` says once after its findings when they show, on evidence, that
/// the stream is a copy made with other settings: the names carry another
/// suffix, or the hostnames are under a domain no host map entry targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsNote {
    /// The evidence, and what checking with the settings it points to finds.
    pub message: String,
    /// The flags to check with (or the `--config` the copy was made with).
    pub hint: String,
}

impl fmt::Display for SettingsNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "note: {} (fix: {})", self.message, self.hint)
    }
}

/// The settings a stream with these findings seems to have been made with,
/// each proven by checking again with it (docs/check.md#check-is-this-stream-a-correct-copy):
///
/// - a suffix: more than half of the stream's object names end with the same
///   `-word` (or `-words`) that is not the configured suffix (distinct names:
///   a chart's objects that all share one name are no evidence);
/// - host map targets: claimed hostnames the filter refuses as unmapped are
///   under one domain, which an entry of the map (replaced, or added) would
///   target.
///
/// A candidate is kept only when checking with it finds fewer findings; the
/// note says how many. `None` when there is no such evidence.
///
/// A refused hostname the note's host map covers gets the note's fix: in a
/// copy, the entry the filter would add for it is not the one to check with.
pub fn other_settings(input: &str, cfg: &Config, found: &mut [Violation]) -> Option<SettingsNote> {
    if found.is_empty() {
        return None;
    }
    let count = |c: &Config| check(input, c).map_or(usize::MAX, |v| v.len());
    let before = found.len();
    let mut said = Vec::new();
    let mut flags = Vec::new();
    let mut best = cfg.clone();
    let mut after = before;

    if let Some((suffix, with, of)) = other_suffix(input, cfg) {
        let mut c = best.clone();
        c.suffix.clone_from(&suffix);
        let n = count(&c);
        if n < after {
            said.push(format!(
                "{with} of its {of} distinct object names end with `{suffix}`, not `{}`",
                cfg.suffix
            ));
            flags.push(format!("--suffix {suffix}"));
            (best, after) = (c, n);
        }
    }

    // Unmapped hostnames say which map a copy was made with only in a copy: a
    // stream most of whose names carry the suffix (the configured one, or the
    // one found above). In a baseline they are the baseline's own hosts, and
    // the refusal's fix says which entry to add.
    let hosts: Vec<&str> = if is_copy(input, &best) {
        found
            .iter()
            .flat_map(|v| v.hosts.iter().map(String::as_str))
            .collect()
    } else {
        Vec::new()
    };
    let domains = host_domains(&hosts);
    let mut targeted = Vec::new();
    for domain in &domains {
        // The candidates: each entry of the map with this target instead, and a
        // new entry from the domain's parent. Where both do as well, the new
        // entry when the domain has the shape the filter's own fix gives
        // (`local.example.com` for `example.com`), else the replaced one.
        let mut tries: Vec<(String, String)> = best
            .host_map
            .iter()
            .map(|(from, _)| (from.clone(), domain.clone()))
            .collect();
        if let Some((first, parent)) = domain.split_once('.')
            && parent.contains('.')
        {
            let added = (parent.to_string(), domain.clone());
            if ["local", "tilt", "local-tilt"].contains(&first) {
                tries.insert(0, added);
            } else {
                tries.push(added);
            }
        }
        let mut chosen: Option<(Config, usize, String)> = None;
        for (from, to) in tries {
            let mut c = best.clone();
            match c.host_map.iter_mut().find(|(f, _)| *f == from) {
                Some(entry) => entry.1 = to.clone(),
                None => c.host_map.push((from.clone(), to.clone())),
            }
            c.host_map
                .sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
            let n = count(&c);
            if n < chosen.as_ref().map_or(after, |(_, m, _)| *m) {
                chosen = Some((c, n, format!("--host-map {from}={to}")));
            }
        }
        if let Some((c, n, flag)) = chosen {
            flags.push(flag);
            targeted.push(domain);
            (best, after) = (c, n);
        }
    }
    if !targeted.is_empty() {
        let targets: Vec<String> = cfg.host_map.iter().map(|(_, t)| t.clone()).collect();
        let listed: Vec<String> = targeted.iter().map(|d| format!("`{d}`")).collect();
        said.push(format!(
            "its hostnames are under {}, which no host map entry targets (the map targets {})",
            listed.join(" and "),
            targets.join(", ")
        ));
    }
    if flags.is_empty() {
        return None;
    }
    let hint = format!(
        "check with the settings the copy was made with: {}, or its --config",
        flags.join(" ")
    );
    for v in found.iter_mut() {
        if !v.hosts.is_empty() && v.hosts.iter().all(|h| best.map_host(h) == Mapped::Already) {
            v.hint = Some(hint.clone());
        }
    }
    Some(SettingsNote {
        message: format!(
            "this looks like a copy made with other settings: {}; checked with {} it has {}, not {before}",
            said.join("; "),
            flags.join(" "),
            findings(after)
        ),
        hint,
    })
}

/// Do more than half of the stream's distinct object names carry `cfg`'s suffix?
fn is_copy(input: &str, cfg: &Config) -> bool {
    let names = distinct_names(input, cfg);
    let with = names.iter().filter(|n| n.ends_with(&cfg.suffix)).count();
    with * 2 > names.len()
}

/// The distinct names of the objects the stream emits: objects of several
/// kinds that share one name (a chart's `<release>-<chart>`) are one name.
fn distinct_names<'a>(input: &'a str, cfg: &Config) -> Vec<std::borrow::Cow<'a, str>> {
    let mut refused = Vec::new();
    let Ok(planned) = plan_stream(input, cfg, Some(&mut refused)) else {
        return Vec::new();
    };
    // A refused document has no plan, but its error names the object.
    let refused_names = refused.into_iter().filter_map(|e| {
        let object = e.place?.object?;
        let (_, name) = object
            .split_once('/')
            .filter(|(_, n)| !n.starts_with('<'))?;
        Some(std::borrow::Cow::Owned(name.to_string()))
    });
    let mut names: Vec<_> = planned
        .plans
        .into_iter()
        .filter(|p| p.status == Status::Object)
        .filter_map(|p| p.name)
        .chain(refused_names)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn findings(n: usize) -> String {
    match n {
        1 => "1 finding".to_string(),
        n => format!("{n} findings"),
    }
}

/// The suffix most of the stream's object names end with, when it is not the
/// configured one: a `-word` that more than half of its distinct names (and at
/// least two) end with, grown by each `-word` before it that all of those names
/// share. With how many names end with it, of how many.
fn other_suffix(input: &str, cfg: &Config) -> Option<(String, usize, usize)> {
    let names = distinct_names(input, cfg);
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for name in &names {
        let Some(i) = name.rfind('-').filter(|&i| i > 0 && i + 1 < name.len()) else {
            continue;
        };
        let ending = &name[i..];
        match counts.iter_mut().find(|(e, _)| *e == ending) {
            Some((_, n)) => *n += 1,
            None => counts.push((ending, 1)),
        }
    }
    let (ending, n) = counts.into_iter().max_by_key(|&(_, n)| n)?;
    if n < 2 || n * 2 <= names.len() || ending == cfg.suffix {
        return None;
    }
    // Grow `-dev` to `-tilt-dev` while every name with it has the same word before.
    let with: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.len() > ending.len() && n.ends_with(ending))
        .collect();
    let mut suffix = ending.to_string();
    loop {
        let before = |n: &str| -> Option<String> {
            let stem = &n[..n.len() - suffix.len()];
            let i = stem.rfind('-').filter(|&i| i > 0)?;
            Some(stem[i..].to_string())
        };
        let Some(word) = with.first().and_then(|n| before(n)) else {
            break;
        };
        if !with
            .iter()
            .all(|n| before(n).as_deref() == Some(word.as_str()))
        {
            break;
        }
        suffix = format!("{word}{suffix}");
    }
    (suffix != cfg.suffix).then_some((suffix, n, names.len()))
}

/// The domains unmapped hostnames are under: each host without its first label
/// (the host itself when that would leave one label), then only those no other
/// of them covers, in order.
fn host_domains(hosts: &[&str]) -> Vec<String> {
    let mut domains: Vec<String> = Vec::new();
    for host in hosts {
        let name = host.strip_prefix("*.").unwrap_or(host);
        let domain = match name.split_once('.') {
            Some((_, parent)) if parent.contains('.') => parent,
            _ => name,
        };
        if !domains.iter().any(|d| d == domain) {
            domains.push(domain.to_string());
        }
    }
    let covered = |d: &str, by: &str| d != by && d.ends_with(&format!(".{by}"));
    let all = domains.clone();
    domains.retain(|d| !all.iter().any(|other| covered(d, other)));
    domains
}
