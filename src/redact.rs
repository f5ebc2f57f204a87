//! Secret values never leave the tool. What is not shown, anywhere:
//!
//! - every value under a Secret's `data` and `stringData`;
//! - the literal `value` of a `{name, value}` entry (an env var, in every kind
//!   of pod spec) whose name says it is a secret ([`is_secret_name`]), and the
//!   value of a ConfigMap's `data` key that says so (`envFrom` makes it an env
//!   var);
//! - the password of a URL (`scheme://user:password@host`,
//!   [`redact_text`]).
//!
//! Each shows as `<redacted>`; `diff` marks a value the filter changed as
//! `<redacted, changed>`. Any output can call [`redact_text`] on a line it is
//! about to print and [`redact_value`] on a value it quotes with its name.

use crate::k8s::words::{SECRET_LOCATOR_WORDS, SECRET_PARTS, SECRET_WORDS};
use crate::yaml::{self, Doc};
use std::borrow::Cow;

pub const REDACTED: &str = "<redacted>";
/// What `diff` shows on the copy's side for a value the filter changed.
pub const REDACTED_CHANGED: &str = "<redacted, changed>";

/// A byte range of a text that is not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Whether an env var's (or any `{name, value}` entry's) name says its value is
/// a secret. The name is split into words at `_`, `-`, `.` and where a lower
/// case letter or digit meets an upper case one (`dbPassword`), and compared
/// upper case. It is a secret when it is `redis_env`, or when a word contains
/// one of [`SECRET_PARTS`] (`PGPASSWORD`, `CLIENTSECRET`) or is one of
/// [`SECRET_WORDS`] (`API_KEY`, `DB_PASS`, but not `KEYCLOAK_URL`), unless its
/// last word is one of [`SECRET_LOCATOR_WORDS`]: `PASSWORD_FILE`,
/// `SECRET_NAME` and `TOKEN_URL` say where a secret is, and show.
pub fn is_secret_name(name: &str, redis_env: &str) -> bool {
    if name == redis_env {
        return true;
    }
    let words = name_words(name);
    let secret = words
        .iter()
        .any(|w| SECRET_PARTS.iter().any(|p| w.contains(p)) || SECRET_WORDS.contains(&w.as_str()));
    let locates = words
        .last()
        .is_some_and(|w| SECRET_LOCATOR_WORDS.contains(&w.as_str()));
    secret && !locates
}

/// The words of a name, upper case: split at `_`, `-`, `.` and camel case.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        let boundary = matches!(c, '_' | '-' | '.') || (prev_lower && c.is_uppercase());
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if !matches!(c, '_' | '-' | '.') {
            word.extend(c.to_uppercase());
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A value as any output may quote it: `<redacted>` when `name` says it is a
/// secret ([`is_secret_name`]), otherwise with URL passwords redacted
/// ([`redact_text`]).
pub fn redact_value<'a>(name: &str, value: &'a str, redis_env: &str) -> Cow<'a, str> {
    if is_secret_name(name, redis_env) {
        Cow::Borrowed(REDACTED)
    } else {
        redact_text(value)
    }
}

/// `text` (a line of a message, a value, a whole stream) with the password of
/// every URL in it replaced by `<redacted>`:
/// `postgres://app:<redacted>@db:5432/app`. See [`url_password_spans`].
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let spans = url_password_spans(text);
    if spans.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(mask(text, &spans, |_| REDACTED))
    }
}

/// Where `text`'s URLs carry a password: after `scheme://`, the user info is
/// what comes before the last `@` of the authority (which ends at `/`, `?`, `#`,
/// a blank, `"`, `\`, `<` or `>`: none may stand unescaped in a URL), and the
/// password is what follows its
/// first `:`. A user name alone (`ssh://git@host`) is no password; a password
/// that is only a variable (`$(DB_PASSWORD)`, `${DB_PASSWORD}`, `$DB_PASSWORD`)
/// names where the secret comes from and is shown.
pub fn url_password_spans(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    for (at, _) in text.match_indices("://") {
        if !has_scheme(&text[..at]) {
            continue;
        }
        let start = at + 3;
        let len = text[start..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '/' | '?' | '#' | '"' | '\\' | '<' | '>')
            })
            .unwrap_or(text.len() - start);
        let authority = &text[start..start + len];
        let Some(info) = authority.rfind('@').map(|i| &authority[..i]) else {
            continue;
        };
        let Some(colon) = info.find(':') else {
            continue;
        };
        let password = &info[colon + 1..];
        if !password.is_empty() && !is_variable(password) {
            let from = start + colon + 1;
            spans.push(Span {
                start: from,
                end: from + password.len(),
            });
        }
    }
    spans
}

/// `before` (the text up to `://`) ends in a URL scheme: a letter, then
/// letters, digits, `+`, `-` or `.`.
fn has_scheme(before: &str) -> bool {
    let scheme_len = before
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        .count();
    before[before.len() - scheme_len..]
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
}

/// `$(NAME)`, `${NAME}` or `$NAME`: a reference to a variable, not a value.
fn is_variable(text: &str) -> bool {
    let name = text
        .strip_prefix("$(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| text.strip_prefix("${").and_then(|r| r.strip_suffix('}')))
        .or_else(|| text.strip_prefix('$'));
    name.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// The values of one document that are not shown: every value of a Secret's
/// `data` and `stringData` (the whole section when it is not a mapping), or
/// else the scalar `value` of every `{name, value}` mapping whose name says it
/// is a secret. Every occurrence of a repeated key counts: whichever a reader
/// keeps, none is shown. Empty values (`key:`) have no span.
pub fn document_spans(doc: &Doc<'_>, redis_env: &str) -> Vec<Span> {
    let Some(root) = doc.root().filter(|&r| doc.is_map(r)) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    if doc
        .get_all(root, "kind")
        .any(|(_, k)| doc.str(k) == Some("Secret"))
    {
        for section in ["data", "stringData"] {
            for (_, map) in doc.get_all(root, section) {
                if doc.is_map(map) {
                    values.extend(doc.pairs(map).map(|(_, v)| v));
                } else {
                    values.push(map);
                }
            }
        }
    } else {
        values.extend(secret_env_values(doc, redis_env));
        // A ConfigMap's keys become env vars through `envFrom`: a key that says
        // secret (`DB_PASSWORD`) hides its value as such an env var's.
        if doc
            .get_all(root, "kind")
            .any(|(_, k)| doc.str(k) == Some("ConfigMap"))
        {
            for (_, map) in doc.get_all(root, "data").filter(|&(_, m)| doc.is_map(m)) {
                values.extend(
                    doc.pairs(map)
                        .filter(|&(k, v)| {
                            doc.is_scalar(v)
                                && doc.str(k).is_some_and(|k| is_secret_name(k, redis_env))
                        })
                        .map(|(_, v)| v),
                );
            }
        }
    }
    values
        .into_iter()
        .map(|v| Span {
            start: doc.node(v).start,
            end: doc.content_end(v),
        })
        .filter(|s| s.start < s.end)
        .collect()
}

/// The scalar `value` of every mapping with a secret `name`, anywhere in the
/// document: env entries in every kind of pod spec.
fn secret_env_values(doc: &Doc<'_>, redis_env: &str) -> Vec<usize> {
    let mut values = Vec::new();
    for id in (0..doc.nodes.len()).filter(|&id| doc.is_map(id)) {
        let secret = doc
            .get_all(id, "name")
            .any(|(_, n)| doc.str(n).is_some_and(|n| is_secret_name(n, redis_env)));
        if secret {
            values.extend(
                doc.get_all(id, "value")
                    .map(|(_, v)| v)
                    .filter(|&v| doc.is_scalar(v)),
            );
        }
    }
    values
}

/// `doc_spans` (from [`document_spans`]) and every URL password of `text`
/// outside them, sorted; spans that overlap are joined, so none is shown in
/// part.
pub fn with_url_spans(text: &str, mut doc_spans: Vec<Span>) -> Vec<Span> {
    doc_spans.extend(url_password_spans(text));
    doc_spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(doc_spans.len());
    for s in doc_spans {
        match out.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// Every span of a stream that is not shown ([`document_spans`] of each
/// document and the URL passwords); the whole stream when it does not parse.
pub fn stream_spans(text: &str, redis_env: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let parsed = yaml::for_each_doc(text, |doc: &Doc<'_>| -> Result<(), ()> {
        spans.extend(document_spans(doc, redis_env));
        Ok(())
    });
    match parsed {
        Ok(Ok(())) => with_url_spans(text, spans),
        _ => vec![Span {
            start: 0,
            end: text.len(),
        }],
    }
}

/// What replaces `span` of `text`: `mark`, and the line break the span ended
/// with (a block scalar's), so the next line stays a line of its own.
pub fn replacement(text: &str, span: Span, mark: &str) -> String {
    let covered = text.get(span.start..span.end).unwrap_or_default();
    let eol = if covered.ends_with("\r\n") {
        "\r\n"
    } else if covered.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    format!("{mark}{eol}")
}

/// `text` with each span (sorted, disjoint: [`with_url_spans`]) replaced by
/// `mark(span)`; a span out of order or out of bounds hides all the rest.
pub fn mask<'m>(text: &str, spans: &[Span], mark: impl Fn(Span) -> &'m str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &s in spans {
        let Some(kept) = text.get(at..s.start).filter(|_| s.start < s.end) else {
            out.push_str(REDACTED);
            return out;
        };
        out.push_str(kept);
        out.push_str(&replacement(text, s, mark(s)));
        at = s.end;
    }
    out.push_str(text.get(at..).unwrap_or(REDACTED));
    out
}

/// The stream with every value that is not shown replaced by `<redacted>`.
pub fn redact_secrets(text: &str, redis_env: &str) -> String {
    mask(text, &stream_spans(text, redis_env), |_| REDACTED)
}

/// The first line of `s`, trimmed and cut to a readable length.
pub fn short(s: &str) -> String {
    let line = s.trim().lines().next().unwrap_or("").trim();
    if line.chars().count() > 70 {
        format!("{}…", line.chars().take(70).collect::<String>())
    } else {
        line.to_string()
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
            r.contains("a: <redacted>\n")
                && r.contains("  b: |\n    <redacted>\n  c: <redacted>\n")
                && r.contains("name: s")
                && r.contains("a: visible"),
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

    #[test]
    fn secret_names_are_read_word_by_word() {
        for secret in [
            "DB_PASSWORD",
            "PGPASSWORD",
            "db-passwd",
            "SMTP_PASS",
            "MYSQL_PWD",
            "GITHUB_TOKEN",
            "AUTHTOKEN",
            "JWT_SECRET",
            "CLIENTSECRET",
            "SECRET_KEY_BASE",
            "API_KEY",
            "apiKey",
            "ENCRYPTION_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "STRIPE_APIKEY",
            "GPG_PASSPHRASE",
            "DB_CREDENTIALS",
            "ALLOW_EMPTY_PASSWORD",
            "MY_REDIS_ENV",
        ] {
            assert!(is_secret_name(secret, "MY_REDIS_ENV"), "{secret}");
        }
        for shown in [
            "KEYCLOAK_URL",
            "keycloakUrl",
            "REDIS_HOST",
            "MONKEY_MODE",
            "HOTKEYS",
            "PASSTHROUGH",
            "BYPASS_CACHE",
            "POSTGRES_PASSWORD_FILE",
            "TLS_SECRET_NAME",
            "TOKEN_URL",
            "KEY_PATH",
            "AUTH_URL",
            "ARGOCD_SERVER_DISABLE_AUTH",
            "CLIENT_ID",
            "",
        ] {
            assert!(!is_secret_name(shown, "REDIS_PASSWORD"), "{shown}");
        }
    }

    #[test]
    fn url_passwords_are_redacted_and_the_rest_kept() {
        for (text, shown) in [
            (
                "postgres://app:hunter2@db:5432/app",
                "postgres://app:<redacted>@db:5432/app",
            ),
            (
                "url: \"redis://:hunter2@redis:6379/0\"",
                "url: \"redis://:<redacted>@redis:6379/0\"",
            ),
            (
                "--dsn=amqp+ssl://u:p@ss:w@rd@mq/vhost?x=a@b",
                "--dsn=amqp+ssl://u:<redacted>@mq/vhost?x=a@b",
            ),
            (
                "a https://x:y@h and ftp://u:v@g.",
                "a https://x:<redacted>@h and ftp://u:<redacted>@g.",
            ),
            ("'http://u:p''q@h'", "'http://u:<redacted>@h'"),
            ("ssh://git@github.com/o/r", "ssh://git@github.com/o/r"),
            (
                "postgres://$(USER):$(DB_PASSWORD)@db/app",
                "postgres://$(USER):$(DB_PASSWORD)@db/app",
            ),
            ("http://h:8080/p?u=a:b@c", "http://h:8080/p?u=a:b@c"),
            ("://u:p@h :// 1://u:p@h", "://u:p@h :// 1://u:p@h"),
            ("no url at all", "no url at all"),
        ] {
            assert_eq!(redact_text(text), shown, "{text}");
        }
    }

    #[test]
    fn values_are_redacted_by_their_name() {
        assert_eq!(redact_value("DB_PASSWORD", "x", "REDIS_PASSWORD"), REDACTED);
        assert_eq!(
            redact_value("DATABASE_URL", "pg://a:b@h", "REDIS_PASSWORD"),
            "pg://a:<redacted>@h"
        );
        assert_eq!(redact_value("MODE", "fast", "REDIS_PASSWORD"), "fast");
    }

    #[test]
    fn url_passwords_inside_redacted_values_are_not_redacted_twice() {
        let s = "kind: Secret\nstringData:\n  url: http://u:pw@h\n---\nkind: ConfigMap\ndata:\n  url: http://u:pw@h\n";
        assert_eq!(
            redact_secrets(s, "REDIS_PASSWORD"),
            "kind: Secret\nstringData:\n  url: <redacted>\n---\nkind: ConfigMap\ndata:\n  url: http://u:<redacted>@h\n"
        );
    }

    #[test]
    fn a_stream_that_does_not_parse_is_not_shown() {
        assert_eq!(
            redact_secrets("a: [\nkind: Secret\n", "REDIS_PASSWORD"),
            REDACTED.to_string() + "\n"
        );
        // Spans out of order or out of bounds hide the rest.
        let bad = [Span { start: 4, end: 2 }];
        assert_eq!(mask("abcdef", &bad, |_| REDACTED), "<redacted>");
        let bad = [Span { start: 2, end: 99 }];
        assert_eq!(mask("abcdef", &bad, |_| "<x>"), "ab<x><redacted>");
    }
}
