//! Secret values never leave the tool: `diff` shows `<redacted>` in place of every
//! value under a Secret's `data` and `stringData`, and of inline passwords in env.

use crate::edit::{self, Edit};
use crate::k8s::words::SECRET_WORDS;
use crate::yaml::{self, Doc};

pub const REDACTED: &str = "<redacted>";

/// Env var names whose literal values are secrets in all but name.
fn secret_like(name: &str, redis_env: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    name == redis_env || SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// The stream with every Secret `data`/`stringData` value, and the literal value
/// of every env var that carries a password (the Redis env var, `*PASSWORD*`,
/// `*SECRET*`, `*TOKEN*`, …), replaced by `<redacted>`. A stream that does not
/// parse is returned whole-redacted rather than shown.
pub fn redact_secrets(text: &str, redis_env: &str) -> String {
    let mut edits = Vec::new();
    let mut redact = |doc: &Doc<'_>, v: usize| {
        let n = doc.node(v);
        let end = doc.content_end(v);
        let mut t = REDACTED.to_string();
        if text[..end].ends_with('\n') {
            t.push('\n');
        }
        edits.push(Edit::replace(n.start, end, t));
    };
    let parsed = yaml::for_each_doc(text, |doc: &Doc<'_>| -> Result<(), ()> {
        let Some(root) = doc.root().filter(|&r| doc.is_map(r)) else {
            return Ok(());
        };
        // Every occurrence of a repeated key: whichever a reader keeps, no value
        // of a Secret is shown.
        if doc
            .get_all(root, "kind")
            .any(|(_, k)| doc.str(k) == Some("Secret"))
        {
            for section in ["data", "stringData"] {
                for (_, map) in doc.get_all(root, section) {
                    redact_section(doc, map, &mut redact);
                }
            }
            return Ok(());
        }
        // `{name: X, value: "…"}` anywhere: env entries in every kind of pod spec.
        for id in 0..doc.nodes.len() {
            let secret_name = doc
                .get_all(id, "name")
                .any(|(_, n)| doc.str(n).is_some_and(|n| secret_like(n, redis_env)));
            if doc.is_map(id) && secret_name {
                for (_, v) in doc.get_all(id, "value") {
                    if doc.is_scalar(v) {
                        redact(doc, v);
                    }
                }
            }
        }
        Ok(())
    });
    match parsed {
        Ok(Ok(())) => edit::apply(text, &mut edits).unwrap_or_else(|_| REDACTED.to_string()),
        _ => REDACTED.to_string(),
    }
}

/// Every value of a Secret's `data` or `stringData` (the whole section when it
/// is not a mapping).
fn redact_section(doc: &Doc<'_>, map: usize, redact: &mut impl FnMut(&Doc<'_>, usize)) {
    if doc.is_map(map) {
        for (_, v) in doc.pairs(map) {
            redact(doc, v);
        }
    } else {
        redact(doc, map);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_redacted_and_the_rest_kept() {
        let s = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: c2VjcmV0\nstringData:\n  b: |\n    multi\n    line\n  c: {x: y}\n---\nkind: ConfigMap\ndata:\n  a: visible\n";
        let r = redact_secrets(s, "REDIS_PASSWORD");
        assert!(
            !r.contains("c2VjcmV0") && !r.contains("multi") && !r.contains("x: y"),
            "{r}"
        );
        assert!(
            r.contains("a: <redacted>\n") && r.contains("name: s") && r.contains("a: visible"),
            "{r}"
        );
    }

    #[test]
    fn every_occurrence_of_a_repeated_key_is_redacted() {
        // Found in review: only the last occurrence was redacted.
        let s = "kind: Secret\nstringData: {pw: hunter2}\nstringData: {pw: hunter3}\n---\nkind: Pod\nspec: {containers: [{env: [{name: DB_PASSWORD, value: swordfish, value: tuna}]}]}\n";
        let r = redact_secrets(s, "REDIS_PASSWORD");
        for secret in ["hunter2", "hunter3", "swordfish", "tuna"] {
            assert!(!r.contains(secret), "{secret} shown: {r}");
        }
    }

    #[test]
    fn inline_passwords_in_env_are_redacted() {
        let s = "kind: Pod\nspec:\n  containers:\n    - env:\n        - name: REDIS_PASSWORD\n          value: hunter2\n        - {name: DB_PASSWORD, value: swordfish}\n        - name: MODE\n          value: visible\n";
        let r = redact_secrets(s, "REDIS_PASSWORD");
        assert!(!r.contains("hunter2") && !r.contains("swordfish"), "{r}");
        assert!(r.contains("value: visible"), "{r}");
    }
}
