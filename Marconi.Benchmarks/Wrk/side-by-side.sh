#!/usr/bin/env bash
# One side-by-side HTTP run (docs/PERFORMANCE.md): the same wrk request shapes against our server (fresh FASTER data
# directory, every POST durable before its 201) and against the reference Zaqar started by
# interop/zaqar-reference/run.sh, plus the bare Pipelines echo server (the machine's HTTP ceiling, 512 B POST), one
# after the other in one run, then one table with the ratios.
#   Marconi.Benchmarks/Wrk/side-by-side.sh [--seconds N] [--warmup W] [--connections C] [--no-zaqar]
# Every shape first runs W seconds (default 3) unmeasured against each server: .NET's tiered JIT is still recompiling
# hot methods in the first seconds (libclrjit took 6-8 µs of each request's server CPU in an 8 s run after 4 s).
# Loopback only. Build first: dotnet build Marconi.sln -c Release
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=10 connections=64 zaqar=1 warmup=3
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --no-zaqar) zaqar=0; shift ;;
    *) echo "usage: $0 [--seconds N] [--warmup W] [--connections C] [--no-zaqar]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d /tmp/marconi-side-by-side.XXXXXX)
server= echo_server=
cleanup() {
  [[ -n $echo_server ]] && kill -TERM "$echo_server" 2>/dev/null && wait "$echo_server" 2>/dev/null
  [[ -n $server ]] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

dotnet Marconi.Server/bin/Release/net10.0/marconi-server.dll --listen 127.0.0.1:0 --data-dir "$work/data" > "$work/server.txt" 2>&1 &
server=$!
for _ in $(seq 120); do grep -q 'Marconi listening on' "$work/server.txt" && break; sleep 0.5; done
ours=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/server.txt" | head -1)
[[ -n $ours ]] || { echo "side-by-side: our server did not start" >&2; cat "$work/server.txt" >&2; exit 1; }
targets=("ours $ours")
if ((zaqar)); then
  interop/zaqar-reference/run.sh >&2
  targets+=("zaqar http://127.0.0.1:8889")
fi

client=3381af92-2b9e-11e3-b191-28cfe91478b9
prefill() { # 50 messages in the queue the GET shape pages through
  for _ in 1 2 3 4 5; do
    curl -fsS -o /dev/null -X POST -H "Client-ID: $client" -H 'X-Project-ID: wrk' -H 'Content-Type: application/json' \
      "$1/v2/queues/wrk-list/messages" \
      -d '{"messages":[{"body":{"n":1},"ttl":3600},{"body":{"n":2},"ttl":3600},{"body":{"n":3},"ttl":3600},{"body":{"n":4},"ttl":3600},{"body":{"n":5},"ttl":3600},{"body":{"n":6},"ttl":3600},{"body":{"n":7},"ttl":3600},{"body":{"n":8},"ttl":3600},{"body":{"n":9},"ttl":3600},{"body":{"n":10},"ttl":3600}]}'
  done
}

# wrk's summary -> "req/s p50 p90 p99 failures" (milliseconds; failures = non-2xx answers, timeouts, connect and write
# errors). wrk's read errors are left out: a server that closes the connection after every answer (Zaqar under uWSGI's
# --http-socket) makes one per request, and wrk reconnects.
summarize() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "90%" { p90 = ms($2) } $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx or 3xx responses:/ { bad += $NF }
    /Socket errors:/ { gsub(/,/, ""); bad += $4 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %.2f %d\n", rps, p50, p90, p99, bad }' "$1"
}

declare -A result
dotnet Marconi.Benchmarks/bin/Release/net10.0/Marconi.Benchmarks.dll echo --listen 127.0.0.1:0 --seconds 600 > "$work/echo.txt" 2>&1 &
echo_server=$!
for _ in $(seq 120); do grep -q 'echo listening on' "$work/echo.txt" && break; sleep 0.5; done
echo_url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/echo.txt" | head -1)
[[ -n $echo_url ]] || { echo "side-by-side: the echo server did not start" >&2; cat "$work/echo.txt" >&2; exit 1; }
echo "side-by-side: echo ceiling ($connections connections, ${warmup}s warm-up, ${seconds}s)" >&2
wrk -t2 -c"$connections" -d"${warmup}s" -s Marconi.Benchmarks/Wrk/echo.lua "$echo_url/" > /dev/null
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s Marconi.Benchmarks/Wrk/echo.lua "$echo_url/" > "$work/echo-wrk.txt"
result[echo]=$(summarize "$work/echo-wrk.txt")
kill -TERM "$echo_server"; wait "$echo_server" 2>/dev/null || true; echo_server=

for entry in "${targets[@]}"; do
  read -r name url <<< "$entry"
  prefill "$url"
  for shape in post list; do
    case $shape in
      post) path="/v2/queues/wrk-post/messages" ;;
      list) path="/v2/queues/wrk-list/messages?limit=10&echo=true" ;;
    esac
    echo "side-by-side: $name $shape ($connections connections, ${warmup}s warm-up, ${seconds}s)" >&2
    wrk -t2 -c"$connections" -d"${warmup}s" -s "Marconi.Benchmarks/Wrk/$shape.lua" "$url$path" > /dev/null
    wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "Marconi.Benchmarks/Wrk/$shape.lua" "$url$path" > "$work/$name-$shape.txt"
    result[$name-$shape]=$(summarize "$work/$name-$shape.txt")
  done
done

echo
echo "| request | server | req/s | p50 ms | p90 ms | p99 ms | failures | ours / zaqar |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for shape in post list; do
  read -r our_rps _ <<< "${result[ours-$shape]}"
  for entry in "${targets[@]}"; do
    read -r name _ <<< "$entry"
    read -r rps p50 p90 p99 bad <<< "${result[$name-$shape]}"
    ratio=-
    [[ $name == zaqar && $rps -gt 0 ]] && ratio=$(awk -v a="$our_rps" -v b="$rps" 'BEGIN { printf "%.0f×", a / b }')
    echo "| $shape | $name | $rps | $p50 | $p90 | $p99 | $bad | $ratio |"
  done
done
read -r echo_rps p50 p90 p99 bad <<< "${result[echo]}"
echo "| echo 512 B (ceiling) | bare Pipelines | $echo_rps | $p50 | $p90 | $p99 | $bad | - |"
read -r post_rps _ <<< "${result[ours-post]}"
awk -v a="$post_rps" -v b="$echo_rps" 'BEGIN { printf "\nours durable POST / echo ceiling: %.2f\n", a / b }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
