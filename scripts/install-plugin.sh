#!/bin/sh
# Helm 4 plugin install/update hook: puts the binary at $HELM_PLUGIN_DIR/bin.
# In order: $AMEIDE_TILT_RENDER_BIN (a binary you built), `cargo build --release`
# when cargo and the sources are here, an `ameide-tilt-render` already on PATH.
set -eu
dir="${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
bin="$dir/bin/ameide-tilt-render"
mkdir -p "$dir/bin"
if [ -n "${AMEIDE_TILT_RENDER_BIN:-}" ]; then
  if [ ! -x "$AMEIDE_TILT_RENDER_BIN" ]; then
    echo "ameide-tilt-render: AMEIDE_TILT_RENDER_BIN=$AMEIDE_TILT_RENDER_BIN is not an executable file" >&2
    exit 1
  fi
  ln -sf "$AMEIDE_TILT_RENDER_BIN" "$bin"
elif command -v cargo >/dev/null 2>&1 && [ -f "$dir/Cargo.toml" ]; then
  cargo build --release --locked --quiet --manifest-path "$dir/Cargo.toml"
  ln -sf "$dir/target/release/ameide-tilt-render" "$bin"
elif found=$(command -v ameide-tilt-render 2>/dev/null); then
  ln -sf "$found" "$bin"
else
  echo "ameide-tilt-render: cannot install the Helm plugin: no cargo to build it and no ameide-tilt-render on PATH." >&2
  echo "  fix: install Rust (https://rustup.rs) and run 'helm plugin update ameide-tilt-render'," >&2
  echo "       or put a built ameide-tilt-render on PATH, or set AMEIDE_TILT_RENDER_BIN to one." >&2
  exit 1
fi
"$bin" --version >/dev/null
echo "ameide-tilt-render: plugin binary ready at $bin"
