#!/usr/bin/env bash
# Seeds fuzz/corpus/pipeline from the golden inputs and the shared corpus (first
# byte picks the configuration, as in fuzz_targets/pipeline.rs).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/pipeline
i=0
for f in ../testdata/*/input.yaml ../../shared/corpus/helm4/*.yaml ../../shared/corpus/*.yaml; do
  [ -f "$f" ] || continue
  i=$((i + 1))
  { printf "\\$(printf '%03o' $((i % 4)))"; head -c 30000 "$f"; } > "corpus/pipeline/seed-$i"
done
echo "seeded $i inputs"
