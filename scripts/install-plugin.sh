#!/bin/sh
# Helm 4 plugin install/update hook: puts the binary at
# $HELM_PLUGIN_DIR/bin/ameide-tilt-render. Sources, first one that works wins
# (docs/install.md, "The install hook"; scripts/install-plugin.ps1 does the same on Windows):
#   1. $AMEIDE_TILT_RENDER_BIN: a binary you name (linked, so a rebuild is seen).
#   2. The release archive for plugin.yaml's version and this OS/arch from
#      ${AMEIDE_TILT_RELEASE_URL:-https://github.com/ameideio/ameide-tilt-render/releases/download}/v<version>/,
#      checked against that release's SHA256SUMS. AMEIDE_TILT_NO_DOWNLOAD=1 skips
#      it (a checkout you changed should run its own code, not the release's).
#   3. cargo build --release --locked, when cargo and this checkout's Cargo.toml are here.
#   4. An ameide-tilt-render already on PATH (linked).
# A source that is not there (no network, no such release, no checksum tool, no
# cargo) is skipped with a note on stderr. A download whose SHA-256 differs from
# SHA256SUMS stops the install: that is a broken or tampered release, and going
# on to another source would hide it.
set -eu

name=ameide-tilt-render
dir=${HELM_PLUGIN_DIR:-$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)}
bin=$dir/bin/$name
release_url=${AMEIDE_TILT_RELEASE_URL:-https://github.com/ameideio/ameide-tilt-render/releases/download}
fix_hint="then run 'helm plugin uninstall $name' and install the plugin again"

note() { printf '%s: %s\n' "$name" "$*" >&2; }
tried=
# skip WHAT WHY: this source is not available; remember it for the final error.
skip() {
  tried="$tried
  - $1: $2"
}
# skip, and say so now (a source that was there to try but did not work).
skip_loudly() {
  note "skipping $1: $2"
  skip "$1" "$2"
}

# Everything is staged in a temporary directory inside the plugin directory (so
# the final mv is a rename on one file system) and removed however we leave.
mkdir -p "$dir/bin"
tmp=$(mktemp -d "$dir/.install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A path as seen from anywhere: the hook runs in helm's working directory.
absolute() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}

# place FILE: move a staged file or link over bin/ in one rename, so bin/ never
# holds a partial binary.
place() {
  mv -f "$1" "$bin"
}

link_to() {
  rm -f "$tmp/link"
  ln -s "$1" "$tmp/link" && place "$tmp/link"
}

from_env() {
  if [ -z "${AMEIDE_TILT_RENDER_BIN:-}" ]; then
    skip "AMEIDE_TILT_RENDER_BIN" "not set"
    return 1
  fi
  if [ ! -f "$AMEIDE_TILT_RENDER_BIN" ] || [ ! -x "$AMEIDE_TILT_RENDER_BIN" ]; then
    # You asked for this binary: going on with another one would surprise you.
    note "AMEIDE_TILT_RENDER_BIN=$AMEIDE_TILT_RENDER_BIN is not an executable file"
    exit 1
  fi
  link_to "$(absolute "$AMEIDE_TILT_RENDER_BIN")" && how="linked to AMEIDE_TILT_RENDER_BIN"
}

# fetch URL FILE: 0 once FILE holds URL's body. Short timeouts: with no network
# this fails in seconds instead of hanging `helm plugin install`.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    why=$(curl -fsSL --proto '=http,https' --connect-timeout 5 --max-time 120 -o "$2" "$1" 2>&1) && return 0
    why=${why:-curl failed}
  elif command -v wget >/dev/null 2>&1; then
    # -t 1: GNU wget would otherwise retry a timed-out connection 20 times.
    wget -q -T 10 -t 1 -O "$2" "$1" && return 0
    why="wget failed with exit status $? (8: the server answered with an error, 4: network failure)"
  else
    why="neither curl nor wget is installed"
  fi
  return 1
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    openssl dgst -sha256 "$1" | sed 's/^.*= *//'
  fi
}

from_release() {
  what="release download"
  if [ "${AMEIDE_TILT_NO_DOWNLOAD:-}" = 1 ]; then
    skip "$what" "AMEIDE_TILT_NO_DOWNLOAD=1"
    return 1
  fi
  version=$(sed -n 's/^version:[[:space:]]*["'\'']\{0,1\}\([0-9A-Za-z.+-]*\).*/\1/p' "$dir/plugin.yaml" | head -n 1)
  if [ -z "$version" ]; then
    skip_loudly "$what" "no version in $dir/plugin.yaml"
    return 1
  fi
  # The names the release workflow gives its archives (.github/workflows/release.yml).
  case $(uname -s) in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) skip_loudly "$what" "no release build for $(uname -s)"; return 1 ;;
  esac
  case $(uname -m) in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) skip_loudly "$what" "no release build for $(uname -m)"; return 1 ;;
  esac
  if ! command -v sha256sum >/dev/null 2>&1 && ! command -v shasum >/dev/null 2>&1 \
    && ! command -v openssl >/dev/null 2>&1; then
    # An archive that cannot be checked is never installed.
    skip_loudly "$what" "no sha256sum, shasum or openssl to check the download with"
    return 1
  fi
  asset=$name-v$version-$os-$arch.tar.gz
  base=$release_url/v$version
  if ! fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS"; then
    skip_loudly "$what" "cannot fetch $base/SHA256SUMS ($why)"
    return 1
  fi
  expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print tolower($1); exit }' "$tmp/SHA256SUMS")
  if [ -z "$expected" ]; then
    skip_loudly "$what" "$base/SHA256SUMS lists no $asset"
    return 1
  fi
  if ! fetch "$base/$asset" "$tmp/$asset"; then
    skip_loudly "$what" "cannot fetch $base/$asset ($why)"
    return 1
  fi
  actual=$(sha256 "$tmp/$asset")
  if [ "$actual" != "$expected" ]; then
    note "SHA-256 mismatch for $base/$asset"
    note "  expected $expected (from $base/SHA256SUMS)"
    note "  actual   $actual"
    note "refusing to install it: the download is corrupt or not the release's."
    note "fix: retry later; or build or download the binary yourself and set"
    note "     AMEIDE_TILT_RENDER_BIN (or AMEIDE_TILT_NO_DOWNLOAD=1 to build with cargo), $fix_hint"
    exit 1
  fi
  mkdir "$tmp/x"
  if ! tar -xzf "$tmp/$asset" -C "$tmp/x" "$name" || [ ! -f "$tmp/x/$name" ] || [ -L "$tmp/x/$name" ]; then
    # The checksum matched: the release itself is broken. Say so loudly.
    note "$base/$asset has no $name file at its top level"
    exit 1
  fi
  chmod 755 "$tmp/x/$name"
  if ! "$tmp/x/$name" --version >/dev/null 2>&1; then
    skip_loudly "$what" "$asset does not run on this machine"
    return 1
  fi
  place "$tmp/x/$name" && how="downloaded $base/$asset (SHA-256 checked)"
}

from_cargo() {
  what="cargo build"
  if [ ! -f "$dir/Cargo.toml" ]; then
    skip_loudly "$what" "no Cargo.toml in $dir"
    return 1
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    skip_loudly "$what" "cargo is not on PATH"
    return 1
  fi
  note "building with cargo (takes a few minutes)"
  # --target-dir: put the binary where we link to, whatever CARGO_TARGET_DIR says.
  if ! cargo build --release --locked --quiet --manifest-path "$dir/Cargo.toml" --target-dir "$dir/target"; then
    skip_loudly "$what" "cargo build failed (its output is above)"
    return 1
  fi
  link_to "$dir/target/release/$name" && how="built with cargo"
}

from_path() {
  if ! found=$(command -v "$name" 2>/dev/null) || [ -z "$found" ]; then
    skip "PATH" "no $name on PATH"
    return 1
  fi
  link_to "$(absolute "$found")" && how="linked to $found from PATH"
}

if ! { from_env || from_release || from_cargo || from_path; }; then
  note "cannot install the Helm plugin's binary. Tried:$tried"
  note "fix, one of:"
  note "  - when offline, connect and $fix_hint;"
  note "  - download the archive for your platform from a release of"
  note "    https://github.com/ameideio/ameide-tilt-render, put $name on PATH, $fix_hint;"
  note "  - install Rust (https://rustup.rs), $fix_hint;"
  note "  - set AMEIDE_TILT_RENDER_BIN to a built $name, $fix_hint."
  exit 1
fi

if ! version_line=$("$bin" --version 2>&1); then
  note "$bin --version failed: $version_line"
  exit 1
fi
echo "$name: plugin binary ready at $bin ($version_line; $how)"
