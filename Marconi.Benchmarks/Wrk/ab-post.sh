#!/usr/bin/env bash
# A/B of server configurations on the durable POST shape, alternated in one run so the machine's drift hits each alike:
#   Marconi.Benchmarks/Wrk/ab-post.sh "X=baseline" "DOTNET_TieredPGO=0" ...
# Each argument is a set of environment assignments for the server. Per configuration and round: a fresh server on a
# fresh data directory, 3 s of wrk warm-up (tiered JIT), then 8 s measured; prints req/s, p50, p99 and the server's
# CPU per request (from /proc/PID/stat). Loopback only; build first: dotnet build Marconi.sln -c Release
set -euo pipefail
cd "$(dirname "$0")/../.."
(($#)) || { echo "usage: $0 'ENV=VALUE ...' ['ENV=VALUE ...' ...]" >&2; exit 2; }
work=$(mktemp -d /tmp/marconi-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
port=19904
url="http://127.0.0.1:$port/v2/queues/wrk-post/messages"
ticks=$(getconf CLK_TCK)
for round in 1 2; do
  for config in "$@"; do
    rm -rf "$work/data"
    # shellcheck disable=SC2086
    env $config dotnet Marconi.Server/bin/Release/net10.0/marconi-server.dll --listen "127.0.0.1:$port" --data-dir "$work/data" \
      > "$work/server.txt" 2>&1 &
    server=$!
    for _ in $(seq 120); do grep -q 'Marconi listening on' "$work/server.txt" && break; sleep 0.5; done
    wrk -t2 -c64 -d3s -s Marconi.Benchmarks/Wrk/post.lua "$url" > /dev/null
    before=$(awk '{print $14 + $15}' "/proc/$server/stat")
    out=$(wrk -t2 -c64 -d8s --latency -s Marconi.Benchmarks/Wrk/post.lua "$url")
    after=$(awk '{print $14 + $15}' "/proc/$server/stat")
    rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
    p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
    p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
    cpu=$(awk -v t=$((after - before)) -v hz="$ticks" -v r="$rps" 'BEGIN { printf "%.1f", t / hz * 1e6 / (r * 8) }')
    echo "round $round [$config] req/s $rps p50 $p50 p99 $p99 server CPU µs/request $cpu load $(cut -d' ' -f1 /proc/loadavg)"
    kill -TERM "$server"
    wait "$server" || true
  done
done
