# Helm install/update hook of the stella plugin on Windows. Puts
# bin\helm-stella.exe and bin\helm-stella-core.exe in the plugin dir, trying in order (as install.sh):
#   1. a binary already in the plugin dir of exactly plugin.yaml's version
#      (on `helm plugin update` an older binary is replaced, never kept)
#   2. a local archive named by HELM_STELLA_BIN_TGZ (airgap)
#   3. the release download for this arch and exactly plugin.yaml's version
#      (HELM_STELLA_DOWNLOAD_URL overrides the base URL)
# Then it copies helm-stella-core.exe to plugin.complete: Helm runs <plugin dir>\plugin.complete
# for completion, which on Windows must be an executable, not the sh script;
# helm-stella-core answers completions when started under that name.
$ErrorActionPreference = "Stop"
$dir = if ($env:HELM_PLUGIN_DIR) { $env:HELM_PLUGIN_DIR } else { Split-Path -Parent $PSScriptRoot }
$bin = Join-Path (Join-Path $dir "bin") "helm-stella.exe"
$core = Join-Path (Join-Path $dir "bin") "helm-stella-core.exe"
$complete = Join-Path $dir "plugin.complete"
$version = (Select-String -Path (Join-Path $dir "plugin.yaml") -Pattern '^version:\s*"?([^"]+)"?').Matches[0].Groups[1].Value

function Get-StellaVersion($path) {
  try { return ((& $path version -o json 2>$null) | Out-String | ConvertFrom-Json).version } catch { return "" }
}

if ((Test-Path $bin) -and (Test-Path $core)) {
  $have = Get-StellaVersion $bin
  if ($have -eq $version) {
    Copy-Item -Force $core $complete
    Write-Host "stella plugin: using $bin (v$have)"
    exit 0
  }
  Write-Host "stella plugin: $bin is v$(if ($have) { $have } else { 'unknown' }), plugin.yaml wants v${version}: replacing it"
}
$arch = if ($env:PROCESSOR_ARCHITECTURE -eq "ARM64") { "arm64" } else { "amd64" }
$archive = "stella-${version}-windows-${arch}.tgz"
$tmp = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) ([Guid]::NewGuid()))
try {
  if ($env:HELM_STELLA_BIN_TGZ) { $tgz = $env:HELM_STELLA_BIN_TGZ } else {
    $base = if ($env:HELM_STELLA_DOWNLOAD_URL) { $env:HELM_STELLA_DOWNLOAD_URL } else { "https://github.com/stella-ops/stella-plugins/releases/download/v$version" }
    $tgz = Join-Path $tmp $archive
    Invoke-WebRequest -Uri "$base/$archive" -OutFile $tgz
  }
  tar -xzf $tgz -C $tmp
  # nested stella\ layout or flat
  $found = @((Join-Path $tmp "stella\bin\helm-stella.exe"), (Join-Path $tmp "bin\helm-stella.exe")) | Where-Object { Test-Path $_ } | Select-Object -First 1
  if (-not $found) { throw "$tgz holds no bin\helm-stella.exe" }
  $foundCore = Join-Path (Split-Path -Parent $found) "helm-stella-core.exe"
  if (-not (Test-Path $foundCore)) { throw "$tgz holds no bin\helm-stella-core.exe" }
  New-Item -ItemType Directory -Force -Path (Join-Path $dir "bin") | Out-Null
  Move-Item -Force $found $bin
  Move-Item -Force $foundCore $core
  $have = Get-StellaVersion $bin
  if ($have -ne $version) { throw "$tgz holds helm-stella v$have, plugin.yaml wants v$version" }
  Copy-Item -Force $core $complete
  Write-Host "stella plugin: installed $bin (v$have)"
} catch {
  Write-Error "stella plugin: could not install helm-stella v${version} for windows/${arch}: $_"
  exit 1
} finally { Remove-Item -Recurse -Force $tmp }
