//! `diff`: the unified diff of the input against the output, after both went
//! through [`crate::redact`].

/// Unified diff of `before` → `after` (`diff`'s output), with ANSI colours when
/// `colour` (a terminal, and no NO_COLOR): removed lines red, added green.
pub fn diff_text(before: &str, after: &str, colour: bool) -> String {
    let diff = similar::TextDiff::from_lines(before, after);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header("baseline (input)", "tilt copy (output)")
        .to_string();
    if !colour {
        return text;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let code = match line.as_bytes().first() {
            Some(b'+') if !line.starts_with("+++") => "\x1b[32m",
            Some(b'-') if !line.starts_with("---") => "\x1b[31m",
            Some(b'@') => "\x1b[36m",
            _ => "",
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            let body = line.trim_end_matches('\n');
            out.push_str(code);
            out.push_str(body);
            out.push_str("\x1b[0m");
            out.push_str(&line[body.len()..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_colours_only_when_asked() {
        let plain = diff_text("a\nb\n", "a\nc\n", false);
        assert!(
            plain.contains("-b\n+c\n") && !plain.contains('\x1b'),
            "{plain}"
        );
        let coloured = diff_text("a\nb\n", "a\nc\n", true);
        assert!(
            coloured.contains("\x1b[31m-b\x1b[0m\n\x1b[32m+c\x1b[0m\n"),
            "{coloured:?}"
        );
        assert!(
            coloured.contains("--- baseline (input)\n"),
            "headers stay plain: {coloured:?}"
        );
    }
}
