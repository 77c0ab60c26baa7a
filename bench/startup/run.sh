#!/usr/bin/env bash
# Start-up of the installed command: packs the augur tool as .ci/run does, installs it into a throwaway tool path and
# times whole processes (wall, and user + system CPU, which a loaded machine inflates less): `augur --version` and
# `augur estimate` of a training sample. Usage: bench/startup/run.sh [runs, default 10]. Run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
dotnet pack src/Augur.Cli -c Release -o "$tool/nupkg" > "$tool/pack.log"
dotnet tool install --tool-path "$tool/bin" --add-source "$tool/nupkg" --ignore-failed-sources augur > "$tool/install.log"
sample=$PWD/samples/llama3-405b-pretrain.yaml
measure() {
  "$tool/bin/augur" "$@" > /dev/null # a first run warms the disk cache
  for _ in $(seq "$runs"); do /usr/bin/time -f '%e %U %S' "$tool/bin/augur" "$@" 2>&1 > /dev/null | tail -1; done |
    awk -v what="augur $*" '{ c = $2 + $3; sw += $1; sc += c
        if (NR == 1 || $1 < w0) w0 = $1; if ($1 > w1) w1 = $1; if (NR == 1 || c < c0) c0 = c; if (c > c1) c1 = c }
      END { printf "%-60s wall mean %.2f s (%.2f-%.2f)   user+sys mean %.2f s (%.2f-%.2f)   %d runs\n", what, sw / NR, w0, w1, sc / NR, c0, c1, NR }'
}
measure --version
measure estimate "$sample"
