#!/usr/bin/env bash
# The project's one test command (README "Run the tests"; .ci/run calls it).
# Needs only the Rust toolchain; everything else is fetched by cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
