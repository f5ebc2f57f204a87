//! The engine's stages, so a regression shows up where it happens:
//! parse (events → arenas), plan (phase 1 + 2: every rule, no output), apply (the
//! planned edits to the bytes), and the whole render. Inputs: a small chart and the largest one, both in
//! the Helm 4 form, from `../shared/corpus` (or AMEIDE_TILT_CORPUS).
//!
//!     cargo bench --bench stages

use ameide_tilt_render::Config;
use ameide_tilt_render::edit::apply;
use ameide_tilt_render::pipeline::{plan_stream, render, resolve_stream};
use ameide_tilt_render::yaml::{self, Doc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;

fn corpus(name: &str) -> String {
    let dir = std::env::var_os("AMEIDE_TILT_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    );
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn stages(c: &mut Criterion) {
    let cfg = Config::default();
    let mut group = c.benchmark_group("stages");
    group.sample_size(20);
    for name in [
        "helm4/ingress-nginx.yaml",
        "helm4/kube-prometheus-stack.yaml",
        "helm4/argo-cd.yaml",
    ] {
        let input = corpus(name);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", name), &input, |b, input| {
            b.iter(|| {
                let mut nodes = 0usize;
                yaml::for_each_doc(black_box(input), |d: &Doc<'_>| -> Result<(), ()> {
                    nodes += d.nodes.len();
                    Ok(())
                })
                .unwrap()
                .unwrap();
                nodes
            });
        });
        group.bench_with_input(BenchmarkId::new("plan", name), &input, |b, input| {
            b.iter(|| {
                let mut planned = plan_stream(black_box(input), &cfg, None).unwrap();
                resolve_stream(input, &mut planned, &cfg, None).unwrap();
                planned.outs.len()
            });
        });
        let edits: Vec<_> = {
            let mut planned = plan_stream(&input, &cfg, None).unwrap();
            resolve_stream(&input, &mut planned, &cfg, None).unwrap();
            planned.outs.into_iter().flat_map(|o| o.edits).collect()
        };
        group.bench_with_input(BenchmarkId::new("apply", name), &input, |b, input| {
            b.iter(|| {
                let mut e = edits.clone();
                apply(black_box(input), &mut e).unwrap().len()
            });
        });
        group.bench_with_input(BenchmarkId::new("render", name), &input, |b, input| {
            b.iter(|| render(black_box(input), &cfg).unwrap().output.len());
        });
    }
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
