//! The command examples of `README.md` and `docs/*.md` are run, and their output
//! compared, so a changed flag or message fails here instead of leaving a stale
//! page.
//!
//! An example is a fenced block whose info string is `console`:
//!
//! ````text
//! ```console
//! $ ameide-tilt-render check --baseline examples/shop/baseline.yaml copy.yaml
//! ? 1
//! collision: same object Service/web (baseline document 3 [..])
//! ...
//! ```
//! ````
//!
//! - `$ ` starts a command; a line ending in `\` goes on on the next one. It runs
//!   under `sh` with stderr merged into stdout, in a scratch directory where
//!   `examples/` and `testdata/` of this repository are at hand and which the
//!   block's commands share (one can write `alice.yaml`, the next read it), with
//!   `ameide-tilt-render` the binary under test first on PATH, and an
//!   environment of PATH, HOME and NO_COLOR only.
//! - `? N` right after the command is the exit code it must give (absent: 0).
//! - The lines after it, up to the next `$ ` or the end of the block, are the
//!   output. `...` alone on a line stands for any number of lines, `[..]` inside a
//!   line for any text in it (trycmd's wildcards).
//! - A command must begin with `ameide-tilt-render`: a `console` block holds only
//!   what this test can run. Anything else (helm, tilt, kubectl) goes in a `sh`
//!   block, and the `unrun-examples` trial fails on any other block that runs
//!   `ameide-tilt-render` on a file of this repository: such an example belongs
//!   in a `console` block.
//!
//! One trial per block, named by its page and first line (`cargo test --test docs
//! -- --list`), running its commands in order; a failing one prints the expected
//! and actual output of each command that failed. `BLESS=1 cargo test --test docs` writes the
//! actual output into the page for every example whose expected output has no
//! wildcard (then read `git diff`); an example with wildcards is left for a person
//! to edit. The `example-count` trial fails below [`MIN_EXAMPLES`].
//!
//! This is a small harness of our own rather than trycmd: trycmd runs no shell
//! (`<`, `>` and `|` are how people use a filter), and the golden harness already
//! brings libtest-mimic.

use libtest_mimic::{Arguments, Failed, Trial};
use similar::TextDiff;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const MIN_EXAMPLES: usize = 26;
const BIN: &str = env!("CARGO_BIN_EXE_ameide-tilt-render");
const NAME: &str = "ameide-tilt-render";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The pages: the README and every page of `docs/`, as paths from the repository.
fn pages() -> Vec<String> {
    let mut out = vec!["README.md".to_string()];
    let mut docs: Vec<String> = fs::read_dir(repo().join("docs"))
        .expect("docs/ exists")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    out.extend(docs);
    out
}

/// One `$ ` command of a console block.
#[derive(Clone, Debug)]
struct Example {
    page: String,
    /// 1-based line of the `$ `.
    line: usize,
    command: String,
    exit: i32,
    /// Expected output lines, wildcards included.
    expected: Vec<String>,
    /// 0-based line range of the expected output (and `? N`) in the page.
    span: (usize, usize),
    /// Which block of the page it is in (commands of a block share a directory).
    block: usize,
}

/// A fenced block: its info string, first content line (0-based) and lines.
struct Block<'a> {
    info: &'a str,
    start: usize,
    lines: Vec<&'a str>,
}

fn blocks(text: &str) -> Vec<Block<'_>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim_start();
        if let Some(info) = t.strip_prefix("```") {
            let indent = lines[i].len() - t.len();
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim() != "```" {
                j += 1;
            }
            let body = lines[i + 1..j.min(lines.len())]
                .iter()
                .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
                .collect();
            out.push(Block {
                info: info.trim(),
                start: i + 1,
                lines: body,
            });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The examples of one page.
fn examples(page: &str, text: &str) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    for (b, block) in blocks(text)
        .into_iter()
        .filter(|b| b.info == "console")
        .enumerate()
    {
        let mut i = 0;
        while i < block.lines.len() {
            let line = block.lines[i];
            let Some(first) = line.strip_prefix("$ ") else {
                return Err(format!(
                    "{page}:{}: a console block's output must follow a `$ ` command",
                    block.start + i + 1
                ));
            };
            let at = block.start + i + 1;
            let mut command = first.to_string();
            while command.ends_with('\\') && i + 1 < block.lines.len() {
                i += 1;
                command.push('\n');
                command.push_str(block.lines[i]);
            }
            i += 1;
            let from = i;
            let mut exit = 0;
            if let Some(code) = block.lines.get(i).and_then(|l| l.strip_prefix("? ")) {
                exit = code
                    .trim()
                    .parse()
                    .map_err(|_| format!("{page}:{}: `? {code}` is no exit code", at + 1))?;
                i += 1;
            }
            let out_from = i;
            while i < block.lines.len() && !block.lines[i].starts_with("$ ") {
                i += 1;
            }
            let words = command.trim_start();
            let words = words.trim_start_matches(|c: char| c.is_ascii_uppercase() || c == '_');
            if !command.trim_start().starts_with(NAME) && !words.starts_with('=') {
                return Err(format!(
                    "{page}:{at}: a console example runs `{NAME}` (put other commands in a `sh` block)"
                ));
            }
            out.push(Example {
                page: page.to_string(),
                line: at,
                command,
                exit,
                expected: block.lines[out_from..i]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                span: (block.start + from, block.start + i),
                block: b,
            });
        }
    }
    Ok(out)
}

/// Does `actual` match `expected`, with `...` lines and `[..]` in lines?
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((e, rest)) => {
            !actual.is_empty() && line_matches(e, actual[0]) && matches(rest, &actual[1..])
        }
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("[..]").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || actual.len() < first.len() + last.len() {
        return false;
    }
    let mut at = first.len();
    let end = actual.len() - last.len();
    if !actual.ends_with(last) {
        return false;
    }
    for p in &parts[1..parts.len() - 1] {
        match actual[at..end].find(p) {
            Some(i) => at += i + p.len(),
            None => return false,
        }
    }
    at <= end
}

fn scratch_root() -> PathBuf {
    repo().join("target/tmp/docs")
}

/// A scratch directory per block, shared by its commands, with the repository's
/// example inputs at hand.
fn scratch(ex: &Example) -> PathBuf {
    let dir = scratch_root().join(format!("{}-{}", ex.page.replace(['/', '.'], "-"), ex.block));
    if !dir.exists() {
        fs::create_dir_all(&dir).unwrap();
        for d in ["examples", "testdata"] {
            #[cfg(unix)]
            std::os::unix::fs::symlink(repo().join(d), dir.join(d)).unwrap();
        }
    }
    dir
}

fn run(ex: &Example) -> (i32, String) {
    let dir = scratch(ex);
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("exec 2>&1\n{}", ex.command))
        .current_dir(&dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Runs a block's commands in order; every one that fails is reported.
fn check_block(block: &[Example]) -> Result<(), Failed> {
    let mut failed = Vec::new();
    for ex in block {
        let (code, output) = run(ex);
        let actual: Vec<&str> = output.lines().collect();
        if code == ex.exit && matches(&ex.expected, &actual) {
            continue;
        }
        let expected = ex.expected.join("\n") + "\n";
        let diff = TextDiff::from_lines(&expected, &output);
        failed.push(format!(
            "{}:{}: `{}`\nexit: expected {}, got {code}\n--- expected\n+++ actual\n{}",
            ex.page,
            ex.line,
            ex.command,
            ex.exit,
            diff.unified_diff().context_radius(3)
        ));
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("\n").into())
    }
}

/// Writes the actual output of every wildcard-free example into its page.
fn bless(page: &str, examples: &[Example]) {
    let path = repo().join(page);
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Run in order (a block's commands build on each other), splice from the end.
    let runs: Vec<(i32, String)> = examples.iter().map(run).collect();
    for (ex, (code, output)) in examples.iter().zip(runs).rev() {
        let wild = ex.expected.iter().any(|l| l == "..." || l.contains("[..]"));
        if wild {
            continue;
        }
        let indent: String = lines[ex.line - 1]
            .chars()
            .take_while(|c| *c == ' ')
            .collect();
        let mut new: Vec<String> = Vec::new();
        if code != 0 {
            new.push(format!("{indent}? {code}"));
        }
        new.extend(output.lines().map(|l| format!("{indent}{l}")));
        lines.splice(ex.span.0..ex.span.1, new);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    fs::write(&path, out).unwrap();
}

/// Lines outside `console` blocks (fenced in another language, indented code,
/// prose) that run the tool on a file of this repository.
fn unrun(page: &str, text: &str) -> Vec<String> {
    let mut console = std::collections::HashSet::new();
    for block in blocks(text).iter().filter(|b| b.info == "console") {
        console.extend(block.start..block.start + block.lines.len());
    }
    // Logical lines: one ending in `\` goes on on the next.
    let mut logical: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(i, _)| !console.contains(i))
    {
        match logical.last_mut() {
            Some((_, l)) if open => l.push_str(line),
            _ => logical.push((i, line.to_string())),
        }
        open = line.ends_with('\\');
    }
    let mut out = Vec::new();
    for (i, line) in &logical {
        let runs = line.split(['|', ';', '&', '(']).any(|part| {
            part.trim_start()
                .trim_start_matches("$ ")
                .starts_with(&format!("{NAME} "))
        });
        let names_file = line.split_whitespace().any(|w| {
            let w = w.trim_start_matches(['<', '>']);
            w.contains('/') && !w.starts_with('-') && repo().join(w).is_file()
        });
        if runs && names_file {
            out.push(format!("{page}:{}: {}", i + 1, line.trim()));
        }
    }
    out
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    let mut count = 0;
    let mut unrun_lines = Vec::new();
    let _ = fs::remove_dir_all(scratch_root());
    for page in pages() {
        let text = fs::read_to_string(repo().join(&page)).unwrap();
        unrun_lines.extend(unrun(&page, &text));
        match examples(&page, &text) {
            Err(e) => trials.push(Trial::test(format!("{page}::parse"), move || Err(e.into()))),
            Ok(found) => {
                if std::env::var_os("BLESS").is_some() {
                    bless(&page, &found);
                    continue;
                }
                count += found.len();
                let mut rest = found.as_slice();
                while let Some(first) = rest.first() {
                    let n = rest.iter().take_while(|e| e.block == first.block).count();
                    let block = rest[..n].to_vec();
                    let name = format!("{}:{}", first.page, first.line);
                    trials.push(Trial::test(name, move || check_block(&block)));
                    rest = &rest[n..];
                }
            }
        }
    }
    trials.push(Trial::test("example-count", move || {
        if count >= MIN_EXAMPLES {
            Ok(())
        } else {
            Err(format!("only {count} doc examples found (want at least {MIN_EXAMPLES})").into())
        }
    }));
    trials.push(Trial::test("unrun-examples", move || {
        if unrun_lines.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "these lines run {NAME} on a file of the repository outside a `console` block, so no test runs them:\n{}",
                unrun_lines.join("\n")
            )
            .into())
        }
    }));
    libtest_mimic::run(&args, trials).exit();
}
