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
    /// Layout, recorded once at parse time so that edits never work it out again
    /// from the bytes.
    pub layout: Layout,
}

/// Where a node's text sits among its neighbours: what an edit next to it must
/// match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Byte offset where the node's entry begins: the `?` of an explicit key
    /// (`? name`), otherwise `props`.
    pub entry: usize,
    /// Byte offset where the node's properties (`&anchor`, `!tag`) begin when
    /// they stand on its line in a block collection, otherwise `start`. A block
    /// mapping's keys line up with this, not with the key's text: in
    /// `- &a name: gw` the next key stands under `&a`.
    pub props: usize,
    /// For an empty value: its own `:` indicator, when written (the empty
    /// value's text is that `:` and any properties after it; `? key` alone has
    /// none). See `Reader::own_colon`.
    pub colon: Option<Colon>,
    /// Column (in characters) of that entry; for a block mapping, the column of
    /// its first key's entry, where every key of it stands.
    pub indent: usize,
    /// Only spaces stand between the start of its line and the entry.
    pub first_on_line: bool,
    /// For an item of a block sequence whose `-` is the first thing on its line:
    /// that `-`.
    pub dash: Option<Dash>,
    /// The node's first line ends with `\r\n`.
    pub crlf: bool,
}

/// An empty value's own `:` and where its text ends: just after the `:`, or
/// after the properties that follow it (`key: !!null`, `key: &a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colon {
    pub at: usize,
    /// Where the properties after the `:` begin (`end` when there are none).
    pub props: usize,
    pub end: usize,
}

impl Colon {
    /// Nothing but the `:`: a value can be written right after it.
    pub fn bare(self) -> bool {
        self.end == self.at + 1
    }
}

/// The `-` that introduces a block sequence item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dash {
    /// Byte offset.
    pub at: usize,
    /// Column (the `-` is the first thing on its line, so bytes are characters).
    pub col: usize,
}

impl Layout {
    /// The line break the node's first line uses.
    pub fn eol(&self) -> &'static str {
        if self.crlf { "\r\n" } else { "\n" }
    }
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
    /// Set when the document was not parsed (see [`for_each_doc_skipping`]).
    pub glance: Option<Glance<'a>>,
    /// Every alias with the node that defines its anchor, in document order
    /// (found while reading).
    alias_defs: Vec<(NodeId, NodeId)>,
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
    /// API machinery's YAML decoder; [`Doc::get_all`] gives every occurrence.
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

    /// The mapping that holds node `id` (the nearest one whose subtree holds it).
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        (0..id)
            .rev()
            .find(|&i| self.is_map(i) && self.nodes[i].next > id)
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

    /// The node an alias stands for (the last node before it that defines its
    /// anchor); any other node is itself.
    pub fn resolve(&self, id: NodeId) -> NodeId {
        if self.nodes[id].kind != NodeKind::Alias {
            return id;
        }
        self.alias_defs
            .binary_search_by_key(&id, |&(alias, _)| alias)
            .map_or(id, |i| self.alias_defs[i].1)
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

    /// The path of keys and list indexes from the root down to `target`, written
    /// as messages write it: `spec.template.metadata.labels`,
    /// `metadata.annotations["a/b"]`, `containers[0].args[1]`.
    pub fn path_to(&self, target: NodeId) -> String {
        self.path_where(|id| id <= target && target < self.nodes[id].next)
    }

    /// The path down to the deepest node whose text holds byte offset `at`.
    pub fn path_at(&self, at: usize) -> String {
        self.path_where(|id| self.nodes[id].start <= at && at <= self.content_end(id))
    }

    /// Descends from the root, each step into the child that `holds` the place
    /// asked for, and writes the keys and indexes it passes; it stops at a key
    /// that holds the place (and its value does not).
    fn path_where(&self, holds: impl Fn(NodeId) -> bool) -> String {
        let mut path = String::new();
        let Some(mut node) = self.root() else {
            return path;
        };
        loop {
            match self.nodes[node].kind {
                NodeKind::Map => {
                    let Some((k, v)) = self.pairs(node).find(|&(k, v)| holds(k) || holds(v)) else {
                        break;
                    };
                    let key = self.str(k).unwrap_or("?");
                    if key.contains(['.', '/']) {
                        path.push_str(&format!("[{key:?}]"));
                    } else {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(key);
                    }
                    if !holds(v) {
                        break;
                    }
                    node = v;
                }
                NodeKind::Seq => {
                    let Some((i, item)) = self.children(node).enumerate().find(|&(_, c)| holds(c))
                    else {
                        break;
                    };
                    path.push_str(&format!("[{i}]"));
                    node = item;
                }
                _ => break,
            }
        }
        path
    }

    /// Byte offset where the text of a node really ends: the end of its last
    /// descendant (a block collection's own end lies after trailing comments).
    pub fn content_end(&self, id: NodeId) -> usize {
        let n = &self.nodes[id];
        match n.kind {
            // An empty value ends after its own `:` (`key:`, or an explicit `:`
            // line).
            NodeKind::Scalar if n.start == n.end && n.layout.colon.is_some() => {
                n.layout.colon.map_or(n.end, |c| c.end)
            }
            NodeKind::Scalar | NodeKind::Alias => n.end,
            _ if n.style == Style::Flow => n.end,
            _ => match self.last_written_child(id) {
                Some(c) => self.content_end(c),
                None => n.start,
            },
        }
    }

    /// The last child that has text of its own. An implicit null (`key:` with
    /// nothing, `? key` with no value) has an empty span that the parser may place
    /// at the next token, past the end of the collection, so it does not count.
    fn last_written_child(&self, id: NodeId) -> Option<NodeId> {
        let mut last = None;
        let mut at = id + 1;
        let stop = self.nodes[id].next;
        while at < stop {
            let c = &self.nodes[at];
            // (An empty value with a `:` of its own has that `:` as its text.)
            let empty = c.kind == NodeKind::Scalar && c.start == c.end;
            if !empty || c.layout.colon.is_some() {
                last = Some(at);
            }
            at = c.next;
        }
        last
    }

    /// Every alias of the document with the node that defines its anchor, in
    /// document order. Empty for almost every document (Helm writes none).
    pub fn aliases(&self) -> &[(NodeId, NodeId)] {
        &self.alias_defs
    }

    /// Every key that repeats an earlier key of its mapping, anywhere in the
    /// document, in document order. Kubernetes accepts such mappings (its YAML
    /// decoder keeps the last value); see [`Doc::get`].
    pub fn duplicate_keys(&self) -> Vec<NodeId> {
        let mut out = Vec::new();
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
                        out.push(a);
                    }
                }
            } else {
                let mut seen = std::collections::HashSet::with_capacity(keys.len());
                for &k in &keys {
                    if self.is_scalar(k) && !seen.insert(self.nodes[k].value.as_ref()) {
                        out.push(k);
                    }
                }
            }
        }
        out
    }

    /// Every (key, value) pair of mapping `id` whose key is `key`: one, unless
    /// the key repeats.
    pub fn get_all<'d>(
        &'d self,
        id: NodeId,
        key: &'d str,
    ) -> impl Iterator<Item = (NodeId, NodeId)> + 'd {
        self.pairs(id)
            .filter(move |&(k, _)| self.is_scalar(k) && self.nodes[k].value == key)
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
    let mut reader = Reader {
        input,
        each,
        doc: Doc::default(),
        held: None,
        spare: Vec::new(),
        stack: Vec::new(),
        line_cache: (0, 0),
        cursor: 0,
        go_value_at: None,
        index: 0,
        next_region: 0,
        anchors: std::collections::HashMap::new(),
        _error: std::marker::PhantomData,
    };
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
fn directives_start(input: &str, at: usize) -> usize {
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
fn glance<'t>(
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

struct Reader<'a, E, F> {
    input: &'a str,
    each: F,
    doc: Doc<'a>,
    held: Option<Doc<'a>>,
    spare: Vec<Node<'a>>,
    /// Open collections: (node, children so far, its last child).
    stack: Vec<(usize, usize, usize)>,
    /// The last line end found, for the `crlf` of nodes on the same line.
    line_cache: (usize, usize),
    /// Where the text the parser has handed over as events ends: the end of the
    /// last event, or the start of the last collection start (whose span may
    /// hold its `?`). Between it and the next node stand only blanks, comments
    /// and indicators (see [`Reader::go_yaml_refusal`]).
    cursor: usize,
    /// A `:` that go-yaml reads as the value indicator of a flow sequence
    /// entry's empty `?` key, after skipping the token before it (see
    /// [`Reader::empty_seq_key_reads`]), although the parser reads it otherwise.
    go_value_at: Option<usize>,
    index: usize,
    /// Where the next implicit document's region starts.
    next_region: usize,
    /// The current document's anchors: the parser's id (a name defined twice
    /// gets two) → the node that defines it.
    anchors: std::collections::HashMap<usize, NodeId>,
    _error: std::marker::PhantomData<E>,
}

/// Why reading stopped early: the callback's error, or a syntax error.
type Stop<E> = Result<Result<(), E>, SyntaxError>;

impl<'a, E, F: FnMut(&Doc<'a>) -> Result<(), E>> Reader<'a, E, F> {
    /// Hands over the held document, its region ending at `end`.
    fn release(&mut self, end: usize) -> Result<(), Stop<E>> {
        if let Some(mut prev) = self.held.take() {
            prev.region_end = end;
            if let Err(e) = (self.each)(&prev) {
                return Err(Ok(Err(e)));
            }
            self.spare = prev.nodes;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), E> {
        match self.release(self.input.len()) {
            Err(Ok(Err(e))) => Err(e),
            _ => Ok(()),
        }
    }

    /// Reads the text `input[start..end]`, which starts at line `start_line`.
    fn chunk(
        &mut self,
        start: usize,
        start_line: usize,
        end: usize,
        skip: &impl Fn(&Glance<'a>) -> bool,
    ) -> Result<(), Stop<E>> {
        let text = &self.input[start..end];
        self.next_region = start;
        if let Some(g) = glance(text, start, start_line, skip) {
            self.release(start)?;
            self.index += 1;
            let nodes = self.fresh_nodes();
            self.held = Some(Doc {
                index: self.index,
                region_start: start,
                region_end: end,
                nodes,
                glance: Some(g),
                alias_defs: Vec::new(),
            });
            return Ok(());
        }
        let line_base = start_line - 1;
        self.cursor = start;
        for item in Parser::new_from_str_with_options(text, parser_options()) {
            let (event, span) = item.map_err(|e| {
                Err(SyntaxError {
                    message: e.info().to_string(),
                    line: e.marker().line() + line_base,
                    col: e.marker().col() + 1,
                    doc_index: self.index.max(1),
                })
            })?;
            let so = span.start.byte_offset().unwrap_or(0);
            let at = Span {
                start: start + so,
                end: start + span.end.byte_offset().unwrap_or(so),
                line: span.start.line() + line_base,
                col: span.start.col(),
            };
            let opens = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
            self.event(event, at)?;
            self.cursor = if opens { at.start } else { at.end };
        }
        Ok(())
    }

    /// A node vector to reuse (the previous document's, emptied).
    fn fresh_nodes(&mut self) -> Vec<Node<'a>> {
        let mut nodes = std::mem::take(&mut self.spare);
        nodes.clear();
        nodes
    }

    fn event(&mut self, event: Event<'a>, at: Span) -> Result<(), Stop<E>> {
        let (kind, style, value, anchor) = match event {
            Event::DocumentStart(explicit, _) => return self.start_document(explicit, at.start),
            Event::DocumentEnd => {
                // An explicit `...` ends the region after its line.
                self.next_region = if at.end > at.start {
                    line_end(self.input, at.end)
                } else {
                    at.end
                };
                self.held = Some(std::mem::take(&mut self.doc));
                return Ok(());
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((id, _, _)) = self.stack.pop() {
                    let len = self.doc.nodes.len();
                    let n = &mut self.doc.nodes[id];
                    n.next = len;
                    n.end = at.end;
                }
                return Ok(());
            }
            Event::Scalar(value, style, anchor, tag) => {
                if style == ScalarStyle::Plain
                    && self.go_value_at != Some(at.start)
                    && let Some(refusal) =
                        self.go_yaml_refusal(&value, anchor != 0 || tag.is_some(), at)
                {
                    return Err(Err(refusal));
                }
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
            Event::Alias(id) => (NodeKind::Alias, Style::Plain, Cow::Borrowed(""), id),
            Event::UnresolvedAlias(_) => (NodeKind::Alias, Style::Plain, Cow::Borrowed(""), 0),
            _ => return Ok(()),
        };
        self.push(kind, style, value, anchor, at);
        Ok(())
    }

    /// A plain scalar the parser accepts where go-yaml, the reader behind Helm
    /// and kubectl (sigs.k8s.io/yaml; kyaml too), refuses the document: an
    /// empty key (a `:` with no key before it) and the flow forms go-yaml
    /// tokenizes differently. Ported from go-yaml v2.4.0 and v3.0.1 (the same
    /// code in both), `parserc.go` and `scannerc.go`, which port libyaml:
    ///
    /// - `yaml_parser_fetch_value` (scannerc.go): a `:` with no simple key
    ///   pending (no key text, `&anchor` or `!tag` before it on its line) and no
    ///   `?` before it makes a VALUE token with no KEY token, which
    ///   `yaml_parser_parse_block_mapping_key` refuses ("did not find expected
    ///   key") and `yaml_parser_parse_node` refuses in a flow collection ("did
    ///   not find expected node content"). The parser reads it as an empty,
    ///   untagged plain key with no `?` before it. `? ` alone (`?` then `: v`,
    ///   `{? : v}`) and a key of properties alone (`&a : v`, `!!str : v`) do
    ///   make a KEY token: go-yaml reads them, and so do we.
    /// - `yaml_parser_fetch_next_token` (scannerc.go): in a flow collection `?`
    ///   and `:` are indicators wherever a token starts, so a plain scalar that
    ///   begins with one (`[:8080]`, `{a: ?x}`) is, for go-yaml, an indicator
    ///   and then the rest.
    /// - `yaml_parser_scan_plain_scalar` (scannerc.go): in a flow collection a
    ///   plain scalar ends at a `?` (`[http://h/p?q=1]`), and a KEY token after a
    ///   node is refused.
    /// - `yaml_parser_parse_flow_sequence_entry_mapping_key` (parserc.go): a `?`
    ///   in a flow sequence whose key is empty skips the token after it (the
    ///   `:`, `,` or `]`; libyaml's parser.c does the same).
    ///
    /// Forms go-yaml reads differently but reads (`{?x: 1}` is `{x: 1}` there)
    /// are left alone.
    fn go_yaml_refusal(&mut self, text: &str, props: bool, at: Span) -> Option<SyntaxError> {
        let input = self.input;
        let bytes = input.as_bytes();
        let &(parent, count, _) = self.stack.last()?;
        let p = {
            let p = &self.doc.nodes[parent];
            Parent {
                kind: p.kind,
                style: p.style,
                start: p.start,
            }
        };
        let flow = p.style == Style::Flow;
        let key = p.kind == NodeKind::Map && count % 2 == 0;
        if at.start == at.end {
            // The empty key. (A block collection differs in nothing else.)
            if props || !key || text != "~" {
                return None;
            }
            if gap_last(input, self.cursor, at.start) != Some(b'?') {
                let why = if flow {
                    "did not find expected node content"
                } else {
                    "did not find expected key"
                };
                return Some(self.refusal(
                    at.start,
                    at,
                    &format!(
                        "a `:` with no key before it (an empty key), which Helm and kubectl \
                         refuse (go-yaml: {why})"
                    ),
                ));
            }
            // `[? , a]`: the single pair of a flow sequence entry starts at its
            // `?` (a `{` starts a flow mapping).
            if flow && bytes.get(p.start) == Some(&b'?') && !self.empty_seq_key_reads(at.start) {
                return Some(self.refusal(p.start, at, EMPTY_SEQ_KEY));
            }
            return None;
        }
        if !flow {
            return None;
        }
        let value = p.kind == NodeKind::Map && !key;
        // The single pair of a flow sequence entry (`[a: 1]`, `[? a]`), not a
        // `{…}` mapping.
        let pair = p.kind == NodeKind::Map && bytes.get(p.start) != Some(&b'{');
        let after_question = gap_last(input, self.cursor, at.start) == Some(b'?');
        // yaml_parser_scan_plain_scalar (scannerc.go): in a flow collection a
        // plain scalar ends at a `?`, and the KEY token that `?` makes then
        // follows a node, where go-yaml's parser takes only `,`, the end or `:`.
        if let Some(q) = bytes[at.start + 1..at.end].iter().position(|&b| b == b'?') {
            return Some(self.refusal(at.start + 1 + q, at, QUESTION_INSIDE));
        }
        // (Only read after a `:` or `?`, so 1 is a character boundary.)
        let rest = text.get(1..).unwrap_or_default();
        let reads = match bytes[at.start] {
            // After a `?`: `{? :x}` is `{null: x}` there; in a sequence the
            // `?` skips the `:` (`[? ::]` is `[{null: null}]`, `[? :x]` refused).
            b':' if key && after_question && pair && rest.is_empty() => {
                self.empty_seq_key_value(at.end)
            }
            b':' if key && after_question && pair => rest.starts_with(':'),
            b':' if key && after_question => !rest.starts_with(':'),
            // Elsewhere the rest after the VALUE token must not be a second one.
            b':' if rest.starts_with(':') => false,
            // With properties before it the `:` ends a simple key (theirs): an
            // entry of its own where a key or an item may stand.
            b':' if props => !value,
            b':' => false,
            // `&a ?x`: properties of an empty node, and then a KEY token.
            b'?' if props || value || after_question => false,
            b'?' if !pair && key => !rest.starts_with("::"),
            // A sequence entry or its pair's key: the empty `?` key again.
            b'?' => match rest.as_bytes() {
                [] => self.empty_seq_key_reads(at.end),
                [b':'] => self.empty_seq_key_value(at.end),
                [b':', b':', ..] => true,
                [b':', ..] => false,
                _ => true,
            },
            _ => true,
        };
        if reads {
            return None;
        }
        let what = if bytes[at.start] == b':' {
            "a plain scalar that begins with `:` in a flow collection, which Helm and \
             kubectl read as a `:` with no key before it and refuse; quote it"
        } else {
            "a plain scalar that begins with `?` in a flow collection, which Helm and \
             kubectl read as a `?` key indicator and refuse here; quote it"
        };
        Some(self.refusal(at.start, at, what))
    }

    /// Whether go-yaml reads a flow sequence entry whose `?` has an empty key,
    /// given where the token after that `?` is (at or after `from`).
    /// `yaml_parser_parse_flow_sequence_entry_mapping_key` (parserc.go) skips
    /// that token (`:`, `,` or `]`) instead of leaving it to the next state,
    /// which wants a `:` (then the value) or else closes the pair and wants `,`
    /// or `]`. So `[? ,]`, `[? :, b]` and `[? , : v]` read; `[? , b]`, `[? ]`
    /// and `[? : v]` do not, nor does any `?` right before `]` (the sequence
    /// lost its end). A `:` read as the pair's value is remembered.
    fn empty_seq_key_reads(&mut self, from: usize) -> bool {
        match next_token(self.input, from) {
            Some((skipped, b',' | b':')) => self.empty_seq_key_value(skipped + 1),
            _ => false,
        }
    }

    /// After the skipped token: whether the next one, at or after `from`, is
    /// one go-yaml wants there.
    fn empty_seq_key_value(&mut self, from: usize) -> bool {
        match next_token(self.input, from) {
            Some((_, b',' | b']')) => true,
            Some((colon, b':')) => {
                self.go_value_at = Some(colon);
                true
            }
            _ => false,
        }
    }

    /// A syntax error at byte `at_byte`, on the line of (or a few lines before)
    /// the node at `node`.
    fn refusal(&self, at_byte: usize, node: Span, message: &str) -> SyntaxError {
        let (lo, hi) = (at_byte.min(node.start), at_byte.max(node.start));
        let lines = self.input.as_bytes()[lo..hi]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        SyntaxError {
            message: message.to_string(),
            line: if at_byte < node.start {
                node.line - lines
            } else {
                node.line + lines
            },
            col: column(self.input, at_byte) + 1,
            doc_index: self.index.max(1),
        }
    }

    fn start_document(&mut self, explicit: bool, at: usize) -> Result<(), Stop<E>> {
        let region_start = if explicit {
            directives_start(self.input, at)
        } else {
            self.next_region
        };
        self.release(region_start)?;
        self.index += 1;
        let nodes = self.fresh_nodes();
        self.doc = Doc {
            index: self.index,
            region_start,
            region_end: self.input.len(),
            nodes,
            glance: None,
            alias_defs: Vec::new(),
        };
        self.stack.clear();
        self.anchors.clear();
        Ok(())
    }

    /// Adds a node, with its layout, under the innermost open collection.
    fn push(&mut self, kind: NodeKind, style: Style, value: Cow<'a, str>, anchor: usize, at: Span) {
        let mut end = at.end;
        // A block scalar's span can end after the next line's indentation; its
        // text really ends at the line break before it.
        if matches!(style, Style::Literal | Style::Folded) {
            let bytes = self.input.as_bytes();
            let mut back = end;
            while back > at.start && bytes[back - 1] == b' ' {
                back -= 1;
            }
            if back > at.start && bytes[back - 1] == b'\n' {
                end = back;
            }
        }
        let mut layout = self.layout(at, kind);
        layout.colon = self.own_colon(kind, at);
        if let Some(c) = layout.colon.filter(|c| !c.bare()) {
            // `key: &a`: the empty span may stand anywhere after these.
            layout.props = c.props;
        }
        let id = self.doc.nodes.len();
        if let Some((parent, count, last)) = self.stack.last_mut() {
            let parent_node = &mut self.doc.nodes[*parent];
            // A block mapping's keys stand where its first key's entry stands.
            if *count == 0 && parent_node.kind == NodeKind::Map && parent_node.style == Style::Block
            {
                parent_node.layout.indent = layout.indent;
            }
            *count += 1;
            *last = id;
        }
        self.doc.nodes.push(Node {
            kind,
            style,
            value,
            start: at.start,
            end,
            line: at.line,
            col: at.col,
            next: id + 1,
            anchored: anchor != 0 && kind != NodeKind::Alias,
            layout,
        });
        if anchor != 0 {
            if kind != NodeKind::Alias {
                self.anchors.insert(anchor, id);
            } else if let Some(&def) = self.anchors.get(&anchor) {
                self.doc.alias_defs.push((id, def));
            }
        }
        if matches!(kind, NodeKind::Map | NodeKind::Seq) {
            self.stack.push((id, 0, id));
        }
    }

    /// When the node being pushed is an empty scalar that is the value of a pair
    /// with a scalar or alias key: the `:` that belongs to it, if the source has
    /// one and nothing but blanks, line breaks and comments follow that `:`. This
    /// is the one place that decides where an empty value is written: the parser
    /// puts an implicit null's empty span at the next token, which may be another
    /// pair's `:`, so nothing else may look there.
    ///
    /// - `key:`, `key   :`, `{a: }`: the `:` after blanks on the key's line;
    /// - `? key` then `:` (block): the `:` in the `?`'s column, possibly after
    ///   blank and comment lines;
    /// - `key: !tag`: that `:`, with the tag as the rest of the value's text;
    /// - `? key` alone, `{? a}`: none.
    fn own_colon(&self, kind: NodeKind, at: Span) -> Option<Colon> {
        if kind != NodeKind::Scalar || at.start != at.end {
            return None;
        }
        let &(parent, count, key) = self.stack.last()?;
        let p = &self.doc.nodes[parent];
        if p.kind != NodeKind::Map || count % 2 == 0 {
            return None;
        }
        let key = &self.doc.nodes[key];
        if !matches!(key.kind, NodeKind::Scalar | NodeKind::Alias) || key.start == key.end {
            return None;
        }
        let bytes = self.input.as_bytes();
        let colon = if p.style == Style::Block && key.layout.entry != key.layout.props {
            let mut c = key.end;
            loop {
                match bytes.get(c)? {
                    b' ' | b'\t' | b'\r' | b'\n' => c += 1,
                    b'#' => c = line_end(self.input, c),
                    // Only a `:` in the `?`'s column belongs to this pair, and
                    // only when a blank follows it: `::` or `:x` begins a plain
                    // scalar, the next key (found by the fuzz target).
                    b':' if column(self.input, c) == key.layout.indent
                        && bytes
                            .get(c + 1)
                            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) =>
                    {
                        break c;
                    }
                    _ => return None,
                }
            }
        } else {
            let rest = &self.input[key.end..];
            let c = key.end + rest.len() - rest.trim_start_matches([' ', '\t']).len();
            (bytes.get(c) == Some(&b':')).then_some(c)?
        };
        // Between the `:` and where the parser put the empty span: only blanks,
        // line breaks, comments and the value's own properties.
        let from = colon + 1;
        let between = self.input.get(from..at.start.max(from))?;
        let (mut props, mut end) = (None, from);
        let mut line_at = from;
        for line in between.split_inclusive('\n') {
            let mut word_at = line_at;
            for word in line.split_inclusive([' ', '\t', '\r', '\n']) {
                let w = word.trim_end_matches([' ', '\t', '\r', '\n']);
                if w.starts_with('#') {
                    break;
                }
                if w.starts_with(['&', '!']) {
                    props.get_or_insert(word_at);
                    end = word_at + w.len();
                } else if !w.is_empty() {
                    return None;
                }
                word_at += word.len();
            }
            line_at += line.len();
        }
        Some(Colon {
            at: colon,
            props: props.unwrap_or(end),
            end,
        })
    }

    /// The layout of a node that starts at `at`, from the bytes before it on its
    /// line and from its parent.
    fn layout(&mut self, at: Span, kind: NodeKind) -> Layout {
        let bytes = self.input.as_bytes();
        let parent = self
            .stack
            .last()
            .map(|&(p, count, _)| (&self.doc.nodes[p], count));
        let block_key = parent.is_some_and(|(p, count)| {
            p.kind == NodeKind::Map && p.style == Style::Block && count % 2 == 0
        });
        let block_item =
            parent.is_some_and(|(p, _)| p.kind == NodeKind::Seq && p.style == Style::Block);
        let in_block = parent.is_none_or(|(p, _)| p.style == Style::Block);
        let props = if in_block {
            properties_before(self.input, at.start)
        } else {
            at.start
        };
        let mut entry = props;
        if block_key
            && kind == NodeKind::Scalar
            && let Some(q) = explicit_indicator(self.input, props)
        {
            entry = q;
        }
        // Columns count characters; properties and `?` may follow wide ones.
        let indent = if entry == at.start {
            at.col
        } else {
            column(self.input, entry)
        };
        let mut back = entry;
        while back > 0 && bytes[back - 1] == b' ' {
            back -= 1;
        }
        let first_on_line = back == 0 || bytes[back - 1] == b'\n';
        let dash = if block_item {
            dash_before(self.input, props)
        } else {
            None
        };
        Layout {
            entry,
            props,
            colon: None,
            indent,
            first_on_line,
            dash,
            crlf: self.crlf_at(at.start),
        }
    }

    /// Whether the line holding `at` ends with `\r\n` (one scan per line).
    fn crlf_at(&mut self, at: usize) -> bool {
        let (from, to) = self.line_cache;
        let end = if at >= from && at < to {
            to
        } else {
            let e = line_end(self.input, at);
            self.line_cache = (at, e);
            e
        };
        end >= 2 && &self.input.as_bytes()[end - 2..end] == b"\r\n"
    }
}

const QUESTION_INSIDE: &str = "a `?` inside a plain scalar in a flow collection, where Helm and \
     kubectl end the scalar and refuse the rest (go-yaml: did not find expected ',' or ']', \
     or '}'); quote the scalar";

const EMPTY_SEQ_KEY: &str = "a `?` with an empty key in a flow sequence, which Helm and kubectl \
     refuse (go-yaml skips the token after it: did not find expected ',' or ']')";

/// The first byte at or after `from` that is not a blank, a line break or in a
/// comment, with its offset. Only for text between tokens, where a `#` can only
/// begin a comment.
fn next_token(input: &str, from: usize) -> Option<(usize, u8)> {
    let bytes = input.as_bytes();
    let mut at = from;
    while let Some(&b) = bytes.get(at) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => at = line_end(input, at),
            _ => return Some((at, b)),
        }
    }
    None
}

/// The last byte of `input[from..to]` that is not a blank, a line break or in a
/// comment. Only for text between tokens, where a `#` can only begin a comment.
fn gap_last(input: &str, from: usize, to: usize) -> Option<u8> {
    let mut last = None;
    let mut at = from;
    while let Some((found, b)) = next_token(input, at).filter(|&(found, _)| found < to) {
        last = Some(b);
        at = found + 1;
    }
    last
}

/// The column of `at`, in characters from the start of its line.
fn column(input: &str, at: usize) -> usize {
    input[line_start(input, at)..at].chars().count()
}

/// Where the properties (`&anchor`, `!tag`, in any order) that stand on the same
/// line right before `start` begin; `start` when there are none. In a block
/// collection nothing else can stand there: what precedes a node on its line is
/// indentation, `-`, `?`, `key:` or its own properties, and only properties
/// begin with `&` or `!`.
fn properties_before(input: &str, start: usize) -> usize {
    let bytes = input.as_bytes();
    let mut at = start;
    loop {
        // Properties are separated from what follows by blanks on the same line.
        let mut blank = at;
        while blank > 0 && matches!(bytes[blank - 1], b' ' | b'\t') {
            blank -= 1;
        }
        if blank == at || blank == 0 || bytes[blank - 1] == b'\n' {
            return at;
        }
        let mut word = blank;
        while word > 0 && !matches!(bytes[word - 1], b' ' | b'\t' | b'\n') {
            word -= 1;
        }
        if !matches!(bytes[word], b'&' | b'!') {
            return at;
        }
        at = word;
    }
}

/// The `?` of an explicit key whose text starts at `start` (`? name`, or `?` on
/// the line above): a `?` followed by a blank, with only spaces and `-` before it
/// on its line. A plain scalar cannot begin with `? `, so nothing else matches.
fn explicit_indicator(input: &str, start: usize) -> Option<usize> {
    let before = input[..start].trim_end_matches([' ', '\n', '\r']);
    let q = before.len().checked_sub(1)?;
    if input.as_bytes()[q] != b'?' || q + 1 == start {
        return None;
    }
    let line = line_start(input, q);
    input[line..q]
        .bytes()
        .all(|b| b == b' ' || b == b'-')
        .then_some(q)
}

/// The `-` that introduces a block sequence item starting at `start`, when it is
/// the first thing on its line (possibly on the line above: `-` alone).
fn dash_before(input: &str, start: usize) -> Option<Dash> {
    let before = input[..start].trim_end_matches([' ', '\n', '\r']);
    if !before.ends_with('-') {
        return None;
    }
    let at = before.len() - 1;
    let line = line_start(input, at);
    input[line..at]
        .bytes()
        .all(|b| b == b' ')
        .then(|| Dash { at, col: at - line })
}

/// What [`Reader::go_yaml_refusal`] needs of the innermost open collection.
struct Parent {
    kind: NodeKind,
    style: Style,
    start: usize,
}

/// Where an event's node is.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    line: usize,
    col: usize,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glance_reads_plain_block_documents_only() {
        let crd = "---\n# Source: x\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  labels:\n    name: not-this\n  name: widgets.example.com\nspec:\n  names:\n    kind: Widget\n";
        let g = glance(crd, 100, 10, &|_| true).unwrap();
        assert_eq!(
            (g.kind, g.api_version, g.name, g.line),
            (
                "CustomResourceDefinition",
                "apiextensions.k8s.io/v1",
                Some("widgets.example.com"),
                13
            )
        );
        assert_eq!(&crd[g.at - 100..g.at - 100 + 8], "CustomRe");
        for unsure in [
            "--- {kind: CustomResourceDefinition, apiVersion: v1}\n",
            "apiVersion: v1\nkind: A\nkind: B\n",
            "kind: \"Custom\\u0052\"\napiVersion: v1\n",
            "apiVersion: v1\nkind: A\n...\nkind: B\n",
            "apiVersion: v1\nkind: !!str A\n",
            "kind: A\n",
        ] {
            assert_eq!(glance(unsure, 0, 1, &|_| true), None, "{unsure:?}");
        }
    }

    #[test]
    fn skipped_documents_keep_regions_and_indexes() {
        let s = "a: 1\n---\napiVersion: v1\nkind: Skip\nmetadata:\n  name: s\n---\nb: 2\n";
        let mut seen = Vec::new();
        for_each_doc_skipping(
            s,
            |g| g.kind == "Skip",
            |d: &Doc<'_>| -> Result<(), ()> {
                seen.push((
                    d.index,
                    d.region_start,
                    d.region_end,
                    d.glance.is_some(),
                    d.nodes.len(),
                ));
                Ok(())
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            seen,
            vec![
                (1, 0, 5, false, 3),
                (2, 5, 55, true, 0),
                (3, 55, 64, false, 3)
            ]
        );
    }

    /// Every node of the first document.
    fn nodes(s: &str) -> Vec<Node<'_>> {
        let mut out = Vec::new();
        for_each_doc(s, |d: &Doc<'_>| -> Result<(), ()> {
            if out.is_empty() {
                out = d.nodes.clone();
            }
            Ok(())
        })
        .unwrap()
        .unwrap();
        out
    }

    #[test]
    fn keys_line_up_under_their_properties() {
        // (input, the column of the innermost block mapping's keys)
        for (s, col) in [
            ("l:\n    - &a name: gw\n", 6),
            ("l:\n    - &? name : gw}\n", 6),
            ("l:\n    - !!str &b name: gw\n", 6),
            ("l:\n    - ? &a name\n      : gw\n", 6),
            ("&r a: 1\nb: 2\n", 0),
            ("l:\n  - &m\n    name: gw\n", 4),
        ] {
            let n = nodes(s);
            let map = n.iter().rev().find(|n| n.kind == NodeKind::Map).unwrap();
            assert_eq!(map.layout.indent, col, "{s:?}");
        }
        // A scalar item's `-` is found past its properties.
        let n = nodes("l:\n  - &s x\n");
        assert_eq!(n[3].layout.dash.map(|d| d.col), Some(2));
    }

    #[test]
    fn an_empty_value_knows_its_own_colon() {
        // (input, the text from the empty value's `:` to its end, or None)
        for (s, text) in [
            ("k:\nn: 1\n", Some(":")),
            ("k   :\nn: 1\n", Some(":")),
            ("k: !!null # c\nn: 1\n", Some(": !!null")),
            ("k:\n  &a\nn: 1\n", Some(":\n  &a")),
            ("? k\n:\nn: 1\n", Some(":")),
            // `::` at the `?`'s column is a key `:` of its own, not the value's.
            ("? k\n:: !!null\n", None),
            ("{a: , b: 1}", Some(":")),
            // `? k` alone: the parser puts the empty value at the next token,
            // here the outer mapping's `?`.
            ("o:\n  ? k\n?\n:\n", None),
            ("{? a}", None),
        ] {
            let n = nodes(s);
            let empty = n
                .iter()
                .find(|n| n.kind == NodeKind::Scalar && n.start == n.end)
                .unwrap();
            assert_eq!(empty.layout.colon.map(|c| &s[c.at..c.end]), text, "{s:?}");
        }
    }

    #[test]
    fn refuses_what_go_yaml_refuses() {
        // (input, refused) as gopkg.in/yaml.v2 2.4.0 and yaml.v3 3.0.1 both
        // answer (Unmarshal); only inputs the parser itself accepts.
        for (s, refused) in [
            // An empty key: a `:` with no key text, properties or `?` before it.
            ("a: 1\n: v\n", true),
            ("data:\n  : value\n", true),
            (": v\n", true),
            ("- : v\n", true),
            ("? : v\n", true),
            ("?\n:\n: v\n", true),
            ("a: !!null\n: v\n", true),
            ("a: x ? # y\n: v\n", true),
            ("{: v}", true),
            ("[: v]", true),
            ("{a: 1, : v}", true),
            ("[a, : v]", true),
            // In a flow collection `:` and `?` start no plain scalar.
            ("[:8080]", true),
            ("{a: :8080}", true),
            ("[?]", true),
            ("[?: v]", true),
            ("{a: ?x}", true),
            ("[ ? ?x]", true),
            // An empty `?` key in a flow sequence skips the next token.
            ("[? , b]", true),
            ("[? ]", true),
            // What go-yaml reads.
            ("?\n: v\n", false),
            ("? # c\n# d\n: v\n", false),
            ("a:\n? \n: v\n", false),
            ("- ? \n  : v\n", false),
            ("a:\n  &x : v\n", false),
            ("a:\n  !!str : v\n", false),
            ("{? : v}", false),
            ("{ ? # c\n : v}", false),
            ("{a: 1, ? : v}", false),
            ("{?}", false),
            ("{?: v}", false),
            ("{&a : v}", false),
            ("[!!str : v]", false),
            ("[? ,]", false),
            ("[? , : v]", false),
            ("[? :: ]", false),
            ("[&a :x]", false),
            ("{? :x}", false),
            ("[?x]", false),
            ("{?x: 1}", false),
            ("a: :8080\n", false),
            ("::\n", false),
            (":x: 1\n", false),
            ("a: x?y\n", false),
            ("a: [\"http://h/p?q=1\"]\n", false),
            // In a flow collection a plain scalar ends at a `?`.
            ("[--url=http://h/p?q=1]", true),
            ("{u: http://h/p?q=1}", true),
            ("{a?x: 1}", true),
            ("? k\n:: !!null\n", false),
        ] {
            let r = for_each_doc(s, |_: &Doc<'_>| -> Result<(), ()> { Ok(()) });
            assert_eq!(r.is_err(), refused, "{s:?}: {:?}", r.err());
        }
        // Where: the `:` of an empty key, in the right document.
        let e = for_each_doc(
            "a: 1\n---\nb:\n  c: 1\n  : v\n",
            |_: &Doc<'_>| -> Result<(), ()> { Ok(()) },
        )
        .unwrap_err();
        assert_eq!((e.doc_index, e.line, e.col), (2, 5, 3), "{}", e.message);
    }
}
