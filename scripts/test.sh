#!/usr/bin/env bash
# The project's one test command (README "Run the tests"; .ci/run calls it).
# Needs Rust and python3; crates come from crates.io, and tests/helm.rs makes its own
# venv with helm-python-sdk from PyPI (target/tmp/helm-venv), tests/tilt.rs one with
# starlark-pyo3 for the Tilt extension (target/tmp/tilt-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
# Unit and integration tests (benches are compiled by clippy above and run with
# `cargo bench`).
cargo test --lib --tests --locked
