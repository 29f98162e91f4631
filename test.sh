#!/usr/bin/env bash
# The test command (README "Set-up"; CI runs exactly this through .ci/run). On a fresh Debian machine with the
# .NET 10 SDK it installs the system packages the interop tests need, then runs, failing on the first failure:
#   1. the xunit suite (dotnet test), including 3 rounds of the crash campaign (Marconi.Crash) against the server binary
#      the keystone auth tests against a real Keystone on 127.0.0.1:5000 (interop/keystone/run.sh starts one), the
#      client's contract tests against the reference Zaqar on 127.0.0.1:8889 (interop/zaqar-reference/run.sh starts
#      one) and the engine contract suite on FASTER, in-process Garnet and a redis-server process;
#   2. the interop script: the real python-zaqarclient drives the server binary, and Zaqar's own code signs and
#      verifies pre-signed URLs;
#   3. the allocation budgets of the hot paths (bytes per operation, not timings);
#   4. a one-iteration smoke of every BenchmarkDotNet suite and of the echo ceiling server, a bounded AFL++ run (60 s)
#      of every fuzz target (Marconi.Fuzz), a 24-second soak (RSS, disk, p99 and rate rules) and a 3-second run of the
#      load tool against the server binary (no timing assertions; the fuzz run must find no crash, the soak must pass
#      its memory, disk and error rules (--smoke: latency and rate are shown, not enforced, on a shared machine) and the
#      load run must see no request errors).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet on PATH)." >&2
  exit 1
fi

missing=()
for package in python3-zaqarclient python3-zaqar keystone afl++ curl redis-server tmux; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "test.sh: the interop tests need ${missing[*]}: run as root, or first: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "test.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

log=$(mktemp -d)
server= keystone_pid= zaqar_started=
trap '[[ -n $server ]] && kill "$server" 2>/dev/null; [[ -n $keystone_pid ]] && kill "$keystone_pid" 2>/dev/null; [[ -n $zaqar_started ]] && interop/zaqar-reference/run.sh stop; rm -rf "$log"' EXIT

# dotnet test builds only the test projects and what they reference: build everything first (the benchmarks too).
dotnet build Marconi.sln -c Release
# The keystone auth tests use a real Keystone on 127.0.0.1:5000; one this run starts is stopped at exit.
if ! curl -fsS -o /dev/null http://127.0.0.1:5000/v3 2>/dev/null; then
  interop/keystone/run.sh
  keystone_pid=$(cat /tmp/marconi-keystone/keystone.pid)
fi
# The client tests (Marconi.Tests/Client) also run against the reference Zaqar on 127.0.0.1:8889; one this run starts is stopped at exit.
if ! curl -fsS -o /dev/null http://127.0.0.1:8889/ 2>/dev/null; then
  interop/zaqar-reference/run.sh
  zaqar_started=1
fi
dotnet test Marconi.sln -c Release --no-build 2>&1 | tee "$log/unit.txt"
/usr/bin/python3 interop/zaqarclient_smoke.py 2>&1 | tee "$log/interop.txt"
dotnet run -c Release --no-build --project Marconi.Benchmarks -- budgets --check
dotnet run -c Release --no-build --project Marconi.Benchmarks -- --filter '*' --job Dry --inProcess --artifacts "$log/bdn" \
  > "$log/bdn.txt" 2>&1 || { cat "$log/bdn.txt"; exit 1; }
echo "benchmark smoke: $(grep -c '^// Benchmark: ' "$log/bdn.txt") benchmarks ran once"
dotnet run -c Release --no-build --project Marconi.Benchmarks -- echo --smoke
MARCONI_FUZZ_NO_BUILD=1 Marconi.Fuzz/run.sh all 60
dotnet Marconi.Benchmarks/bin/Release/net10.0/Marconi.Benchmarks.dll soak --seconds 24 --window 4 --peak-seconds 4 --smoke

dotnet Marconi.Server/bin/Release/net10.0/marconi-server.dll --listen 127.0.0.1:0 --data-dir "$log/load-data" \
  > "$log/server.txt" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  grep -q 'Marconi listening on' "$log/server.txt" && break
  sleep 0.5
done
url=$(grep -oE '^Marconi listening on http://127\.0\.0\.1:[0-9]+' "$log/server.txt" | head -1 | sed 's/^Marconi listening on //')
[[ -n $url ]] || { echo "test.sh: the server did not start for the load smoke" >&2; cat "$log/server.txt" >&2; exit 1; }
dotnet Marconi.Load/bin/Release/net10.0/marconi-load.dll --url "$url" --producers 2 --consumers 2 --observers 1 \
  --warmup 1 --duration 2 | tee "$log/load.txt"
kill -TERM "$server"
wait "$server"
server=
grep -q 'errors (whole run): none' "$log/load.txt" || { echo "test.sh: the load smoke saw request errors" >&2; exit 1; }

unit_passed=$(grep -oE 'Passed: +[0-9]+' "$log/unit.txt" | awk '{s += $2} END {print s + 0}')
interop_passed=$(grep -oE '^[0-9]+ passed, 0 failed$' "$log/interop.txt" | awk '{print $1}')
echo "test.sh: unit $unit_passed, interop $interop_passed"
echo "$((unit_passed + interop_passed)) passed, 0 failed"
