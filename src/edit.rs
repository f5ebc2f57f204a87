//! Edits against the original bytes, and how inserted text is written.
//!
//! An edit replaces a byte range (possibly empty: an insertion) with new text. All
//! edits of a run are sorted and applied in one pass; bytes between edits are copied
//! verbatim. Two edits that overlap are a bug in a rule, reported as an error rather
//! than producing a corrupt stream.

use crate::reason::Reason;
use crate::yaml::{Doc, NodeId, Style};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Which rule asked for it (`check` reports it); `None` outside the rules
    /// (the diff's redaction).
    pub why: Option<Reason>,
}

impl Edit {
    pub fn replace(start: usize, end: usize, text: impl Into<String>) -> Self {
        Edit {
            start,
            end,
            text: text.into(),
            why: None,
        }
    }

    pub fn because(mut self, why: Reason) -> Self {
        self.why = Some(why);
        self
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit::replace(at, at, text)
    }

    pub fn delete(start: usize, end: usize) -> Self {
        Edit::replace(start, end, String::new())
    }
}

/// Applies sorted, non-overlapping edits. Returns the offending pair on overlap.
/// Two rules that ask for the very same change (a flag value that is both a
/// reference, rule 2, and a Service host, rule 9) agree: the copy is kept once.
pub fn apply(input: &str, edits: &mut Vec<Edit>) -> Result<String, (Edit, Edit)> {
    edits.sort_by_key(|e| (e.start, e.end));
    edits.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.text == b.text);
    let grow: usize = edits.iter().map(|e| e.text.len()).sum();
    let mut out = String::with_capacity(input.len() + grow);
    let mut at = 0;
    for (i, e) in edits.iter().enumerate() {
        if e.start < at {
            return Err((edits[i - 1].clone(), e.clone()));
        }
        out.push_str(&input[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&input[at..]);
    Ok(out)
}

/// The line break used by the line that contains `at` (`\r\n` or `\n`).
pub fn eol_at(input: &str, at: usize) -> &'static str {
    let end = crate::yaml::line_end(input, at);
    if end >= 2
        && input.as_bytes().get(end - 1) == Some(&b'\n')
        && input.as_bytes()[end - 2] == b'\r'
    {
        "\r\n"
    } else {
        "\n"
    }
}

/// True when `s` can be written as a plain scalar and still read back as the same
/// string by a YAML 1.1 reader (Kubernetes). Conservative: anything unusual is quoted.
pub fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !first.is_ascii_alphanumeric() {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/'))
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    ) {
        return false;
    }
    // Numbers, including 1e3, 0x1f, 1_000, 0755, 1.5 and sexagesimal-free forms.
    !s.chars()
        .all(|c| c.is_ascii_hexdigit() || matches!(c, '.' | '_' | '+' | '-' | 'x' | 'o'))
}

/// Double-quoted YAML string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `value` in the style the original scalar had, so a changed name keeps its
/// quoting. `None` for block scalars, which a rule must refuse rather than rewrite.
pub fn scalar_text(style: Style, value: &str) -> Option<String> {
    match style {
        Style::Plain if plain_safe(value) => Some(value.to_string()),
        Style::Plain | Style::Double => Some(quote(value)),
        Style::Single => Some(format!("'{}'", value.replace('\'', "''"))),
        _ => None,
    }
}

/// Why an edit cannot be written next to a node: its layout leaves no place that
/// keeps the YAML meaning what it says. The rule turns it into a located refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unplaceable {
    /// A block mapping whose first key has no text: no column to line a key up with.
    NoKeyColumn,
    /// A key that does not start its line (`a: 1` after something else).
    KeyNotFirstOnLine,
    /// A block sequence item whose `-` does not start its line.
    NoDash,
    /// An empty sequence: nothing to line an item up with.
    EmptySequence,
    /// An empty value without a `:` of its own (`? key` alone): where its pair
    /// ends is unknown.
    NoValueColon,
    /// A single pair in a flow sequence (`[name: gw]`, `[? a]`): the mapping has
    /// no braces of its own, and `, key: value` after it would start a new item
    /// of the sequence.
    NoBraces,
}

impl Unplaceable {
    /// What about the layout leaves no place, for messages.
    pub fn says(self) -> &'static str {
        match self {
            Unplaceable::NoKeyColumn => "its first key has no text",
            Unplaceable::KeyNotFirstOnLine => "its key does not start a line",
            Unplaceable::NoDash => "its `-` does not start a line",
            Unplaceable::EmptySequence => "the list is empty",
            Unplaceable::NoValueColon => "a `? key` has no `:` of its own",
            Unplaceable::NoBraces => {
                "it is a bare `key: value` in a flow list, without braces of its own"
            }
        }
    }
}

/// Whether flow mapping `map` has braces of its own: its text (after any
/// properties) opens with a `{` that stands before its first key. A single pair
/// in a flow sequence has none, even when its key is itself a flow mapping
/// (`[{a}: b]`).
fn braced(input: &str, doc: &Doc<'_>, map: NodeId) -> bool {
    let m = doc.node(map);
    let mut at = m.start;
    while input[at..].starts_with(['&', '!']) {
        let rest = &input[at..];
        let word = rest.find([' ', '\t', '\r', '\n']).unwrap_or(rest.len());
        let blanks = rest[word..].len()
            - rest[word..]
                .trim_start_matches([' ', '\t', '\r', '\n'])
                .len();
        at += word + blanks;
    }
    input[at..].starts_with('{')
        && doc
            .children(map)
            .next()
            .is_none_or(|k| doc.node(k).start > at)
}

/// Where the text of a pair's value ends: for an empty value, just after its
/// own `:` or the properties that follow it (`Layout::colon`); `None` when an
/// empty value has no `:` of its own (`? key` alone), so the pair's end is
/// unknown.
pub fn value_end(doc: &Doc<'_>, value: NodeId) -> Option<usize> {
    let v = doc.node(value);
    if v.kind == crate::yaml::NodeKind::Scalar && v.start == v.end && v.layout.colon.is_none() {
        return None;
    }
    Some(doc.content_end(value))
}

/// Where a line that follows `pos` begins: `pos` itself if it already starts a line.
pub fn after_line(input: &str, pos: usize) -> usize {
    if pos == 0 || input.as_bytes().get(pos - 1) == Some(&b'\n') {
        pos
    } else {
        crate::yaml::line_end(input, pos)
    }
}

/// Text to put in front of lines inserted at `at`: a line break first when `at`
/// is the end of an input that does not end with one.
fn lead(input: &str, at: usize, eol: &'static str) -> &'static str {
    if at == input.len() && !input.is_empty() && !input.ends_with('\n') {
        eol
    } else {
        ""
    }
}

/// Removes one key/value pair of a mapping. When it is the mapping's only pair
/// and the mapping is itself the value of `parent_pair`, the parent pair goes too
/// (so `annotations:` does not stay behind holding null).
pub fn delete_pair(
    input: &str,
    doc: &Doc<'_>,
    map: NodeId,
    key: NodeId,
    value: NodeId,
    parent_pair: Option<(NodeId, NodeId)>,
) -> Result<Edit, Unplaceable> {
    let pairs: Vec<(NodeId, NodeId)> = doc.pairs(map).collect();
    if let (1, Some((pk, pv))) = (pairs.len(), parent_pair) {
        let parent_map = doc.parent(pk).ok_or(Unplaceable::KeyNotFirstOnLine)?;
        return delete_pair(input, doc, parent_map, pk, pv, None);
    }
    let m = doc.node(map);
    if m.style == Style::Flow {
        if pairs.len() == 1 {
            return Ok(Edit::replace(m.start, m.end, "{}"));
        }
        let pos = pairs
            .iter()
            .position(|&(k, _)| k == key)
            .ok_or(Unplaceable::NoKeyColumn)?;
        return Ok(if pos + 1 < pairs.len() {
            Edit::delete(doc.node(key).start, doc.node(pairs[pos + 1].0).start)
        } else {
            Edit::delete(doc.content_end(pairs[pos - 1].1), doc.content_end(value))
        });
    }
    let k = doc.node(key).layout;
    if !k.first_on_line {
        return Err(Unplaceable::KeyNotFirstOnLine);
    }
    Ok(Edit::delete(
        crate::yaml::line_start(input, k.entry),
        after_line(input, doc.content_end(value)),
    ))
}

/// Inserts `key: value` (value text already rendered) as the last pair of `map`,
/// at the column its keys stand in (the `?` of an explicit first key).
pub fn insert_pair(
    input: &str,
    doc: &Doc<'_>,
    map: NodeId,
    key: &str,
    value: &str,
) -> Result<Edit, Unplaceable> {
    let m = doc.node(map);
    let last = doc.pairs(map).last();
    if m.style == Style::Flow {
        if !braced(input, doc, map) {
            return Err(Unplaceable::NoBraces);
        }
        return Ok(match last {
            Some((_, v)) => Edit::insert(doc.content_end(v), format!(", {key}: {value}")),
            None => Edit::insert(m.start + 1, format!("{key}: {value}")),
        });
    }
    let first = doc.node(doc.children(map).next().ok_or(Unplaceable::NoKeyColumn)?);
    if first.kind != crate::yaml::NodeKind::Scalar || first.start == first.end {
        return Err(Unplaceable::NoKeyColumn);
    }
    let at = after_line(input, doc.content_end(map));
    let eol = m.layout.eol();
    Ok(Edit::insert(
        at,
        format!(
            "{}{}{key}: {value}{eol}",
            lead(input, at, eol),
            " ".repeat(m.layout.indent)
        ),
    ))
}

/// Inserts a pair whose value is a nested mapping, written as `lines` (depth 0 is
/// the new key), as the last pair of `map`, in its style: lines at the column of
/// its keys in a block mapping, `key: {…}` in a flow one.
pub fn insert_nested(
    input: &str,
    doc: &Doc<'_>,
    map: NodeId,
    lines: &Lines<'_>,
) -> Result<Edit, Unplaceable> {
    let m = doc.node(map);
    if m.style == Style::Flow {
        if !braced(input, doc, map) {
            return Err(Unplaceable::NoBraces);
        }
        let inner = flow_map(lines);
        let inner = &inner[1..inner.len() - 1];
        return Ok(match doc.pairs(map).last() {
            Some((_, v)) => Edit::insert(doc.content_end(v), format!(", {inner}")),
            None => Edit::insert(m.start + 1, inner.to_string()),
        });
    }
    let first = doc.node(doc.children(map).next().ok_or(Unplaceable::NoKeyColumn)?);
    if first.kind != crate::yaml::NodeKind::Scalar || first.start == first.end {
        return Err(Unplaceable::NoKeyColumn);
    }
    let at = after_line(input, doc.content_end(map));
    let eol = m.layout.eol();
    let mut text = String::from(lead(input, at, eol));
    for (depth, key, value) in lines {
        text.push_str(&" ".repeat(m.layout.indent + 2 * depth));
        push_line(&mut text, key, value, eol);
    }
    Ok(Edit::insert(at, text))
}

/// A block mapping rendered as lines: (depth, key, value) with depth counted in
/// steps of two spaces; an empty value opens a nested mapping.
pub type Lines<'t> = [(usize, &'t str, String)];

/// Appends a new mapping item to sequence `seq`, matching its style: compact
/// (`- ` at the parent key's column, as Helm 4 writes) or indented, block or flow.
pub fn append_map_item(
    input: &str,
    doc: &Doc<'_>,
    seq: NodeId,
    lines: &Lines<'_>,
) -> Result<Edit, Unplaceable> {
    let s = doc.node(seq);
    let last = doc.children(seq).last().ok_or(Unplaceable::EmptySequence)?;
    if s.style == Style::Flow {
        return Ok(Edit::insert(
            doc.content_end(last),
            format!(", {}", flow_map(lines)),
        ));
    }
    let l = doc.node(last);
    let dash = l.layout.dash.ok_or(Unplaceable::NoDash)?.col;
    let at = after_line(input, doc.content_end(seq));
    let eol = s.layout.eol();
    if l.style == Style::Flow {
        // `- {name: a, value: b}` items: the new one is written the same way.
        let text = format!(
            "{}{}- {}{eol}",
            lead(input, at, eol),
            " ".repeat(dash),
            flow_map(lines)
        );
        return Ok(Edit::insert(at, text));
    }
    // Where the item's keys stand (the `?` of an explicit first key).
    let content = l.layout.indent.max(dash + 2);
    let mut text = String::from(lead(input, at, eol));
    for (i, (depth, key, value)) in lines.iter().enumerate() {
        if i == 0 {
            text.push_str(&" ".repeat(dash));
            text.push('-');
            text.push_str(&" ".repeat(content - dash - 1));
        } else {
            text.push_str(&" ".repeat(content + 2 * depth));
        }
        push_line(&mut text, key, value, eol);
    }
    Ok(Edit::insert(at, text))
}

fn push_line(text: &mut String, key: &str, value: &str, eol: &str) {
    text.push_str(key);
    text.push(':');
    if !value.is_empty() {
        text.push(' ');
        text.push_str(value);
    }
    text.push_str(eol);
}

/// The same lines in flow style: `{a: "x", b: {c: "y"}}`.
pub fn flow_map(lines: &Lines<'_>) -> String {
    let mut out = String::from("{");
    let mut depth = 0;
    for (i, (d, key, value)) in lines.iter().enumerate() {
        while depth > *d {
            out.push('}');
            depth -= 1;
        }
        if i > 0 && !out.ends_with('{') {
            out.push_str(", ");
        }
        out.push_str(key);
        out.push_str(": ");
        if value.is_empty() {
            out.push('{');
            depth += 1;
        } else {
            out.push_str(value);
        }
    }
    for _ in 0..=depth {
        out.push('}');
    }
    out
}

/// Replaces a key/value pair with a nested mapping written as `lines` (depth 0 is
/// the pair's own key), in the surrounding style. An explicit key (`? value` /
/// `: x`) is replaced from its `?`, so the new pair is an ordinary one.
pub fn replace_pair(
    input: &str,
    doc: &Doc<'_>,
    map: NodeId,
    key: NodeId,
    value: NodeId,
    lines: &Lines<'_>,
) -> Result<Edit, Unplaceable> {
    let k = doc.node(key).layout;
    let end = value_end(doc, value).ok_or(Unplaceable::NoValueColon)?;
    if doc.node(map).style == Style::Flow {
        let inner = flow_map(lines);
        // `{a: ...}` → the pair without its braces.
        return Ok(Edit::replace(
            doc.node(key).start,
            end,
            inner[1..inner.len() - 1].to_string(),
        ));
    }
    let eol = k.eol();
    let mut text = String::new();
    for (i, (depth, key, value)) in lines.iter().enumerate() {
        if i > 0 {
            text.push_str(&" ".repeat(k.indent + 2 * depth));
        }
        push_line(&mut text, key, value, eol);
    }
    // The replaced text ended before its line break unless the value was a block scalar.
    if !input[..end].ends_with('\n') {
        text.truncate(text.len() - eol.len());
    }
    Ok(Edit::replace(k.entry, end, text))
}

/// Removes block sequence item `item` (its whole lines, from its `-`).
pub fn delete_item(
    input: &str,
    doc: &Doc<'_>,
    seq: NodeId,
    item: NodeId,
) -> Result<Edit, Unplaceable> {
    let s = doc.node(seq);
    if s.style == Style::Flow {
        let items: Vec<NodeId> = doc.children(seq).collect();
        let pos = items
            .iter()
            .position(|&i| i == item)
            .ok_or(Unplaceable::EmptySequence)?;
        return Ok(if pos + 1 < items.len() {
            Edit::delete(doc.node(item).start, doc.node(items[pos + 1]).start)
        } else if pos > 0 {
            Edit::delete(doc.content_end(items[pos - 1]), doc.content_end(item))
        } else {
            Edit::replace(s.start, s.end, "[]")
        });
    }
    let dash = doc.node(item).layout.dash.ok_or(Unplaceable::NoDash)?;
    Ok(Edit::delete(
        crate::yaml::line_start(input, dash.at),
        after_line(input, doc.content_end(item)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_safety_follows_yaml_1_1() {
        for ok in [
            "web-tilt",
            "www.local.ameide.io",
            "a/b",
            "v1-tilt",
            "yes-tilt",
        ] {
            assert!(plain_safe(ok), "{ok}");
        }
        for bad in [
            "yes", "0755", "1e3", "", "-a", "a: b", "a b", "on", "0x1f", "~", "1.5",
        ] {
            assert!(!plain_safe(bad), "{bad}");
        }
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let mut e = vec![Edit::replace(0, 3, "x"), Edit::replace(2, 4, "y")];
        assert!(apply("abcdef", &mut e).is_err());
        let mut ok = vec![Edit::insert(6, "!"), Edit::replace(0, 3, "x")];
        assert_eq!(apply("abcdef", &mut ok).unwrap(), "xdef!");
        // The same change asked twice is made once; a different one overlaps.
        let mut twice = vec![Edit::replace(1, 2, "B"), Edit::replace(1, 2, "B")];
        assert_eq!(apply("abc", &mut twice).unwrap(), "aBc");
        let mut clash = vec![Edit::replace(1, 2, "B"), Edit::replace(1, 2, "C")];
        assert!(apply("abc", &mut clash).is_err());
    }

    #[test]
    fn quoting_escapes() {
        assert_eq!(quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }
}
