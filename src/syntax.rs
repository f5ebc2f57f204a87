//! The only module that talks to the YAML parser (granit-parser, pinned exactly).
//!
//! The stream is parsed once, event by event; each document becomes a flat arena of
//! nodes that carry exact byte spans into the input. Nothing is ever re-serialized:
//! the rules read this view and produce edits against the original bytes.
//!
//! Layout: nodes are stored in pre-order; `next` is the index just past a node's
//! subtree, so children are walked by hopping from a child to its `next`. A mapping's
//! children alternate key, value.

use granit_parser::{Event, Options, Parser, ScalarStyle, StructureStyle};
use std::borrow::Cow;

/// Index of a node in a document's arena.
pub type NodeId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Scalar,
    Map,
    Seq,
    /// `*name`: never expanded.
    Alias,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
    Block,
    Flow,
}

#[derive(Clone, Debug)]
pub struct Node<'a> {
    pub kind: NodeKind,
    pub style: Style,
    /// Decoded scalar value (empty for collections).
    pub value: Cow<'a, str>,
    /// Byte span in the whole input. A block collection's end is where the parser
    /// saw the next token, so use [`Doc::content_end`] for "where does it end".
    pub start: usize,
    pub end: usize,
    /// 1-based line, 0-based column (in characters) of `start`.
    pub line: usize,
    pub col: usize,
    pub next: usize,
    /// The node defines an `&anchor` (editing it would change every alias too).
    pub anchored: bool,
}

/// One document of the stream.
#[derive(Debug, Default)]
pub struct Doc<'a> {
    /// 1-based position in the stream.
    pub index: usize,
    /// Byte range of the document in the input: from its `---` line (or from the end
    /// of the previous document) up to the next document's start.
    pub region_start: usize,
    pub region_end: usize,
    pub nodes: Vec<Node<'a>>,
}

impl<'a> Doc<'a> {
    pub fn root(&self) -> Option<NodeId> {
        if self.nodes.is_empty() { None } else { Some(0) }
    }

    pub fn node(&self, id: NodeId) -> &Node<'a> {
        &self.nodes[id]
    }

    /// Children of a collection in order (keys and values alternate for a map).
    pub fn children(&self, id: NodeId) -> Children<'_, 'a> {
        let n = &self.nodes[id];
        let first = if matches!(n.kind, NodeKind::Map | NodeKind::Seq) {
            id + 1
        } else {
            n.next
        };
        Children {
            doc: self,
            at: first,
            stop: n.next,
        }
    }

    /// Key/value pairs of a mapping (empty if `id` is not a mapping).
    pub fn pairs(&self, id: NodeId) -> Pairs<'_, 'a> {
        let is_map = self.nodes[id].kind == NodeKind::Map;
        let mut children = self.children(id);
        if !is_map {
            children.at = children.stop;
        }
        Pairs { inner: children }
    }

    /// Value of `key` in mapping `id`. The last occurrence wins, as in the Kubernetes
    /// API machinery's YAML decoder; duplicate keys are reported by [`Doc::duplicate_key`].
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        let mut found = None;
        for (k, v) in self.pairs(id) {
            if self.is_scalar(k) && self.nodes[k].value == key {
                found = Some(v);
            }
        }
        found
    }

    /// The key node and the value node of `key` in mapping `id`.
    pub fn get_pair(&self, id: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        self.pairs(id)
            .filter(|&(k, _)| self.is_scalar(k) && self.nodes[k].value == key)
            .last()
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, mut id: NodeId, keys: &[&str]) -> Option<NodeId> {
        for k in keys {
            id = self.get(id, k)?;
        }
        Some(id)
    }

    pub fn is_scalar(&self, id: NodeId) -> bool {
        self.nodes[id].kind == NodeKind::Scalar
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        self.nodes[id].kind == NodeKind::Map
    }

    pub fn is_seq(&self, id: NodeId) -> bool {
        self.nodes[id].kind == NodeKind::Seq
    }

    /// The decoded value of a scalar node, `None` for anything else.
    pub fn str(&self, id: NodeId) -> Option<&str> {
        let n = &self.nodes[id];
        (n.kind == NodeKind::Scalar).then_some(n.value.as_ref())
    }

    /// `get` followed by `str`.
    pub fn get_str(&self, id: NodeId, key: &str) -> Option<&str> {
        self.get(id, key).and_then(|v| self.str(v))
    }

    /// A scalar that holds no value (`~`, `null`, empty).
    pub fn is_null(&self, id: NodeId) -> bool {
        let n = &self.nodes[id];
        n.kind == NodeKind::Scalar
            && n.style == Style::Plain
            && matches!(n.value.as_ref(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// Byte offset where the text of a node really ends: the end of its last
    /// descendant (a block collection's own end lies after trailing comments).
    pub fn content_end(&self, id: NodeId) -> usize {
        let n = &self.nodes[id];
        match n.kind {
            NodeKind::Scalar | NodeKind::Alias => n.end,
            _ if n.style == Style::Flow => n.end,
            _ => {
                if n.next == id + 1 {
                    n.start
                } else {
                    self.content_end(self.last_child(id))
                }
            }
        }
    }

    fn last_child(&self, id: NodeId) -> NodeId {
        let mut last = id + 1;
        let mut at = id + 1;
        let stop = self.nodes[id].next;
        while at < stop {
            last = at;
            at = self.nodes[at].next;
        }
        last
    }

    /// A key that appears twice in one mapping, anywhere in the document.
    pub fn duplicate_key(&self) -> Option<NodeId> {
        for (id, n) in self.nodes.iter().enumerate() {
            if n.kind != NodeKind::Map {
                continue;
            }
            let keys: Vec<NodeId> = self.pairs(id).map(|(k, _)| k).collect();
            if keys.len() < 2 {
                continue;
            }
            if keys.len() <= 16 {
                for (i, &a) in keys.iter().enumerate() {
                    if keys[..i].iter().any(|&b| self.same_key(a, b)) {
                        return Some(a);
                    }
                }
            } else {
                let mut seen = std::collections::HashSet::with_capacity(keys.len());
                for &k in &keys {
                    if self.is_scalar(k) && !seen.insert(self.nodes[k].value.as_ref()) {
                        return Some(k);
                    }
                }
            }
        }
        None
    }

    fn same_key(&self, a: NodeId, b: NodeId) -> bool {
        self.is_scalar(a) && self.is_scalar(b) && self.nodes[a].value == self.nodes[b].value
    }
}

pub struct Children<'d, 'a> {
    doc: &'d Doc<'a>,
    at: usize,
    stop: usize,
}

impl Iterator for Children<'_, '_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.at >= self.stop {
            return None;
        }
        let id = self.at;
        self.at = self.doc.nodes[id].next;
        Some(id)
    }
}

pub struct Pairs<'d, 'a> {
    inner: Children<'d, 'a>,
}

impl Iterator for Pairs<'_, '_> {
    type Item = (NodeId, NodeId);
    fn next(&mut self) -> Option<(NodeId, NodeId)> {
        let k = self.inner.next()?;
        let v = self.inner.next()?;
        Some((k, v))
    }
}

/// A YAML syntax error with its position.
#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    pub line: usize,
    pub col: usize,
    /// The document (1-based) being read when the error happened.
    pub doc_index: usize,
}

fn parser_options() -> Options {
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
    mut each: impl FnMut(&Doc<'a>) -> Result<(), E>,
) -> Result<Result<(), E>, SyntaxError> {
    let mut doc = Doc::default();
    let mut held: Option<Doc<'a>> = None;
    let mut spare: Vec<Node<'a>> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut index = 0usize;
    // Where the next implicit document's region starts.
    let mut next_region = 0usize;
    for item in Parser::new_from_str_with_options(input, parser_options()) {
        let (event, span) = match item {
            Ok(x) => x,
            Err(e) => {
                return Err(SyntaxError {
                    message: e.info().to_string(),
                    line: e.marker().line(),
                    col: e.marker().col() + 1,
                    doc_index: index.max(1),
                });
            }
        };
        let start = span.start.byte_offset().unwrap_or(0);
        let end = span.end.byte_offset().unwrap_or(start);
        let (kind, style, value, anchor) = match event {
            Event::DocumentStart(explicit, _) => {
                let region_start = if explicit { start } else { next_region };
                if let Some(mut prev) = held.take() {
                    prev.region_end = region_start;
                    if let Err(e) = each(&prev) {
                        return Ok(Err(e));
                    }
                    spare = prev.nodes;
                }
                index += 1;
                spare.clear();
                doc = Doc {
                    index,
                    region_start,
                    region_end: input.len(),
                    nodes: std::mem::take(&mut spare),
                };
                stack.clear();
                continue;
            }
            Event::DocumentEnd => {
                // An explicit `...` ends the region after its line.
                next_region = if end > start {
                    line_end(input, end)
                } else {
                    end
                };
                held = Some(std::mem::take(&mut doc));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(id) = stack.pop() {
                    let len = doc.nodes.len();
                    let n = &mut doc.nodes[id];
                    n.next = len;
                    n.end = end;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, _) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::Single,
                    ScalarStyle::DoubleQuoted => Style::Double,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                (NodeKind::Scalar, style, value, anchor)
            }
            Event::MappingStart(st, anchor, _) => {
                (NodeKind::Map, structure(st), Cow::Borrowed(""), anchor)
            }
            Event::SequenceStart(st, anchor, _) => {
                (NodeKind::Seq, structure(st), Cow::Borrowed(""), anchor)
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                (NodeKind::Alias, Style::Plain, Cow::Borrowed(""), 0)
            }
            _ => continue,
        };
        let id = doc.nodes.len();
        doc.nodes.push(Node {
            kind,
            style,
            value,
            start,
            end,
            line: span.start.line(),
            col: span.start.col(),
            next: id + 1,
            anchored: anchor != 0,
        });
        if matches!(kind, NodeKind::Map | NodeKind::Seq) {
            stack.push(id);
        }
    }
    if let Some(mut prev) = held.take() {
        prev.region_end = input.len();
        if let Err(e) = each(&prev) {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}

fn structure(st: StructureStyle) -> Style {
    match st {
        StructureStyle::Block => Style::Block,
        StructureStyle::Flow => Style::Flow,
    }
}

/// Offset just past the line break that ends the line containing `at`.
pub fn line_end(input: &str, at: usize) -> usize {
    match input.as_bytes()[at.min(input.len())..]
        .iter()
        .position(|&b| b == b'\n')
    {
        Some(i) => at + i + 1,
        None => input.len(),
    }
}

/// Offset of the start of the line containing `at`.
pub fn line_start(input: &str, at: usize) -> usize {
    match input.as_bytes()[..at.min(input.len())]
        .iter()
        .rposition(|&b| b == b'\n')
    {
        Some(i) => i + 1,
        None => 0,
    }
}
