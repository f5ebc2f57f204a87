//! `check --format json`: the findings `check` prints as lines, as one JSON
//! document for CI. The same findings in the same order, the same exit code;
//! built from the findings themselves, never from the lines, and like them it
//! never holds a Secret's value.
//!
//! ```json
//! {"format": 1, "command": "check", "ok": false,
//!  "summary": {"violations": 1},
//!  "findings": [{"severity": "violation", "category": "rename", "rule": 1,
//!    "document": 4, "kind": "Service", "name": "shop", "line": 33,
//!    "path": "metadata.name", "message": "rule 1: name lacks the suffix (…)",
//!    "hint": "…", "places": […]}]}
//! ```
//!
//! Without `--baseline` a last finding of severity `note` and category
//! `settings` may say which settings the stream seems to have been made with.
//! With `--baseline` the severity is `collision` or `note` and the category is
//! the collision's (`object`, `host`, `made`, `select`, `reference`, `lost`,
//! `leftover`) or the note's (`controller`, `lost`, `unproven`); `document` …
//! `path` give the copy's place (what to fix) where the finding has one, and
//! `places` every place with the stream it is in. With several copies each
//! finding also names its `pair`. docs/check.md is the reference.

use crate::baseline::controllers::{Note, NoteKind};
use crate::baseline::model::{Place, Side};
use crate::baseline::{Collision, Pair};
use crate::check::{SettingsNote, Violation};
use serde_json::{Map, Value, json};

/// The version of this document's shape; it changes only when a field changes
/// meaning or goes away.
const FORMAT: u64 = 1;

/// What to say where the filter itself makes the change `check` reports.
const FILTER_FIXES: &str = "ameide-tilt-render makes this change: run it over the stream with the settings the copy was made with";

/// `check` without `--baseline`; the note on the settings the stream seems to
/// have been made with, if any, is the last finding (severity `note`, category
/// `settings`, no place), as it is the last line of the text.
pub fn violations(found: &[Violation], settings: Option<&SettingsNote>) -> String {
    let mut findings: Vec<Value> = found.iter().map(violation).collect();
    if let Some(n) = settings {
        let mut out = Map::new();
        out.insert("severity".into(), json!("note"));
        out.insert("category".into(), json!("settings"));
        out.insert("rule".into(), Value::Null);
        for key in ["document", "kind", "name", "line", "path"] {
            out.insert(key.into(), Value::Null);
        }
        out.insert("message".into(), json!(n.message));
        out.insert("hint".into(), json!(n.hint));
        findings.push(Value::Object(out));
    }
    document(
        "check",
        found.is_empty(),
        json!({ "violations": found.len() }),
        findings,
    )
}

/// `check --baseline`: every pair's collisions, then every pair's notes (the
/// order of the text lines). With `several` copies each finding names its pair
/// and its places name the streams by the copies' names.
pub fn pairs(pairs: &[Pair], several: bool) -> String {
    let mut collisions = Vec::new();
    let mut notes = Vec::new();
    for pair in pairs {
        let (b, t) = if several {
            (pair.first.as_str(), pair.second.as_str())
        } else {
            ("baseline", "tilt")
        };
        let named = |mut finding: Map<String, Value>| {
            if several {
                finding.insert(
                    "pair".into(),
                    json!({ "first": pair.first, "second": pair.second }),
                );
            }
            Value::Object(finding)
        };
        collisions.extend(
            pair.report
                .collisions
                .iter()
                .map(|c| named(collision(c, b, t))),
        );
        notes.extend(pair.report.notes.iter().map(|n| named(note(n, b, t))));
    }
    let summary = json!({
        "collisions": collisions.len(),
        "notes": notes.len(),
        "pairs": pairs.len(),
    });
    let ok = collisions.is_empty();
    collisions.extend(notes);
    document("check --baseline", ok, summary, collisions)
}

fn document(command: &str, ok: bool, summary: Value, findings: Vec<Value>) -> String {
    let doc = json!({
        "format": FORMAT,
        "command": command,
        "ok": ok,
        "summary": summary,
        "findings": findings,
    });
    // A Value always serializes.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// `Kind/name` as its two parts (`None` for a document without them).
fn kind_and_name(object: &str) -> (Option<&str>, Option<&str>) {
    match object.split_once('/') {
        Some((kind, name)) => (Some(kind), Some(name)),
        None if object.is_empty() => (None, None),
        None => (Some(object), None),
    }
}

/// The place fields: document, kind, name, line, path.
fn place_fields(out: &mut Map<String, Value>, doc: usize, object: &str, line: usize, path: &str) {
    let (kind, name) = kind_and_name(object);
    out.insert("document".into(), json!(doc));
    out.insert("kind".into(), json!(kind));
    out.insert("name".into(), json!(name));
    out.insert("line".into(), json!(line));
    out.insert("path".into(), json!((!path.is_empty()).then_some(path)));
}

fn violation(v: &Violation) -> Value {
    let mut out = Map::new();
    out.insert("severity".into(), json!("violation"));
    out.insert("category".into(), json!(v.rule.key()));
    out.insert("rule".into(), json!(v.rule.rule()));
    place_fields(&mut out, v.doc, &v.object, v.line, &v.path);
    let mut message = v.rule.text().to_string();
    if !v.detail.is_empty() {
        message = format!("{message} ({})", v.detail);
    }
    out.insert("message".into(), json!(message));
    let hint = match &v.hint {
        Some(h) => Some(h.as_str()),
        None if !v.rule.is_stale_name() => Some(FILTER_FIXES),
        None => None,
    };
    out.insert("hint".into(), json!(hint));
    Value::Object(out)
}

fn place(stream: &str, p: &Place) -> Value {
    let mut out = Map::new();
    out.insert("stream".into(), json!(stream));
    place_fields(&mut out, p.doc, &p.object, p.line, &p.path);
    Value::Object(out)
}

fn collision(c: &Collision, b: &str, t: &str) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("severity".into(), json!("collision"));
    out.insert("category".into(), json!(c.category()));
    place_fields(
        &mut out,
        c.tilt.doc,
        &c.tilt.object,
        c.tilt.line,
        &c.tilt.path,
    );
    out.insert("message".into(), json!(c.what));
    out.insert("hint".into(), Value::Null);
    out.insert(
        "places".into(),
        json!([place(b, &c.baseline), place(t, &c.tilt)]),
    );
    out
}

fn note(n: &Note, b: &str, t: &str) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("severity".into(), json!("note"));
    let category = match n.kind {
        NoteKind::Controller => "controller",
        NoteKind::Lost => "lost",
        NoteKind::Unproven => "unproven",
    };
    out.insert("category".into(), json!(category));
    // The copy's place first: what the note is about in the copy.
    let main = n
        .places
        .iter()
        .find(|(side, _)| *side == Side::Tilt)
        .or(n.places.first());
    match main {
        Some((_, p)) => place_fields(&mut out, p.doc, &p.object, p.line, &p.path),
        None => {
            for key in ["document", "kind", "name", "line", "path"] {
                out.insert(key.into(), Value::Null);
            }
        }
    }
    out.insert("message".into(), json!(n.what));
    out.insert("hint".into(), Value::Null);
    let places: Vec<Value> = n
        .places
        .iter()
        .map(|(side, p)| {
            let stream = match side {
                Side::Baseline => b,
                Side::Tilt => t,
            };
            place(stream, p)
        })
        .collect();
    out.insert("places".into(), json!(places));
    out
}
