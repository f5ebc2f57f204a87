//! `diff`: the input against the copy, as a unified diff or, with `--stat`, a
//! count of changed lines per document, with nothing shown that
//! [`crate::redact`] hides.
//!
//! Both sides are redacted before they are compared. A value the filter
//! changed shows as `<redacted>` on the input's side and `<redacted, changed>`
//! on the copy's, so its line is a change; a value it left as it was is the same
//! `<redacted>` line on both sides. Every hunk header names the input's
//! document its first changed line is in, numbered as `-v`, `check` and error
//! messages number documents: `@@ -3,14 +3,14 @@ document 1 (Service/web)`.

use crate::config::Config;
use crate::pipeline::Rendered;
use crate::redact::{self, REDACTED, REDACTED_CHANGED, Span};
use crate::yaml::{self, Doc};
use similar::{DiffOp, TextDiff};
use std::collections::{BTreeMap, HashSet};

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// How `diff` prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// ANSI colours (a terminal, and no NO_COLOR).
    pub colour: bool,
    /// `--stat`: one line per changed document and a summary, no hunks.
    pub stat: bool,
}

/// `diff`'s output: `input` against `rendered` (what the filter made of it),
/// both redacted.
pub fn diff_stream(input: &str, rendered: &Rendered, cfg: &Config, opts: Options) -> String {
    let redis_env = cfg.redis_env.as_str();
    let before = Shown::input(input, cfg);
    let output = rendered.output.as_str();
    let after_spans = redact::stream_spans(output, redis_env);
    let kept = Unchanged::new(input, &before.spans, rendered);
    let after = redact::mask(output, &after_spans, |s| {
        if kept.contains(output, s) {
            REDACTED
        } else {
            REDACTED_CHANGED
        }
    });
    let diff = TextDiff::from_lines(before.text.as_str(), after.as_str());
    if opts.stat {
        stat(&diff, &before.docs, opts.colour)
    } else {
        unified(&diff, &before.docs, opts.colour)
    }
}

/// The input as `diff` shows it: redacted, with the line each document starts
/// on.
struct Shown {
    text: String,
    spans: Vec<Span>,
    docs: Vec<DocStart>,
}

/// A document of the input: the 0-based line of the shown text it starts on,
/// and how it is named (`document 2 (Deployment/web)`).
struct DocStart {
    line: usize,
    label: String,
}

impl Shown {
    fn input(input: &str, cfg: &Config) -> Shown {
        // Every document read; if one the filter dropped unread does not parse
        // (a CRD), the documents the filter read, and the others hidden whole;
        // if that fails too, nothing is shown.
        let read = |skip: &dyn Fn(&yaml::Glance<'_>) -> bool| {
            let (mut spans, mut docs) = (Vec::new(), Vec::new());
            let parsed =
                yaml::for_each_doc_skipping(input, skip, |doc: &Doc<'_>| -> Result<(), ()> {
                    match &doc.glance {
                        // Dropped unread, so never read for values to hide.
                        Some(_) => spans.push(Span {
                            start: doc.region_start,
                            end: doc.region_end,
                        }),
                        None => spans.extend(redact::document_spans(doc, &cfg.redis_env)),
                    }
                    docs.push((doc.region_start, label(doc)));
                    Ok(())
                });
            matches!(parsed, Ok(Ok(()))).then_some((spans, docs))
        };
        let unread = crate::rules::drop::unread(cfg);
        let (spans, docs) = match read(&|_| false).or_else(|| read(&unread)) {
            Some((spans, docs)) => (redact::with_url_spans(input, spans), docs),
            None => (
                vec![Span {
                    start: 0,
                    end: input.len(),
                }],
                Vec::new(),
            ),
        };
        Shown {
            text: redact::mask(input, &spans, |_| REDACTED),
            docs: doc_starts(input, &spans, docs),
            spans,
        }
    }
}

/// `document N (Kind/name)`, as messages name a document; `document N` for one
/// that is no object.
fn label(doc: &Doc<'_>) -> String {
    if let Some(g) = &doc.glance {
        let name = g.name.unwrap_or("<generateName>");
        return format!("document {} ({}/{name})", doc.index, g.kind);
    }
    let object = doc.root().filter(|&r| doc.is_map(r)).and_then(|r| {
        let kind = doc.get(r, "kind").filter(|&k| !doc.is_null(k))?;
        let name = doc
            .get(r, "metadata")
            .and_then(|m| doc.get(m, "name"))
            .filter(|&n| !doc.is_null(n))
            .and_then(|n| doc.str(n))
            .unwrap_or("<generateName>");
        Some(format!("{}/{name}", doc.str(kind)?))
    });
    match object {
        Some(o) => format!("document {} ({o})", doc.index),
        None => format!("document {}", doc.index),
    }
}

/// The line of the shown (redacted) text each document starts on, from where
/// it starts in the input (`docs`, in order).
fn doc_starts(input: &str, spans: &[Span], docs: Vec<(usize, String)>) -> Vec<DocStart> {
    let newlines =
        |from: usize, to: usize| input.get(from..to).map_or(0, |t| t.matches('\n').count());
    let (mut line, mut at, mut next) = (0, 0, 0);
    let mut out = Vec::with_capacity(docs.len());
    for (start, label) in docs {
        while let Some(&s) = spans.get(next).filter(|s| s.end <= start) {
            line += newlines(at, s.start);
            line += redact::replacement(input, s, REDACTED)
                .matches('\n')
                .count();
            at = s.end;
            next += 1;
        }
        line += newlines(at, start);
        at = at.max(start);
        out.push(DocStart { line, label });
    }
    out
}

/// Which values of the copy the filter left as they were. A value no edit
/// touched is where the input's was, moved by the edits before it; a value
/// inside text an edit wrote (a scalar rewritten whole) is unchanged when the
/// text the edit replaced had the same value.
struct Unchanged<'a> {
    moved: HashSet<Span>,
    rewritten: HashSet<(usize, &'a str)>,
    /// Each edit's range in the output.
    written: Vec<(usize, usize)>,
}

impl<'a> Unchanged<'a> {
    fn new(input: &'a str, spans: &[Span], rendered: &Rendered) -> Self {
        let edits = trace(rendered);
        let written: Vec<(usize, usize)> = edits.iter().map(|e| e.1).collect();
        let mut kept = Unchanged {
            moved: HashSet::new(),
            rewritten: HashSet::new(),
            written,
        };
        for &s in spans {
            // The first edit that ends after the span starts; edits are sorted
            // and disjoint, so their ends are sorted too.
            let i = edits.partition_point(|e| e.0.1 <= s.start);
            match edits.get(i) {
                Some(e) if e.0.0 < s.end => {
                    let text = input.get(s.start..s.end).unwrap_or_default();
                    kept.rewritten.insert((i, text));
                }
                _ => {
                    let (from, to) = i
                        .checked_sub(1)
                        .map_or((0, 0), |j| (edits[j].0.1, edits[j].1.1));
                    let shift = |at: usize| (at + to).saturating_sub(from);
                    kept.moved.insert(Span {
                        start: shift(s.start),
                        end: shift(s.end),
                    });
                }
            }
        }
        kept
    }

    fn contains(&self, output: &str, s: Span) -> bool {
        if self.moved.contains(&s) {
            return true;
        }
        let i = self.written.partition_point(|w| w.1 < s.end);
        self.written.get(i).is_some_and(|w| w.0 <= s.start)
            && self
                .rewritten
                .contains(&(i, output.get(s.start..s.end).unwrap_or_default()))
    }
}

/// Each edit of the run as (its input range, its output range).
type Traced = ((usize, usize), (usize, usize));

fn trace(rendered: &Rendered) -> Vec<Traced> {
    let (mut added, mut removed) = (0, 0);
    rendered
        .touched
        .iter()
        .zip(&rendered.written)
        .map(|(&(start, end), &len)| {
            let at = (start + added).saturating_sub(removed);
            added += len;
            removed += end.saturating_sub(start);
            ((start, end), (at, at + len))
        })
        .collect()
}

/// The document the 0-based line of the shown input is in.
fn doc_at(docs: &[DocStart], line: usize) -> Option<&DocStart> {
    docs.partition_point(|d| d.line <= line)
        .checked_sub(1)
        .map(|i| &docs[i])
}

/// The line of the shown input a change belongs to: its first removed line, or
/// for lines only added, the line they follow.
fn changed_line(op: &DiffOp) -> Option<usize> {
    match *op {
        DiffOp::Equal { .. } => None,
        DiffOp::Delete { old_index, .. } | DiffOp::Replace { old_index, .. } => Some(old_index),
        DiffOp::Insert { old_index, .. } => Some(old_index.saturating_sub(1)),
    }
}

/// The unified diff, each hunk header followed by the document of its first
/// change.
fn unified(diff: &TextDiff<'_, '_, str>, docs: &[DocStart], colour: bool) -> String {
    let mut out = String::new();
    let mut udiff = diff.unified_diff();
    udiff.context_radius(3);
    for hunk in udiff.iter_hunks() {
        if out.is_empty() {
            out.push_str("--- baseline (input)\n+++ tilt copy (output)\n");
        }
        let header = hunk.header().to_string();
        let doc = hunk
            .ops()
            .iter()
            .find_map(changed_line)
            .and_then(|l| doc_at(docs, l));
        match (colour, doc) {
            (true, Some(d)) => out.push_str(&format!("{CYAN}{header}{RESET} {}\n", d.label)),
            (true, None) => out.push_str(&format!("{CYAN}{header}{RESET}\n")),
            (false, Some(d)) => out.push_str(&format!("{header} {}\n", d.label)),
            (false, None) => out.push_str(&format!("{header}\n")),
        }
        let body = hunk.to_string();
        let lines = body.split_once('\n').map_or("", |(_, rest)| rest);
        out.push_str(&if colour {
            coloured(lines)
        } else {
            lines.to_string()
        });
    }
    out
}

/// Removed lines red, added lines green.
fn coloured(lines: &str) -> String {
    let mut out = String::with_capacity(lines.len() + lines.len() / 8);
    for line in lines.split_inclusive('\n') {
        let code = match line.as_bytes().first() {
            Some(b'+') => GREEN,
            Some(b'-') => RED,
            _ => "",
        };
        let body = line.trim_end_matches(['\r', '\n']);
        if code.is_empty() {
            out.push_str(line);
        } else {
            out.push_str(&format!("{code}{body}{RESET}{}", &line[body.len()..]));
        }
    }
    out
}

/// Lines added and removed, per document of the input (by its index in `docs`).
fn counts(diff: &TextDiff<'_, '_, str>, docs: &[DocStart]) -> BTreeMap<usize, (usize, usize)> {
    let index = |line: usize| docs.partition_point(|d| d.line <= line).saturating_sub(1);
    let mut per_doc: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for op in diff.ops() {
        let Some(first) = changed_line(op) else {
            continue;
        };
        per_doc.entry(index(first)).or_default().0 += op.new_range().len();
        for line in op.old_range() {
            per_doc.entry(index(line)).or_default().1 += 1;
        }
    }
    per_doc
}

/// `--stat`: one line per changed document, as `git diff --stat` writes one
/// per file, and a summary line.
fn stat(diff: &TextDiff<'_, '_, str>, docs: &[DocStart], colour: bool) -> String {
    let per_doc = counts(diff, docs);
    if per_doc.is_empty() {
        return String::new();
    }
    let name = |i: usize| docs.get(i).map_or("the stream", |d| d.label.as_str());
    let width = per_doc.keys().map(|&i| name(i).len()).max().unwrap_or(0);
    let most = per_doc.values().map(|(a, r)| a + r).max().unwrap_or(0);
    let digits = most.to_string().len();
    let mut out = String::new();
    for (&i, &(added, removed)) in &per_doc {
        let (plus, minus) = (bar(added, most, '+'), bar(removed, most, '-'));
        let (plus, minus) = if colour {
            (
                format!("{GREEN}{plus}{RESET}"),
                format!("{RED}{minus}{RESET}"),
            )
        } else {
            (plus, minus)
        };
        let total = added + removed;
        out.push_str(&format!(
            " {:width$} | {total:>digits$} {plus}{minus}\n",
            name(i)
        ));
    }
    let added: usize = per_doc.values().map(|c| c.0).sum();
    let removed: usize = per_doc.values().map(|c| c.1).sum();
    out.push_str(&summary(per_doc.len(), added, removed));
    out
}

/// The widest bar of `--stat`, in characters.
const BAR: usize = 40;

/// `n` lines as a run of `sign`, scaled so that the document with the `most`
/// changed lines fills [`BAR`]; a change is never shown as nothing.
fn bar(n: usize, most: usize, sign: char) -> String {
    let len = if most <= BAR || n == 0 {
        n
    } else {
        (n * BAR / most).max(1)
    };
    std::iter::repeat_n(sign, len).collect()
}

/// ` 3 documents changed, 10 insertions(+), 4 deletions(-)`.
fn summary(docs: usize, added: usize, removed: usize) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(" {}", plural(docs, "document changed", "documents changed"));
    if added > 0 {
        line.push_str(&format!(
            ", {}",
            plural(added, "insertion(+)", "insertions(+)")
        ));
    }
    if removed > 0 {
        line.push_str(&format!(
            ", {}",
            plural(removed, "deletion(-)", "deletions(-)")
        ));
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn diff(input: &str, opts: Options) -> String {
        let cfg = Config::default();
        let rendered = crate::pipeline::render(input, &cfg).unwrap();
        diff_stream(input, &rendered, &cfg, opts)
    }

    const SVC: &str =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n";

    #[test]
    fn hunk_headers_name_the_document() {
        let filler: String = (1..=8).map(|i| format!("    - port: 8{i}\n")).collect();
        let input =
            format!("{SVC}{filler}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n");
        let out = diff(&input, Options::default());
        let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("@@")).collect();
        assert_eq!(
            headers,
            [
                "@@ -1,7 +1,7 @@ document 1 (Service/web)",
                "@@ -17,4 +17,4 @@ document 2 (ConfigMap/app)"
            ],
            "{out}"
        );
    }

    #[test]
    fn a_changed_secret_value_is_a_changed_line() {
        let input = format!(
            "{SVC}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  url: http://web:80/x\n  same: hunter2\n  pw: |\n    http://web:80\n    two\n"
        );
        let out = diff(&input, Options::default());
        assert!(
            out.contains("-  url: <redacted>\n+  url: <redacted, changed>\n")
                && out.contains("   same: <redacted>\n")
                && out.contains("   pw: |\n-    <redacted>\n+    <redacted, changed>\n"),
            "{out}"
        );
        assert!(!out.contains("web:80") && !out.contains("hunter2"), "{out}");
    }

    #[test]
    fn a_url_password_shows_as_redacted_and_its_host_as_changed() {
        let input = format!(
            "{SVC}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  DB: \"postgres://app:hunter2@web:80/db\"\n  ALSO: postgres://app:hunter2@elsewhere/db\n"
        );
        let out = diff(&input, Options::default());
        assert!(
            out.contains(
                "-  DB: \"postgres://app:<redacted>@web:80/db\"\n+  DB: \"postgres://app:<redacted>@web-tilt:80/db\"\n"
            ) && out.contains("   ALSO: postgres://app:<redacted>@elsewhere/db\n"),
            "{out}"
        );
    }

    #[test]
    fn stat_counts_changed_lines_per_document() {
        let input = format!(
            "{SVC}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  url: http://web:80/x\n---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: e\n"
        );
        let out = diff(
            &input,
            Options {
                colour: false,
                stat: true,
            },
        );
        assert_eq!(
            out,
            " document 1 (Service/web)      | 2 +-\n document 2 (Secret/s)         | 4 ++--\n document 3 (ExternalSecret/e) | 5 -----\n 3 documents changed, 3 insertions(+), 8 deletions(-)\n"
        );
        let coloured = diff(
            &input,
            Options {
                colour: true,
                stat: true,
            },
        );
        assert!(
            coloured.contains(" | 2 \x1b[32m+\x1b[0m\x1b[31m-\x1b[0m\n"),
            "{coloured:?}"
        );
    }

    #[test]
    fn nothing_changed_prints_nothing() {
        let copy = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-tilt\n";
        for stat in [false, true] {
            let opts = Options {
                colour: false,
                stat,
            };
            assert_eq!(diff(copy, opts), "");
        }
    }

    #[test]
    fn bars_are_scaled_to_the_widest() {
        assert_eq!(bar(3, 10, '+'), "+++");
        assert_eq!(bar(400, 400, '-').len(), BAR);
        assert_eq!(bar(1, 400, '+'), "+");
        assert_eq!(bar(0, 400, '+'), "");
        assert_eq!(summary(1, 1, 0), " 1 document changed, 1 insertion(+)\n");
        assert_eq!(summary(2, 0, 1), " 2 documents changed, 1 deletion(-)\n");
    }

    #[test]
    fn colours_only_when_asked() {
        let plain = diff(SVC, Options::default());
        assert!(
            plain.contains("-  name: web\n+  name: web-tilt\n") && !plain.contains('\x1b'),
            "{plain}"
        );
        let coloured = diff(
            SVC,
            Options {
                colour: true,
                stat: false,
            },
        );
        assert!(
            coloured.contains("\x1b[31m-  name: web\x1b[0m\n\x1b[32m+  name: web-tilt\x1b[0m\n"),
            "{coloured:?}"
        );
        assert!(
            coloured.contains("--- baseline (input)\n")
                && coloured.contains("\x1b[36m@@ -1,7 +1,7 @@\x1b[0m document 1 (Service/web)\n"),
            "headers stay plain: {coloured:?}"
        );
    }
}
