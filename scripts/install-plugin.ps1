# Helm 4 plugin install/update hook on Windows: puts the binary at $env:HELM_PLUGIN_DIR\bin.
$ErrorActionPreference = "Stop"
$dir = if ($env:HELM_PLUGIN_DIR) { $env:HELM_PLUGIN_DIR } else { Split-Path -Parent $PSScriptRoot }
$bin = Join-Path $dir "bin\ameide-tilt-render.exe"
New-Item -ItemType Directory -Force -Path (Join-Path $dir "bin") | Out-Null
if ($env:AMEIDE_TILT_RENDER_BIN) {
  Copy-Item -Force $env:AMEIDE_TILT_RENDER_BIN $bin
} elseif ((Get-Command cargo -ErrorAction SilentlyContinue) -and (Test-Path (Join-Path $dir "Cargo.toml"))) {
  cargo build --release --locked --quiet --manifest-path (Join-Path $dir "Cargo.toml")
  if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
  Copy-Item -Force (Join-Path $dir "target\release\ameide-tilt-render.exe") $bin
} elseif (Get-Command ameide-tilt-render -ErrorAction SilentlyContinue) {
  Copy-Item -Force (Get-Command ameide-tilt-render).Source $bin
} else {
  Write-Error "ameide-tilt-render: cannot install the Helm plugin: no cargo to build it and no ameide-tilt-render on PATH. Install Rust and run 'helm plugin update ameide-tilt-render', or set AMEIDE_TILT_RENDER_BIN."
  exit 1
}
& $bin --version | Out-Null
Write-Output "ameide-tilt-render: plugin binary ready at $bin"
