//! `--fork` over the corpus: for every workload of every stream (both forms),
//! forking just that workload gives a stream that
//! - holds that workload, and no other workload but those an operator groups
//!   with it (a KafkaNodePool and its Kafka);
//! - keeps every name of what it did not fork: no reference or string of the
//!   copy (label values are rule 3's) says `<name>-tilt` for an object the copy
//!   does not have, unless the copy owns that name otherwise (an object of the
//!   copy, a name it makes at run time);
//! - passes `check --baseline` against its input: no collision, as for a whole
//!   copy;
//! - is a fixed point: forking the same workload of the partial copy changes
//!   nothing.

mod common;
use ameide_tilt_render::fork::is_workload;
use ameide_tilt_render::pipeline::plan_stream;
use ameide_tilt_render::plan::Status;
use ameide_tilt_render::{Config, check_baseline, config::ForkSel, k8s::refs::KindSel, run};
use std::collections::BTreeSet;

/// (kind, name) of every workload of a stream, and every name the stream's
/// objects have or make (run-time names, operators' objects), as the filter reads it.
struct Read {
    workloads: BTreeSet<(String, String)>,
    objects: BTreeSet<(String, String)>,
    owned: BTreeSet<String>,
    /// Every string value of every object but label keys and values (rule 3's,
    /// which may equal a name), and every reference.
    strings: Vec<String>,
}

fn read(text: &str, cfg: &Config) -> Read {
    let planned = plan_stream(text, cfg, None).unwrap();
    let mut r = Read {
        workloads: BTreeSet::new(),
        objects: BTreeSet::new(),
        owned: BTreeSet::new(),
        strings: Vec::new(),
    };
    for p in planned.plans.iter().filter(|p| p.status == Status::Object) {
        let Some(name) = p.name.as_deref() else {
            continue;
        };
        let id = (p.kind.to_string(), name.to_string());
        if is_workload(p) {
            r.workloads.insert(id.clone());
        }
        r.objects.insert(id);
        r.owned.insert(name.to_string());
        r.owned
            .extend(p.made.names.iter().map(|c| c.leaf.value.to_string()));
        r.owned
            .extend(p.made.by_operator.iter().map(|m| m.name.clone()));
        r.strings
            .extend(p.strings.leftovers.iter().map(|l| l.at.value.to_string()));
        r.strings
            .extend(p.refs.iter().map(|c| c.leaf.value.to_string()));
    }
    r
}

/// Does `text` hold `word` with no name character on either side?
fn holds_word(text: &str, word: &str) -> bool {
    let name_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    text.match_indices(word).any(|(at, _)| {
        let before = text.as_bytes()[..at].last().copied();
        let after = text.as_bytes().get(at + word.len()).copied();
        !before.is_some_and(name_byte) && !after.is_some_and(name_byte)
    })
}

#[test]
fn forking_each_workload_of_the_corpus() {
    let base = Config::default();
    let suffix = base.suffix.clone();
    let mut forked = 0;
    let mut failures = Vec::new();
    for path in common::corpus_files() {
        let stream = path.display().to_string();
        let input = std::fs::read_to_string(&path).unwrap();
        let before = read(&input, &base);
        for (kind, name) in &before.workloads {
            let cfg = Config {
                fork: vec![ForkSel::Object(KindSel::parse(kind), name.clone())],
                verbose: true,
                reasons: true,
                ..base.clone()
            };
            let what = format!("{stream}: --fork {kind}/{name}");
            let (out, report) = match run(input.as_bytes(), &cfg) {
                Ok(r) => (r.output, r.report),
                Err(e) => {
                    failures.push(format!("{what}: {e}"));
                    continue;
                }
            };
            forked += 1;
            let after = read(&out, &base);
            // That workload, and only what an operator groups with it (a
            // KafkaNodePool and its Kafka), said so by `-v`.
            let chosen = (kind.clone(), format!("{name}{suffix}"));
            if !after.workloads.contains(&chosen) {
                failures.push(format!("{what}: the copy lacks {kind}/{name}"));
            }
            for (k, n) in after.workloads.iter().filter(|w| **w != chosen) {
                let n = n.strip_suffix(&suffix).unwrap_or(n);
                let grouped = [": owns ", ": belongs to "].iter().any(|why| {
                    report
                        .iter()
                        .any(|l| l.starts_with(&format!("forked {k}/{n}{why}")))
                });
                if !grouped {
                    failures.push(format!("{what}: the copy holds another workload, {k}/{n}"));
                }
            }
            // What was not forked keeps its name wherever the copy uses it.
            for (k, n) in before
                .objects
                .iter()
                .filter(|(k, n)| !after.objects.contains(&(k.clone(), format!("{n}{suffix}"))))
            {
                let renamed = format!("{n}{suffix}");
                if !after.owned.contains(&renamed)
                    && after.strings.iter().any(|v| holds_word(v, &renamed))
                {
                    failures.push(format!(
                        "{what}: {k}/{n} is not forked, yet the copy says `{renamed}`"
                    ));
                }
            }
            match check_baseline(input.as_bytes(), out.as_bytes(), &base) {
                Ok(report) if report.collisions.is_empty() => {}
                Ok(report) => failures.push(format!(
                    "{what}: {} collision(s) with the baseline, first: {}",
                    report.collisions.len(),
                    report.collisions[0]
                )),
                Err(e) => failures.push(format!("{what}: check --baseline: {e}")),
            }
            match run(out.as_bytes(), &cfg) {
                Ok(again) if again.output == out => {}
                Ok(_) => failures.push(format!("{what}: a second run changes the partial copy")),
                Err(e) => failures.push(format!("{what}: a second run fails: {e}")),
            }
        }
    }
    eprintln!("forked {forked} workload(s) of the corpus, one at a time");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(forked >= 150, "only {forked} workloads forked");
}

/// Every partial copy of the golden cases (`testdata/fork-*` with an
/// `expected.yaml`) beside its input: no collision, but one the filter told
/// (a warning that names the selector's object: the baseline's own selector
/// that no rename can keep off the copy's pods).
#[test]
fn golden_partial_copies_beside_their_inputs() {
    let cfg = Config::default();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut cases = 0;
    let mut failures = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let case = e.path();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("fork-") || !case.join("expected.yaml").exists() {
            continue;
        }
        cases += 1;
        let input = std::fs::read(case.join("input.yaml")).unwrap();
        let copy = std::fs::read(case.join("expected.yaml")).unwrap();
        let told = std::fs::read_to_string(case.join("expected.stderr")).unwrap_or_default();
        let report = check_baseline(&input, &copy, &cfg).unwrap();
        for c in &report.collisions {
            let warned = told
                .lines()
                .any(|l| l.contains("warning:") && l.contains(&format!("({})", c.baseline.object)));
            if !warned {
                failures.push(format!("{name}: {c}"));
            }
        }
    }
    assert!(cases >= 10, "only {cases} fork cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The flow `docs/fork.md` shows: alice and bob each fork `web`
/// of `examples/shop/baseline.yaml` with their own suffix and hosts, and
/// `check --baseline BASELINE ALICE BOB` finds no collision in any of the three
/// pairs; each copy holds the same objects.
#[test]
fn two_developers_fork_one_chart_into_one_namespace() {
    use ameide_tilt_render::cli::Settings;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop/baseline.yaml");
    let baseline = std::fs::read(&path).unwrap();
    let mut copies = Vec::new();
    for user in ["alice", "bob"] {
        let cfg = Config::from_settings(
            Settings {
                fork: Some(vec!["web".into()]),
                suffix: Some(format!("-tilt-{user}")),
                host_map: Some(vec![format!("dev.ameide.io={user}.local.ameide.io")]),
                ..Settings::default()
            },
            None,
        )
        .unwrap();
        let out = run(&baseline, &cfg).unwrap().output;
        assert!(out.contains(&format!("  name: web-tilt-{user}\n")), "{out}");
        assert!(
            out.contains(&format!("shop.{user}.local.ameide.io")),
            "{out}"
        );
        copies.push((format!("{user}.yaml"), out.into_bytes()));
    }
    let objects = |b: &[u8]| std::str::from_utf8(b).unwrap().matches("\nkind: ").count();
    assert_eq!(objects(&copies[0].1), objects(&copies[1].1));
    assert!(objects(&copies[0].1) < objects(&baseline));
    let pairs = ameide_tilt_render::check_copies(&baseline, &copies, &Config::default()).unwrap();
    assert_eq!(pairs.len(), 3);
    for p in &pairs {
        assert!(
            p.report.collisions.is_empty(),
            "{} vs {}: {}",
            p.first,
            p.second,
            p.report.collisions[0]
        );
    }
}
