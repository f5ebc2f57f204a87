//! Splitting the stream into documents: the parse of every document in order,
//! and a glance at the top-level lines of documents that leave the stream whole,
//! which are then not parsed at all.

use super::*;

/// A YAML syntax error with its position.
#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    pub line: usize,
    pub col: usize,
    /// The document (1-based) being read when the error happened.
    pub doc_index: usize,
}

pub(super) fn parser_options() -> Options {
    // Comments stay in the input bytes; the editor never needs them as events.
    let mut o = Options::default();
    o.emit_comments = false;
    o
}

/// Parses the whole stream and calls `each` with every document, in order.
///
/// A document is handed over once the next one starts, because its region ends
/// where the next one begins. The callback's own error type passes through.
pub fn for_each_doc<'a, E>(
    input: &'a str,
    each: impl FnMut(&Doc<'a>) -> Result<(), E>,
) -> Result<Result<(), E>, SyntaxError> {
    for_each_doc_skipping(input, |_| false, each)
}

/// What a quick look at a document's top-level lines found, for a document the
/// caller chose not to parse (it is going to be dropped whole).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Glance<'a> {
    pub kind: &'a str,
    pub api_version: &'a str,
    pub name: Option<&'a str>,
    /// 1-based line and byte offset of the `kind:` line.
    pub line: usize,
    pub at: usize,
}

/// Like [`for_each_doc`], but a document whose top-level `kind:`/`apiVersion:`
/// lines `skip` accepts is not parsed at all: it is handed over with no nodes and
/// `glance` set. Only plain block-mapping documents qualify (one `kind:` and one
/// `apiVersion:` at column 0, no flow root, no `...`); anything else is parsed.
pub fn for_each_doc_skipping<'a, E>(
    input: &'a str,
    skip: impl Fn(&Glance<'a>) -> bool,
    each: impl FnMut(&Doc<'a>) -> Result<(), E>,
) -> Result<Result<(), E>, SyntaxError> {
    let mut reader = Reader::new(input, each);
    // Documents are parsed one by one: a line starting with `---` always starts a
    // new document in YAML (even inside a block or quoted scalar), so splitting
    // there is exact, and it lets documents that will be dropped skip the parser.
    let mut start = 0;
    let mut start_line = 1;
    let mut search = 0;
    let mut directive_free = 0;
    // Candidate document starts are found with a substring search, not line by line.
    while let Some(found) = input[search..].find("\n---") {
        let at = search + found + 1;
        search = at;
        let next = line_end(input, at);
        if !is_doc_start(&input.as_bytes()[at..next]) {
            continue;
        }
        // A `%YAML`/`%TAG` directive belongs to the document after the next `---`:
        // keep them in one chunk.
        let since = &input[directive_free..at];
        directive_free = at;
        if since.starts_with('%') || since.contains("\n%") {
            continue;
        }
        if let Err(r) = reader.chunk(start, start_line, at, &skip) {
            return r;
        }
        start_line += input.as_bytes()[start..at]
            .iter()
            .map(|&b| usize::from(b == b'\n'))
            .sum::<usize>();
        start = at;
    }
    if let Err(r) = reader.chunk(start, start_line, input.len(), &skip) {
        return r;
    }
    Ok(reader.finish())
}

/// Where the `%` directive lines just before the `---` at `at` begin (`at` if there
/// are none): a document's directives belong to its region, so that removing the
/// document before it does not take them along. Directives can only follow a `...`
/// line or the start of the stream; a `%` line anywhere else is content.
pub(super) fn directives_start(input: &str, at: usize) -> usize {
    let (mut start, mut cursor) = (at, at);
    // Only whole lines before it (a BOM can stand before the first `---`).
    while cursor > 0 && input.as_bytes()[cursor - 1] == b'\n' {
        let begin = input[..cursor - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &input[begin..cursor];
        if line.starts_with('%') {
            start = begin;
        } else if is_doc_end(line) {
            return start;
        } else if !is_blank_or_comment(line) {
            return at;
        }
        cursor = begin;
    }
    if cursor == 0 { start } else { at }
}

/// A line with nothing but blanks or a comment.
pub fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// A line that is YAML's document end marker `...`.
pub fn is_doc_end(line: &str) -> bool {
    line.strip_prefix("...")
        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\r', '\n']))
}

/// `---` at column 0, followed by the end of the line or a blank.
pub fn is_doc_start(line: &[u8]) -> bool {
    line.starts_with(b"---")
        && line
            .get(3)
            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// A top-level `key: value` line's value, unquoted (simple quoting only).
fn top_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?.strip_prefix(':')?;
    if !rest.is_empty() && !rest.starts_with([' ', '\t', '\r', '\n']) {
        return None;
    }
    let v = rest.trim();
    let v = match v.find(" #") {
        Some(i) => v[..i].trim_end(),
        None => v,
    };
    let v = if v.len() >= 2
        && (v.starts_with('"') && v.ends_with('"') || v.starts_with('\'') && v.ends_with('\''))
    {
        &v[1..v.len() - 1]
    } else {
        v
    };
    (!v.is_empty() && !v.contains(['"', '\'', '\\', '{', '[', '&', '*', '!', '|', '>']))
        .then_some(v)
}

/// The quick look behind [`for_each_doc_skipping`]; `None` when unsure.
pub(super) fn glance<'t>(
    text: &'t str,
    base: usize,
    base_line: usize,
    skip: &impl Fn(&Glance<'t>) -> bool,
) -> Option<Glance<'t>> {
    let bytes = text.as_bytes();
    let mut g = Glance::default();
    let (mut kinds, mut apis) = (0, 0);
    let mut in_metadata = false;
    let mut child_indent = None;
    let (mut at, mut n) = (0, 0);
    // Only column-0 lines matter (and metadata's children until the name is
    // found), so indented lines cost one byte look each: a CRD is mostly indented.
    while at < bytes.len() {
        let end = text[at..].find('\n').map_or(bytes.len(), |i| at + i + 1);
        let here = at;
        let first = n == 0;
        at = end;
        n += 1;
        match bytes[here] {
            b'\n' | b'\r' | b'#' => continue,
            b' ' if !in_metadata || g.name.is_some() => continue,
            _ => {}
        }
        let line = text[here..end].trim_end_matches(['\r', '\n']);
        match line.as_bytes().first() {
            None | Some(b'#') => continue,
            Some(b' ') => {
                if in_metadata && g.name.is_none() {
                    let trimmed = line.trim_start();
                    if trimmed.is_empty() || trimmed.starts_with('#') {
                        continue;
                    }
                    let indent = line.len() - trimmed.len();
                    if indent == *child_indent.get_or_insert(indent) {
                        g.name = top_value(trimmed, "name");
                    }
                }
                continue;
            }
            _ => {}
        }
        if first && is_doc_start(line.as_bytes()) {
            if !line[3..].trim().is_empty() {
                return None;
            }
            continue;
        }
        if line.starts_with("...")
            || line.starts_with([
                '{', '[', '-', '?', '%', '&', '!', '*', '|', '>', '"', '\'', '\t',
            ])
        {
            return None;
        }
        in_metadata =
            top_value(line, "metadata").is_none() && line.trim_end().starts_with("metadata:");
        if let Some(v) = top_value(line, "kind") {
            kinds += 1;
            g.kind = v;
            g.line = base_line + n - 1;
            g.at = base + here + line.find(v).unwrap_or(0);
        } else if let Some(v) = top_value(line, "apiVersion") {
            apis += 1;
            g.api_version = v;
        } else if line.starts_with("kind") || line.starts_with("apiVersion") {
            return None;
        }
        // A document that will be parsed anyway needs no full look.
        if kinds == 1 && apis == 1 && !skip(&g) {
            return None;
        }
    }
    (kinds == 1 && apis == 1 && skip(&g)).then_some(g)
}
