//! The only module that talks to the YAML parser (granit-parser, pinned exactly).
//!
//! The stream is parsed once, event by event; each document becomes a flat arena of
//! nodes that carry exact byte spans into the input. Nothing is ever re-serialized:
//! the rules read this view and produce edits against the original bytes.
//!
//! Three parts: the document model ([`model`]: nodes, layout, `Doc`), the
//! splitting of the stream into documents ([`split`]), and the reader that turns
//! the parser's events into nodes (`reader`).

mod model;
mod reader;
mod split;

pub use model::*;
pub use split::*;

use granit_parser::{Event, Options, Parser, ScalarStyle, StructureStyle};
use reader::*;
use std::borrow::Cow;

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
