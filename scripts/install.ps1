# Helm install/update hook of the stella plugin on Windows: uses a binary
# already in the plugin dir, else HELM_STELLA_BIN_TGZ, else the release
# download for exactly plugin.yaml's version.
$ErrorActionPreference = "Stop"
$dir = $env:HELM_PLUGIN_DIR
$bin = Join-Path $dir "bin\helm-stella.exe"
if (Test-Path $bin) { Write-Host "stella plugin: using $bin"; exit 0 }
$version = (Select-String -Path (Join-Path $dir "plugin.yaml") -Pattern '^version:\s*"?([^"]+)"?').Matches[0].Groups[1].Value
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
  New-Item -ItemType Directory -Force -Path (Join-Path $dir "bin") | Out-Null
  Move-Item (Join-Path $tmp "stella\bin\helm-stella.exe") $bin
  Write-Host "stella plugin: installed $bin"
} catch {
  Write-Error "stella plugin: could not install helm-stella v${version} for windows/${arch}: $_"
  exit 1
} finally { Remove-Item -Recurse -Force $tmp }
