# Helm 4 plugin install/update hook on Windows: puts the binary at
# $env:HELM_PLUGIN_DIR\bin\ameide-tilt-render.exe. Same sources in the same order
# as scripts/install-plugin.sh (docs/install.md, "The install hook"):
#   1. $env:AMEIDE_TILT_RENDER_BIN (copied: Windows links need privileges).
#   2. The release archive for plugin.yaml's version, ameide-tilt-render-v<version>-windows-<arch>.zip,
#      from $env:AMEIDE_TILT_RELEASE_URL (default https://github.com/ameideio/ameide-tilt-render/releases/download)/v<version>/,
#      checked against SHA256SUMS. AMEIDE_TILT_NO_DOWNLOAD=1 skips it.
#   3. cargo build --release --locked, when cargo and this checkout's Cargo.toml are here.
#   4. An ameide-tilt-render already on PATH (copied).
# A source that is not there is skipped; a SHA-256 mismatch stops the install.
$ErrorActionPreference = "Stop"
$ProgressPreference = "SilentlyContinue"
$name = "ameide-tilt-render"
$dir = if ($env:HELM_PLUGIN_DIR) { $env:HELM_PLUGIN_DIR } else { Split-Path -Parent $PSScriptRoot }
$binDir = Join-Path $dir "bin"
$bin = Join-Path $binDir "$name.exe"
$releaseUrl = if ($env:AMEIDE_TILT_RELEASE_URL) { $env:AMEIDE_TILT_RELEASE_URL } else { "https://github.com/ameideio/ameide-tilt-render/releases/download" }
$fixHint = "then run 'helm plugin uninstall $name' and install the plugin again"
$script:tried = @()
$script:how = ""

function Note([string]$msg) { [Console]::Error.WriteLine("${name}: $msg") }
function Skip([string]$what, [string]$why, [switch]$Loudly) {
  if ($Loudly) { Note "skipping ${what}: $why" }
  $script:tried += "  - ${what}: $why"
}

New-Item -ItemType Directory -Force -Path $binDir | Out-Null
# Staged inside the plugin directory, so the final move is a rename on one volume.
$tmp = Join-Path $dir (".install." + [Guid]::NewGuid().ToString("N"))
New-Item -ItemType Directory -Path $tmp | Out-Null

# Put a staged file over bin\ in one rename: bin\ never holds a partial binary.
function Place([string]$file) { Move-Item -Force -LiteralPath $file -Destination $bin }

function Stage-Copy([string]$src) {
  $staged = Join-Path $tmp "$name.exe"
  Copy-Item -Force -LiteralPath $src -Destination $staged
  Place $staged
}

function From-Env {
  if (-not $env:AMEIDE_TILT_RENDER_BIN) { Skip "AMEIDE_TILT_RENDER_BIN" "not set"; return $false }
  if (-not (Test-Path -LiteralPath $env:AMEIDE_TILT_RENDER_BIN -PathType Leaf)) {
    Note "AMEIDE_TILT_RENDER_BIN=$($env:AMEIDE_TILT_RENDER_BIN) is not a file"
    exit 1
  }
  Stage-Copy (Resolve-Path -LiteralPath $env:AMEIDE_TILT_RENDER_BIN).Path
  $script:how = "copied from AMEIDE_TILT_RENDER_BIN"
  return $true
}

function Fetch([string]$url, [string]$file) {
  try {
    [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
    Invoke-WebRequest -UseBasicParsing -TimeoutSec 60 -Uri $url -OutFile $file
    return $null
  } catch {
    return $_.Exception.Message
  }
}

function From-Release {
  $what = "release download"
  if ($env:AMEIDE_TILT_NO_DOWNLOAD -eq "1") { Skip $what "AMEIDE_TILT_NO_DOWNLOAD=1"; return $false }
  $line = Get-Content -LiteralPath (Join-Path $dir "plugin.yaml") | Where-Object { $_ -match '^version:\s*["'']?([0-9A-Za-z.+-]+)' } | Select-Object -First 1
  if (-not $line) { Skip $what "no version in plugin.yaml" -Loudly; return $false }
  $null = $line -match '^version:\s*["'']?([0-9A-Za-z.+-]+)'
  $version = $Matches[1]
  # The names the release workflow gives its archives (.github/workflows/release.yml).
  $arch = switch ($env:PROCESSOR_ARCHITECTURE) { "AMD64" { "amd64" } "ARM64" { "arm64" } default { $null } }
  if (-not $arch) { Skip $what "no release build for $($env:PROCESSOR_ARCHITECTURE)" -Loudly; return $false }
  $asset = "$name-v$version-windows-$arch.zip"
  $base = "$releaseUrl/v$version"
  $sums = Join-Path $tmp "SHA256SUMS"
  $err = Fetch "$base/SHA256SUMS" $sums
  if ($err) { Skip $what "cannot fetch $base/SHA256SUMS ($err)" -Loudly; return $false }
  $expected = $null
  foreach ($l in Get-Content -LiteralPath $sums) {
    $f = $l -split '\s+\*?', 2
    if ($f.Count -eq 2 -and $f[1] -eq $asset) { $expected = $f[0].ToLowerInvariant(); break }
  }
  if (-not $expected) { Skip $what "$base/SHA256SUMS lists no $asset" -Loudly; return $false }
  $zip = Join-Path $tmp $asset
  $err = Fetch "$base/$asset" $zip
  if ($err) { Skip $what "cannot fetch $base/$asset ($err)" -Loudly; return $false }
  $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $zip).Hash.ToLowerInvariant()
  if ($actual -ne $expected) {
    Note "SHA-256 mismatch for $base/$asset"
    Note "  expected $expected (from $base/SHA256SUMS)"
    Note "  actual   $actual"
    Note "refusing to install it: the download is corrupt or not the release's."
    Note "fix: retry later; or set AMEIDE_TILT_RENDER_BIN to a binary you built or downloaded"
    Note "     (or AMEIDE_TILT_NO_DOWNLOAD=1 to build with cargo), $fixHint"
    exit 1
  }
  $x = Join-Path $tmp "x"
  Expand-Archive -LiteralPath $zip -DestinationPath $x
  $exe = Join-Path $x "$name.exe"
  if (-not (Test-Path -LiteralPath $exe -PathType Leaf)) { Note "$base/$asset has no $name.exe at its top level"; exit 1 }
  & $exe --version *> $null
  if ($LASTEXITCODE -ne 0) { Skip $what "$asset does not run on this machine" -Loudly; return $false }
  Place $exe
  $script:how = "downloaded $base/$asset (SHA-256 checked)"
  return $true
}

function From-Cargo {
  $what = "cargo build"
  $manifest = Join-Path $dir "Cargo.toml"
  if (-not (Test-Path -LiteralPath $manifest)) { Skip $what "no Cargo.toml in $dir" -Loudly; return $false }
  if (-not (Get-Command cargo -ErrorAction SilentlyContinue)) { Skip $what "cargo is not on PATH" -Loudly; return $false }
  Note "building with cargo (takes a few minutes)"
  $target = Join-Path $dir "target"
  & cargo build --release --locked --quiet --manifest-path $manifest --target-dir $target | Out-Host
  if ($LASTEXITCODE -ne 0) { Skip $what "cargo build failed (its output is above)" -Loudly; return $false }
  Stage-Copy (Join-Path $target "release\$name.exe")
  $script:how = "built with cargo"
  return $true
}

function From-Path {
  $found = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
  if (-not $found) { Skip "PATH" "no $name on PATH"; return $false }
  Stage-Copy $found.Source
  $script:how = "copied from $($found.Source) on PATH"
  return $true
}

try {
  if (-not ((From-Env) -or (From-Release) -or (From-Cargo) -or (From-Path))) {
    Note ("cannot install the Helm plugin's binary. Tried:`n" + ($script:tried -join "`n"))
    Note "fix, one of:"
    Note "  - when offline, connect and $fixHint;"
    Note "  - download the archive for your platform from a release of"
    Note "    https://github.com/ameideio/ameide-tilt-render, put $name.exe on PATH, $fixHint;"
    Note "  - install Rust (https://rustup.rs), $fixHint;"
    Note "  - set AMEIDE_TILT_RENDER_BIN to a built $name.exe, $fixHint."
    exit 1
  }
  $versionLine = & $bin --version 2>&1
  if ($LASTEXITCODE -ne 0) { Note "$bin --version failed: $versionLine"; exit 1 }
  Write-Output "${name}: plugin binary ready at $bin ($versionLine; $($script:how))"
  exit 0
} finally {
  Remove-Item -Recurse -Force -LiteralPath $tmp -ErrorAction SilentlyContinue
}
