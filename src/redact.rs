//! Secret values never leave the tool: `diff` shows `<redacted>` in place of every
//! value under a Secret's `data` and `stringData`.

use crate::edit::{self, Edit};
use crate::syntax::{self, Doc};

pub const REDACTED: &str = "<redacted>";

/// The stream with every Secret `data`/`stringData` value replaced by `<redacted>`.
/// A stream that does not parse is returned whole-redacted rather than shown.
pub fn redact_secrets(text: &str) -> String {
    let mut edits = Vec::new();
    let parsed = syntax::for_each_doc(text, |doc: &Doc<'_>| -> Result<(), ()> {
        let Some(root) = doc.root().filter(|&r| doc.is_map(r)) else {
            return Ok(());
        };
        if doc.get_str(root, "kind") != Some("Secret") {
            return Ok(());
        }
        for section in ["data", "stringData"] {
            let Some(map) = doc.get(root, section) else {
                continue;
            };
            if !doc.is_map(map) {
                let n = doc.node(map);
                edits.push(Edit::replace(n.start, doc.content_end(map), REDACTED));
                continue;
            }
            for (_, v) in doc.pairs(map) {
                let n = doc.node(v);
                let end = doc.content_end(v);
                let keep_eol = text[..end].ends_with('\n');
                let mut t = REDACTED.to_string();
                if keep_eol {
                    t.push('\n');
                }
                edits.push(Edit::replace(n.start, end, t));
            }
        }
        Ok(())
    });
    match parsed {
        Ok(Ok(())) => edit::apply(text, &mut edits).unwrap_or_else(|_| REDACTED.to_string()),
        _ => REDACTED.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_redacted_and_the_rest_kept() {
        let s = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: c2VjcmV0\nstringData:\n  b: |\n    multi\n    line\n  c: {x: y}\n---\nkind: ConfigMap\ndata:\n  a: visible\n";
        let r = redact_secrets(s);
        assert!(
            !r.contains("c2VjcmV0") && !r.contains("multi") && !r.contains("x: y"),
            "{r}"
        );
        assert!(
            r.contains("a: <redacted>\n") && r.contains("name: s") && r.contains("a: visible"),
            "{r}"
        );
    }
}
