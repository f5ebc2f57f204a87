#!/bin/sh
# Release helpers. .github/workflows/release.yml runs them, and so does
# tests/install_hook.rs, so that the archives the workflow publishes are the
# ones the install hook asks for and can unpack.
#
#   release.sh version TAG
#       TAG must be v<version> with the same version in Cargo.toml and plugin.yaml;
#       prints the version.
#   release.sh package BINARY VERSION OS ARCH OUTDIR
#       OS: linux|darwin|windows, ARCH: amd64|arm64. Writes
#       OUTDIR/ameide-tilt-render-v<VERSION>-<OS>-<ARCH>.tar.gz (.zip for windows)
#       with the binary at the archive's top level, its man page in
#       doc/ameide-tilt-render.1 and its shell completions in complete/ (both
#       printed by the binary itself, so BINARY must run here: the workflow
#       builds each target on a runner of its own platform); prints the
#       archive's path.
#   release.sh checksums DIR
#       Writes DIR/SHA256SUMS (`<hex>  <file>` lines) for every archive in DIR.
set -eu

name=ameide-tilt-render
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

die() {
  printf 'release.sh: %s\n' "$*" >&2
  exit 1
}

sha256_lines() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$@"
  else
    shasum -a 256 -- "$@"
  fi
}

case ${1:-} in
  version)
    [ $# -eq 2 ] || die "usage: release.sh version TAG"
    tag=$2
    cargo=$(sed -n '/^\[package\]/,/^\[/ s/^version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$root/Cargo.toml" | head -n 1)
    plugin=$(sed -n 's/^version:[[:space:]]*["'\'']\{0,1\}\([0-9A-Za-z.+-]*\).*/\1/p' "$root/plugin.yaml" | head -n 1)
    [ -n "$cargo" ] || die "no version in Cargo.toml's [package]"
    [ -n "$plugin" ] || die "no version in plugin.yaml"
    [ "$cargo" = "$plugin" ] || die "Cargo.toml says $cargo but plugin.yaml says $plugin"
    [ "$tag" = "v$cargo" ] || die "tag $tag does not match version $cargo of Cargo.toml and plugin.yaml (want v$cargo)"
    printf '%s\n' "$cargo"
    ;;
  package)
    [ $# -eq 6 ] || die "usage: release.sh package BINARY VERSION OS ARCH OUTDIR"
    binary=$2 version=$3 os=$4 arch=$5 out=$6
    case $os in linux | darwin | windows) ;; *) die "unknown OS $os" ;; esac
    case $arch in amd64 | arm64) ;; *) die "unknown arch $arch" ;; esac
    [ -f "$binary" ] || die "no binary at $binary"
    mkdir -p "$out"
    out=$(CDPATH='' cd -- "$out" && pwd)
    stage=$(mktemp -d)
    trap 'rm -rf "$stage"' EXIT
    exe=$name
    [ "$os" != windows ] || exe=$name.exe
    cp "$binary" "$stage/$exe"
    chmod 755 "$stage/$exe"
    mkdir "$stage/doc" "$stage/complete"
    "$stage/$exe" --generate man > "$stage/doc/$name.1"
    "$stage/$exe" --generate complete-bash > "$stage/complete/$name.bash"
    "$stage/$exe" --generate complete-zsh > "$stage/complete/_$name"
    "$stage/$exe" --generate complete-fish > "$stage/complete/$name.fish"
    "$stage/$exe" --generate complete-powershell > "$stage/complete/_$name.ps1"
    "$stage/$exe" --generate complete-elvish > "$stage/complete/$name.elv"
    archive=$out/$name-v$version-$os-$arch
    if [ "$os" = windows ]; then
      archive=$archive.zip
      rm -f "$archive"
      # 7-Zip is on GitHub's Windows runners; Python's zipfile anywhere else.
      if command -v 7z >/dev/null 2>&1; then
        (cd "$stage" && 7z a -tzip -bso0 -bsp0 "$archive" "$exe" doc complete)
      else
        py=$(command -v python3 || command -v python) || die "no 7z or python to make a zip"
        (cd "$stage" && "$py" -m zipfile -c "$archive" "$exe" doc complete)
      fi
    else
      archive=$archive.tar.gz
      # COPYFILE_DISABLE: macOS tar would add ._ metadata files.
      COPYFILE_DISABLE=1 tar -C "$stage" -czf "$archive" "$exe" doc complete
    fi
    printf '%s\n' "$archive"
    ;;
  checksums)
    [ $# -eq 2 ] || die "usage: release.sh checksums DIR"
    cd "$2"
    set --
    for f in "$name"-v*.tar.gz "$name"-v*.zip; do
      [ ! -f "$f" ] || set -- "$@" "$f"
    done
    [ $# -gt 0 ] || die "no archives in $2"
    sha256_lines "$@" > SHA256SUMS
    cat SHA256SUMS
    ;;
  *)
    die "usage: release.sh version TAG | package BINARY VERSION OS ARCH OUTDIR | checksums DIR"
    ;;
esac
