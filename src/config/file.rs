//! The config file as read: its keys' lines, its errors (file, line and key,
//! with "did you mean"), and its table entries.

use super::*;

/// The config file as read, for the errors of its entries and values: its path
/// and the line of each top-level key.
pub(super) struct FileSettings<'a> {
    pub(super) path: &'a str,
    pub(super) keys: Vec<(String, u64)>,
}

impl FileSettings<'_> {
    pub(super) fn line_of(&self, key: &str) -> Option<u64> {
        self.keys.iter().find(|(k, _)| k == key).map(|&(_, l)| l)
    }

    /// The top-level key a line belongs to: the last one at or above it.
    pub(super) fn key_at(&self, line: u64) -> Option<&str> {
        self.keys
            .iter()
            .filter(|&&(_, l)| l <= line)
            .max_by_key(|&&(_, l)| l)
            .map(|(k, _)| k.as_str())
    }

    /// `config file F line N at KEY`, each part once, where known.
    pub(super) fn at(&self, line: Option<u64>, key: Option<&str>) -> String {
        let mut at = format!("config file {}", self.path);
        if let Some(l) = line.filter(|&l| l > 0) {
            at.push_str(&format!(" line {l}"));
        }
        if let Some(k) = key {
            at.push_str(&format!(" at {k}"));
        }
        at
    }

    /// An error in an entry of the table `key`, at `line`.
    pub(super) fn entry_error(&self, line: u64, key: &str, msg: impl std::fmt::Display) -> Error {
        let msg = msg.to_string();
        let msg = msg.strip_prefix(&format!("{key}: ")).unwrap_or(&msg);
        Error::usage(format!("{}: {msg}", self.at(Some(line), Some(key))))
    }

    /// An error in the value the file gives `key`: it names the file, the line
    /// and the key, and its fix (`write …`) is an edit of the file, not a flag.
    pub(super) fn value_error(&self, e: Error, key: &str, fix: &str) -> Error {
        // The message without its own name of the setting (`suffix "x" must …`,
        // `fork selector "x" is …`): the key names it.
        let label = key.replace('_', " ");
        let message = e
            .message
            .strip_prefix(label.as_str())
            .map_or(e.message.as_str(), |rest| {
                rest.strip_prefix(" selector").unwrap_or(rest).trim_start()
            });
        Error::usage(format!(
            "{}: {message}",
            self.at(self.line_of(key), Some(key))
        ))
        .with_hint(format!("in {}, {fix}", self.path))
    }
}

/// The top-level keys of the config file, each with its line.
pub(super) struct KeyLines(Vec<(String, u64)>);

impl<'de> Deserialize<'de> for KeyLines {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyLines;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyLines, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    map.next_value::<IgnoredAny>()?;
                    out.push((k.value, k.referenced.line()));
                }
                Ok(KeyLines(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads the config file's text. An empty file (or only comments) sets nothing.
pub(super) fn read_file<'a>(
    path: &'a str,
    text: &str,
) -> Result<(Settings, FileSettings<'a>), Error> {
    let keys = serde_saphyr::from_str::<KeyLines>(text).map_or_else(|_| Vec::new(), |k| k.0);
    let file = FileSettings { path, keys };
    let blank = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---");
    if blank {
        return Ok((Settings::default(), file));
    }
    match serde_saphyr::from_str(text) {
        Ok(settings) => Ok((settings, file)),
        Err(e) => {
            let line = e.location().map_or(0, |l| l.line());
            // The message without the parser's own position and snippet.
            let msg = e.without_snippet().to_string();
            Err(parse_error(&file, line, without_position(&msg)))
        }
    }
}

/// The parser's message without its `error: line N column M:` prefix and its
/// `at line N, column M` suffix: the error names the line once, itself.
pub(super) fn without_position(msg: &str) -> &str {
    let msg = msg.strip_prefix("error: ").unwrap_or(msg);
    let msg = match msg.split_once(": ") {
        Some((at, rest)) if at.starts_with("line ") => rest,
        _ => msg,
    };
    let number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    match msg.rfind(" at line ") {
        Some(i)
            if msg[i + " at line ".len()..]
                .split_once(", column ")
                .is_some_and(|(l, c)| number(l) && number(c)) =>
        {
            &msg[..i]
        }
        _ => msg,
    }
}

/// A config file the parser refuses: an unknown key (with the known one it
/// seems to mean) or a wrong type, at its line and under its top-level key.
pub(super) fn parse_error(file: &FileSettings<'_>, line: u64, msg: &str) -> Error {
    let Some((name, expected)) = msg
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
    else {
        let key = file.key_at(line);
        let e = Error::usage(format!("{}: {msg}", file.at(Some(line), key)));
        return match key {
            Some(key) if msg.starts_with("invalid boolean") => e.with_hint(format!(
                "in {}, write `{key}: true` or `{key}: false`",
                file.path
            )),
            _ => e,
        };
    };
    // serde's list: "expected one of `a`, `b`", "expected `a` or `b`"; the
    // parser's own: "expected one of a, b".
    let known: Vec<&str> = expected
        .trim_start_matches([',', ' '])
        .strip_prefix("expected ")
        .unwrap_or("")
        .trim_start_matches("one of ")
        .split(", ")
        .flat_map(|s| s.split(" or "))
        .map(|s| s.trim().trim_matches('`'))
        .filter(|s| !s.is_empty())
        .collect();
    let top = file.line_of(name) == Some(line);
    let (what, under) = if top {
        ("key", None)
    } else {
        ("field", file.key_at(line))
    };
    let at = file.at(Some(line), under);
    match did_you_mean(name, &known) {
        Some(meant) => Error::usage(format!(
            "{at}: unknown {what} `{name}`; did you mean `{meant}`?"
        ))
        .with_hint(format!("in {}, rename `{name}` to `{meant}`", file.path)),
        None if known.is_empty() => Error::usage(format!("{at}: unknown {what} `{name}`")),
        None => Error::usage(format!("{at}: unknown {what} `{name}`")).with_hint(format!(
            "in {}, use one of the {what}s {}",
            file.path,
            known.join(", ")
        )),
    }
}

/// The known name `name` is a misspelling of: the nearest by edit distance
/// (a swap of two neighbours is one edit; `-` for `_` and case are none), when
/// it is near enough (a third of its length).
pub fn did_you_mean<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let name = norm(name);
    known
        .iter()
        .map(|&k| (edit_distance(&name, &norm(k)), k))
        .filter(|&(d, k)| d <= (k.chars().count() / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and
/// swaps of neighbours.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The file's `references:`, `produces:`, `host_claims:` and `operator_objects:`
/// as table rules, each error at its entry's line; they extend the built-in
/// tables.
pub(super) fn file_tables(
    file: &FileSettings<'_>,
    k8s: &mut K8s,
    f: &Settings,
) -> Result<(), Error> {
    pub(super) fn lines<T>(v: &[Spanned<T>]) -> Vec<(&T, u64)> {
        v.iter().map(|e| (&e.value, e.referenced.line())).collect()
    }
    let entries = TableEntries {
        references: lines(&f.references),
        produces: lines(&f.produces),
        reference_shapes: lines(&f.reference_shapes),
        host_claims: lines(&f.host_claims),
        operator_objects: lines(&f.operator_objects),
    };
    k8s.extend(&entries, |key, line, e| file.entry_error(line, key, e))
}
