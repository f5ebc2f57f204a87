//! Input that tries to break the tool: each case gets a clean error (exit 1,
//! nothing on stdout, a located message, no Secret value) or a correct result,
//! never a panic or a hang. Then a bounded, seeded mutation run over the corpus.

mod common;
use ameide_tilt_render::yaml::{self, Doc};
use ameide_tilt_render::{Config, run};
use assert_cmd::Command;
use std::time::{Duration, Instant};

const SECRET: &str = "S3CRET-VALUE";

/// Runs the binary with a time bound; returns (exit code, stdout, stderr).
fn exec(input: Vec<u8>) -> (i32, Vec<u8>, String) {
    let out = Command::cargo_bin("ameide-tilt-render")
        .unwrap()
        .env_clear()
        .timeout(Duration::from_secs(20))
        .write_stdin(input)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn secret_doc() -> String {
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: {SECRET}\n---\n"
    )
}

fn refused(name: &str, input: Vec<u8>, says: &str) {
    let (code, out, err) = exec(input);
    assert_eq!(code, 1, "{name}: exit {code}, stderr: {err}");
    assert!(out.is_empty(), "{name}: wrote to stdout after failing");
    assert!(err.contains(says), "{name}: stderr lacks {says:?}: {err}");
    assert!(err.contains("line "), "{name}: no line in {err}");
    assert!(!err.contains(SECRET), "{name}: printed a Secret value");
}

#[test]
fn invalid_yaml_and_non_mappings() {
    let s = secret_doc();
    refused(
        "unclosed flow",
        format!("{s}a: [b\n").into_bytes(),
        "invalid YAML",
    );
    refused(
        "bad indent",
        format!("{s}a:\n  b: c\n d: e\n").into_bytes(),
        "invalid YAML",
    );
    refused(
        "scalar document",
        format!("{s}just text\n").into_bytes(),
        "not a Kubernetes object",
    );
    refused(
        "list document",
        format!("{s}- a\n- b\n").into_bytes(),
        "not a Kubernetes object",
    );
    refused(
        "no kind",
        format!("{s}metadata:\n  name: x\n").into_bytes(),
        "no `apiVersion` and `kind`",
    );
    refused(
        "tabs",
        format!("{s}apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n").into_bytes(),
        "invalid YAML",
    );
    // Kubernetes accepts a repeated key (the last one wins): so do we, with a
    // warning that names the key and never a value.
    let (code, out, err) = exec(
        format!("{s}apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  k: {SECRET}\n  k: {SECRET}\n")
            .into_bytes(),
    );
    assert_eq!(code, 0, "duplicate keys: {err}");
    assert!(
        err.contains("appears twice") && err.contains("line 14"),
        "{err}"
    );
    assert!(
        !err.contains(SECRET),
        "duplicate keys: printed a Secret value"
    );
    assert!(String::from_utf8_lossy(&out).contains("name: a-tilt"));
    refused(
        "invalid utf-8",
        [s.as_bytes(), b"kind: \xc3\x28\n"].concat(),
        "not valid UTF-8",
    );
    refused(
        "NUL byte",
        [s.as_bytes(), b"kind: a\0b\n"].concat(),
        "NUL byte",
    );
}

#[test]
fn alias_bomb_is_never_expanded() {
    let mut y = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a0: &a0 [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n",
    );
    for i in 1..30 {
        let p = i - 1;
        y.push_str(&format!(
            "  a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    let start = Instant::now();
    let (code, out, err) = exec(y.into_bytes());
    assert!(start.elapsed() < Duration::from_secs(10));
    // ConfigMap data with lists is invalid for Kubernetes but not ours to judge:
    // what matters is that nothing expands and the result is exact.
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("name: bomb-tilt") && out.len() < 4000,
        "{}",
        out.len()
    );
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let body = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        let input = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: {body}\n"
        );
        refused("deep flow", input.into_bytes(), "invalid YAML");
    }
    let mut block =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nspec:\n");
    for i in 0..3000usize {
        block.push_str(&" ".repeat(2 * (i + 1)));
        block.push_str("a:\n");
    }
    refused("deep block", block.into_bytes(), "invalid YAML");
}

#[test]
fn long_lines_bom_crlf_and_empty_documents_work() {
    let long = "x".repeat(5 * 1024 * 1024);
    let input = format!(
        "\u{feff}---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: big\r\ndata:\r\n  blob: \"{long}\"\r\n---\r\n---\r\n# only a comment\r\n"
    );
    let start = Instant::now();
    let (code, out, err) = exec(input.clone().into_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(start.elapsed() < Duration::from_secs(10));
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out, input.replace("name: big\r", "name: big-tilt\r"));
}

#[test]
fn renames_through_anchors_are_refused() {
    let s = secret_doc();
    refused(
        "anchored name",
        format!(
            "{s}apiVersion: v1\nkind: Service\nmetadata:\n  name: &n web\n  labels:\n    app: *n\n"
        )
        .into_bytes(),
        "anchor",
    );
    refused(
        "anchored selector value",
        // A pod of the stream carries app=web, so the pair must be isolated (a
        // pair nothing of the stream carries stays shared: no edit, no refusal).
        format!("{s}apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: &a web\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec: {{containers: []}}\n").into_bytes(),
        "anchor",
    );
    // An alias where a name should be is not a string.
    refused(
        "aliased name",
        format!(
            "{s}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {{a: &n x}}\n  name: *n\n"
        )
        .into_bytes(),
        "not a string",
    );
}

/// A tiny deterministic generator (xorshift), so failures reproduce from the seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "\n",
    " ",
    "  ",
    "- ",
    ": ",
    "---\n",
    "...\n",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "|\n",
    ">-\n",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"",
    "'",
    "\t",
    "\r\n",
    "\u{feff}",
    "\0",
    "name: x\n",
    "kind: Service\n",
    "REDIS_HOST",
    "dev.ameide.io",
    "-tilt",
    "selector:\n  app: x\n",
    "hostnames: [a.dev.ameide.io]\n",
    "? ",
    "%YAML 1.2\n",
];

/// Line-level edits keep most documents valid YAML (the rules then run on odd but
/// parseable input); byte-level edits test the parser's error paths.
fn mutate_lines(rng: &mut Rng, doc: &str) -> Vec<u8> {
    let mut lines: Vec<&str> = doc.split_inclusive('\n').collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let i = rng.below(lines.len());
    match rng.below(3) {
        0 => {
            lines.remove(i);
        }
        1 => {
            let l = lines[i];
            lines.insert(i, l);
        }
        _ => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
        }
    }
    lines.concat().into_bytes()
}

fn mutate(rng: &mut Rng, doc: &str) -> Vec<u8> {
    if rng.below(2) == 0 {
        return mutate_lines(rng, doc);
    }
    let mut bytes = doc.as_bytes().to_vec();
    for _ in 0..1 + rng.below(2) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, t.bytes());
            }
            1 if !bytes.is_empty() => {
                let end = (at + 1 + rng.below(40)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            2 if !bytes.is_empty() => {
                let i = at.min(bytes.len() - 1);
                bytes[i] = (rng.next() & 0xff) as u8;
            }
            _ => {
                // Duplicate a slice somewhere else.
                let a = rng.below(bytes.len());
                let b = (a + rng.below(200)).min(bytes.len());
                let piece = bytes[a..b].to_vec();
                bytes.splice(at..at, piece);
            }
        }
    }
    bytes
}

#[test]
fn seeded_mutations_of_corpus_documents() {
    let dir = common::corpus_dir();
    // Documents of a few small charts in both forms, split on `---`.
    let mut docs = Vec::new();
    for f in [
        "ingress-nginx.yaml",
        "helm4/ingress-nginx.yaml",
        "mastodon.yaml",
        "helm4/retool.yaml",
        "gateway-helm.yaml",
    ] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        docs.extend(text.split("\n---\n").map(str::to_string));
    }
    let cfg = Config::default();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut ok, mut refused) = (0, 0);
    for i in 0..1000 {
        // One to three documents, mutated.
        let mut input = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let d = &docs[rng.below(docs.len())];
            input.extend(b"---\n");
            input.extend(mutate(&mut rng, d));
            input.push(b'\n');
        }
        let result = std::panic::catch_unwind(|| run(&input, &cfg));
        let Ok(result) = result else {
            panic!(
                "mutation {i} panicked; input:\n{}",
                String::from_utf8_lossy(&input)
            );
        };
        match result {
            Ok(r) => {
                ok += 1;
                let parses =
                    yaml::for_each_doc(&r.output, |_: &Doc<'_>| -> Result<(), ()> { Ok(()) })
                        .is_ok();
                assert!(parses, "mutation {i}: output does not parse:\n{}", r.output);
                let again = run(r.output.as_bytes(), &cfg)
                    .unwrap_or_else(|e| panic!("mutation {i}: second run failed: {e}"));
                assert_eq!(again.output, r.output, "mutation {i}: second run differs");
            }
            Err(e) => {
                refused += 1;
                if std::env::var_os("SHOW_REFUSALS").is_some() {
                    eprintln!("{e}");
                }
                assert!(e.exit_code() == 1, "mutation {i}: {e}");
            }
        }
    }
    eprintln!("1000 mutations: {ok} rewritten, {refused} refused with an error");
    assert!(
        ok >= 100 && refused >= 100,
        "mutations should exercise both paths: {ok} ok, {refused} refused"
    );
}
