//! The module graph has no cycle: no module imports one that imports it (the
//! plan model sits below the rules, the pipeline above them). Reads `src/`, takes
//! every `crate::…` path outside `#[cfg(test)]` code and every `mod x;`
//! declaration as an edge, and fails on a cycle, printing it. Run with
//! `--nocapture` to see the graph, bottom first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// `src/rules/redis.rs` → `rules::redis`; `src/k8s/mod.rs` → `k8s`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        return "crate".into();
    }
    parts.join("::")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The longest module of `known` that `path` (`a::b::c`) names.
fn resolve(path: &str, known: &BTreeSet<String>) -> Option<String> {
    let segs: Vec<&str> = path.split("::").collect();
    (1..=segs.len())
        .rev()
        .map(|n| segs[..n].join("::"))
        .find(|m| known.contains(m))
}

fn crate_graph() -> Graph {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let known: BTreeSet<String> = all.iter().map(|f| module_of(&src, f)).collect();
    let mut graph = Graph::new();
    for f in &all {
        let me = module_of(&src, f);
        let text = std::fs::read_to_string(f).unwrap();
        // Unit tests may reach anywhere; comments (doc links) are no imports.
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap()
            .lines()
            .map(|l| l.split("//").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        let edges = graph.entry(me.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            if let Some(m) = resolve(rest[..end].trim_end_matches(':'), &known) {
                edges.insert(m);
            }
        }
        for line in code.lines() {
            let t = line.trim_start().trim_start_matches("pub ");
            if let Some(child) = t.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                let child = if me == "crate" {
                    child.to_string()
                } else {
                    format!("{me}::{child}")
                };
                edges.insert(child);
            }
        }
        edges.remove(&me);
    }
    graph
}

/// A cycle of `graph`, if there is one (depth-first search).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            let mut cycle = path[at..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, done, path) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut g = Graph::new();
    g.entry("plan".into()).or_default().insert("rules".into());
    g.entry("rules".into()).or_default().insert("yaml".into());
    assert_eq!(find_cycle(&g), None);
    g.entry("rules".into()).or_default().insert("plan".into());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["plan".into(), "rules".into(), "plan".into()])
    );
}

#[test]
fn no_module_imports_one_that_imports_it() {
    let graph = crate_graph();
    assert!(graph.len() >= 20, "too few modules found: {graph:?}");
    assert!(
        graph["pipeline"].contains("rules") && graph["rules::redis"].contains("plan"),
        "the graph reader lost edges: {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle: {}", cycle.join(" -> "));
    }
    // Bottom first: each module after everything it imports.
    let mut order: Vec<&String> = Vec::new();
    while order.len() < graph.len() {
        for (m, deps) in &graph {
            if !order.contains(&m) && deps.iter().all(|d| order.contains(&d)) {
                order.push(m);
            }
        }
    }
    for m in order {
        let deps: Vec<&str> = graph[m].iter().map(String::as_str).collect();
        println!("{m} -> {}", deps.join(", "));
    }
}

/// Every module `from` reaches through its imports.
fn reached(graph: &Graph, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for d in graph.get(&m).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

/// `check --baseline` is a model of the cluster independent of how the filter
/// decides: nothing under `baseline` reaches `pipeline` or `rules`, directly or
/// through another module (docs/isolation.md).
#[test]
fn the_cluster_model_imports_neither_the_pipeline_nor_the_rules() {
    let graph = crate_graph();
    let model: Vec<&String> = graph.keys().filter(|m| m.starts_with("baseline")).collect();
    assert!(
        model.len() >= 5,
        "the model's modules were not found: {model:?}"
    );
    for m in model {
        let bad: Vec<String> = reached(&graph, m)
            .into_iter()
            .filter(|d| d == "pipeline" || d == "rules" || d.starts_with("rules::"))
            .collect();
        assert!(bad.is_empty(), "{m} reaches {bad:?}");
    }
    // The test can fail: the pipeline reaches the rules.
    assert!(reached(&graph, "pipeline").contains("rules"));
}

/// A file has one job, and a reader can hold it: none under `src/` is over 700
/// lines (a unit test module goes to its own file beside the code).
#[test]
fn no_source_file_is_over_700_lines() {
    const MOST: usize = 700;
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    assert!(all.len() > 10, "only {} files under src/", all.len());
    let long: Vec<String> = all
        .iter()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|&(_, n)| n > MOST)
        .map(|(f, n)| format!("{} ({n} lines)", f.strip_prefix(&src).unwrap().display()))
        .collect();
    assert!(long.is_empty(), "over {MOST} lines: {}", long.join(", "));
}
