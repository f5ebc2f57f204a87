//! The document model: a flat arena of nodes with byte spans into the input and
//! the layout each node was written in, recorded once at parse time.
//!
//! Layout: nodes are stored in pre-order; `next` is the index just past a node's
//! subtree, so children are walked by hopping from a child to its `next`. A mapping's
//! children alternate key, value.

use super::*;

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
    pub(super) alias_defs: Vec<(NodeId, NodeId)>,
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
    pub fn unalias(&self, id: NodeId) -> NodeId {
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

// Reading the source text around a node: where its indicators, properties and
// columns are (the reader records them into `Layout` once, at parse time).

/// The first byte at or after `from` that is not a blank, a line break or in a
/// comment, with its offset. Only for text between tokens, where a `#` can only
/// begin a comment.
pub(super) fn next_token(input: &str, from: usize) -> Option<(usize, u8)> {
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
pub(super) fn gap_last(input: &str, from: usize, to: usize) -> Option<u8> {
    let mut last = None;
    let mut at = from;
    while let Some((found, b)) = next_token(input, at).filter(|&(found, _)| found < to) {
        last = Some(b);
        at = found + 1;
    }
    last
}

/// The column of `at`, in characters from the start of its line.
pub(super) fn column(input: &str, at: usize) -> usize {
    input[line_start(input, at)..at].chars().count()
}

/// Where the properties (`&anchor`, `!tag`, in any order) that stand on the same
/// line right before `start` begin; `start` when there are none. In a block
/// collection nothing else can stand there: what precedes a node on its line is
/// indentation, `-`, `?`, `key:` or its own properties, and only properties
/// begin with `&` or `!`.
pub(super) fn properties_before(input: &str, start: usize) -> usize {
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
pub(super) fn explicit_indicator(input: &str, start: usize) -> Option<usize> {
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
pub(super) fn dash_before(input: &str, start: usize) -> Option<Dash> {
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
