//! Properties over every stream in `../shared/corpus/` (Helm 3 form and the Helm 4
//! form under `helm4/`): the run succeeds, the output parses, a second run changes
//! nothing, objects out = objects in minus dropped and baseline kinds, every kept
//! object is renamed, the Helm 4 filename annotation survives on every object, and
//! every input line that no edit touched is in the output unchanged; `check` passes
//! on every output and fails on every input; rule 11 reports no old name (each is
//! followed or kept by a named exception), so `--strict` accepts every stream.
//!
//! The corpus lives beside the repository (`../shared/corpus`, as on CI); set
//! AMEIDE_TILT_CORPUS to point elsewhere. A missing corpus fails the test.

mod common;
use ameide_tilt_render::yaml::{self, Doc};
use ameide_tilt_render::{Config, check, run};
use std::path::PathBuf;

fn corpus_files() -> Vec<PathBuf> {
    common::corpus_files()
}

/// (kind, name or "", has helm4 annotation) of every object in a stream.
fn objects(text: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    yaml::for_each_doc(text, |doc: &Doc<'_>| -> Result<(), ()> {
        let Some(root) = doc.root().filter(|&r| doc.is_map(r)) else {
            return Ok(());
        };
        let kind = doc.get_str(root, "kind").unwrap_or("").to_string();
        // The group rides with the kind (`ExternalSecret.external-secrets.io`).
        let group = doc
            .get_str(root, "apiVersion")
            .and_then(|v| v.rsplit_once('/'))
            .map_or("", |(g, _)| g);
        let kind = if group.is_empty() {
            kind
        } else {
            format!("{kind}.{group}")
        };
        let meta = doc.get(root, "metadata");
        let name = meta
            .and_then(|m| doc.get_str(m, "name"))
            .unwrap_or("")
            .to_string();
        let ann = meta
            .and_then(|m| doc.get(m, "annotations"))
            .and_then(|a| doc.get(a, "postrenderer.helm.sh/postrender-filename"))
            .is_some();
        out.push((kind, name, ann));
        Ok(())
    })
    .expect("stream parses")
    .unwrap();
    out
}

#[test]
fn corpus_properties() {
    let cfg = Config::default();
    let mut checked = 0;
    for path in corpus_files() {
        let name = path.display().to_string();
        let input = std::fs::read_to_string(&path).unwrap();
        let r = run(input.as_bytes(), &cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Rule 11: every old name left in the corpus copies is followed or kept by a
        // named exception; none is left for the user to judge.
        let reported: Vec<&String> = r
            .notes
            .iter()
            .filter(|n| n.contains("seems to name"))
            .collect();
        assert!(
            reported.is_empty(),
            "{name}: rule 11 reports {} old name(s), first: {}",
            reported.len(),
            reported[0]
        );
        let strict = Config {
            strict: true,
            ..Config::default()
        };
        assert!(
            run(input.as_bytes(), &strict).is_ok(),
            "{name}: --strict refuses the stream"
        );
        let again =
            run(r.output.as_bytes(), &cfg).unwrap_or_else(|e| panic!("{name} second run: {e}"));
        assert!(
            again.output == r.output,
            "{name}: second run changed the output"
        );
        // `check` accepts every output and finds something wrong with every input.
        let violations =
            check(r.output.as_bytes(), &cfg).unwrap_or_else(|e| panic!("{name} check: {e}"));
        assert!(
            violations.is_empty(),
            "{name}: check finds {} violations, first: {}",
            violations.len(),
            violations[0]
        );
        let before_check = check(input.as_bytes(), &cfg).unwrap();
        assert!(
            !before_check.is_empty(),
            "{name}: check finds nothing wrong with the baseline stream"
        );

        let k8s = &Config::default().k8s;
        let drop = Config::default().drop_kinds;
        let before = objects(&input);
        let after = objects(&r.output);
        let kept: Vec<_> = before
            .iter()
            .filter(|(k, _, _)| {
                let (kind, group) = k.split_once('.').unwrap_or((k, ""));
                !k8s.is_not_emitted(kind) && !drop.iter().any(|d| d.matches(kind, group, k8s))
            })
            .collect();
        assert_eq!(after.len(), kept.len(), "{name}: object count");
        for ((k0, n0, a0), (k1, n1, a1)) in kept.iter().zip(&after) {
            assert_eq!(k0, k1, "{name}: document order");
            assert!(n1.ends_with("-tilt"), "{name}: {k1}/{n1} not renamed");
            if !n0.ends_with("-tilt") && n0.len() + 5 <= 63 {
                assert_eq!(*n1, format!("{n0}-tilt"), "{name}");
            }
            assert_eq!(a0, a1, "{name}: {k1}/{n1} lost the Helm 4 annotation");
        }
        if name.contains("helm4") {
            assert!(
                after.iter().all(|(_, _, a)| *a),
                "{name}: an object lacks the Helm 4 annotation"
            );
        }

        // Lossless: every input byte outside the ranges the library edited is in
        // the output, in order (a line diff would misalign repeated lines such as
        // `# Source:` headers and blame the wrong one).
        let mut kept_at = 0;
        let mut from = 0;
        let mut untouched = Vec::new();
        for &(s, e) in &r.touched {
            if s > from {
                untouched.push((from, s));
            }
            from = from.max(e);
        }
        untouched.push((from, input.len()));
        for (s, e) in untouched {
            let seg = &input[s..e];
            let Some(found) = r.output[kept_at..].find(seg) else {
                panic!(
                    "{name}: input bytes {s}..{e} no rule edited are not in the output: {seg:?}"
                );
            };
            kept_at += found + seg.len();
        }
        checked += 1;
    }
    eprintln!("{checked} corpus streams checked");
}
