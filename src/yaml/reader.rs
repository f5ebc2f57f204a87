//! The event reader: granit-parser's events become the nodes of [`Doc`], each
//! with its span and layout, and the constructs Helm and kubectl read otherwise
//! are refused.

use super::*;

pub(super) struct Reader<'a, E, F> {
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
    /// A reader of `input` that hands every document to `each`.
    pub(super) fn new(input: &'a str, each: F) -> Self {
        Reader {
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
        }
    }

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

    pub(super) fn finish(mut self) -> Result<(), E> {
        match self.release(self.input.len()) {
            Err(Ok(Err(e))) => Err(e),
            _ => Ok(()),
        }
    }

    /// Reads the text `input[start..end]`, which starts at line `start_line`.
    pub(super) fn chunk(
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
