#!/usr/bin/env bash
# Scale-out measurement (docs/SCALING.md): the same marconi-load run, one after the other, against
#   - one marconi-server on the embedded FASTER store (fresh data directory), and
#   - 1, 2 and 3 marconi-server processes sharing one redis-server (AOF on, appendfsync everysec, then always),
# each process on its own ephemeral loopback port, the load tool's workers spread over them (--url per server).
# Prints one table (posts/s, claims/s, deletes/s, all requests/s, post p50/p99, errors, load average at the start).
#   Marconi.Benchmarks/Scale/scale-out.sh [--seconds N] [--warmup N] [--producers P] [--consumers C] [--message-size S]
# Needs redis-server and python3. Build first: dotnet build Marconi.Server -c Release && dotnet build Marconi.Load -c Release
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=10 warmup=2 producers=6 consumers=6 size=256
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --producers) producers=$2; shift 2 ;;
    --consumers) consumers=$2; shift 2 ;;
    --message-size) size=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--warmup N] [--producers P] [--consumers C] [--message-size S]" >&2; exit 2 ;;
  esac
done
command -v redis-server >/dev/null || { echo "scale-out: redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }

server_dll=Marconi.Server/bin/Release/net10.0/marconi-server.dll
load_dll=Marconi.Load/bin/Release/net10.0/marconi-load.dll
[[ -f $server_dll && -f $load_dll ]] || { echo "scale-out: build Marconi.Server and Marconi.Load in Release first" >&2; exit 1; }

work=$(mktemp -d /tmp/marconi-scale-out.XXXXXX)
pids=()
redis_pid=
stop_servers() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  pids=()
}
stop_redis() {
  if [[ -n $redis_pid ]]; then kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true; fi
  redis_pid=
}
cleanup() { stop_servers; stop_redis; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start_server NAME ARGS... -> sets server_url once it listens (no subshell: its pid must reach pids)
start_server() {
  local name=$1; shift
  dotnet "$server_dll" --listen 127.0.0.1:0 --data-dir "$work/$name" "$@" > "$work/$name.out" 2> "$work/$name.err" &
  pids+=($!)
  for _ in $(seq 240); do grep -q 'Marconi listening on' "$work/$name.out" 2>/dev/null && break; sleep 0.25; done
  server_url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/$name.out" | head -1 || true)
  [[ -n $server_url ]] || { echo "scale-out: server $name did not start" >&2; cat "$work/$name.err" >&2; exit 1; }
}

start_redis() { # start_redis always|everysec -> sets redis_port
  redis_port=$(free_port)
  mkdir -p "$work/redis-$1"
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis-$1" --appendonly yes --appendfsync "$1" \
    --save '' --daemonize no > "$work/redis-$1.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "scale-out: redis-server did not start" >&2; exit 1
}

# One table row from the load tool's JSON summary (its last stdout line).
cat > "$work/row.py" <<'PY'
import json, sys
label, load = sys.argv[1], sys.argv[2]
r = json.load(sys.stdin)
roles, lat = r["roles"], r["latency_ms"]
producer, consumer, post = roles.get("producers", {}), roles.get("consumers", {}), lat.get("post", {})
total = sum(v.get("per_s", 0) for v in lat.values())
print(f"{label:<34} {producer.get('posted_per_s', 0):>9.0f} {consumer.get('claimed_per_s', 0):>9.0f} "
      f"{consumer.get('deleted_per_s', 0):>9.0f} {total:>9.0f} {post.get('p50', 0):>8.2f} {post.get('p99', 0):>8.2f} "
      f"{sum(r['errors'].values()):>6} {load:>6}")
PY

load_args=(--producers "$producers" --consumers "$consumers" --queues 4 --message-size "$size" --claim-limit 5
           --warmup "$warmup" --duration "$seconds" --max-requests 50000000 --timeout 30 --json)
rows=()
# measure LABEL URL... : one load run; appends a table row
measure() {
  local label=$1; shift
  local urls=() load
  for u in "$@"; do urls+=(--url "$u"); done
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "scale-out: $label (load average $load): dotnet $load_dll ${urls[*]} ${load_args[*]}" >&2
  dotnet "$load_dll" "${urls[@]}" "${load_args[@]}" > "$work/load.out" 2> "$work/load.err" || { cat "$work/load.err" >&2; exit 1; }
  rows+=("$(tail -1 "$work/load.out" | python3 "$work/row.py" "$label" "$load")")
}

# 1. FASTER, one server.
start_server faster
measure "FASTER, 1 server" "$server_url"
stop_servers

# 2. Redis, 1..3 servers, per fsync mode (a fresh redis-server each mode; servers restarted for each count).
for mode in everysec always; do
  start_redis "$mode"
  for count in 1 2 3; do
    urls=()
    for n in $(seq "$count"); do
      start_server "redis-$mode-$count-$n" --store "redis://127.0.0.1:$redis_port,prefix=scale-$count"
      urls+=("$server_url")
    done
    measure "Redis AOF $mode, $count server(s)" "${urls[@]}"
    stop_servers
  done
  stop_redis
done

echo
echo "marconi-load ${load_args[*]} (each role's workers spread over the servers); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-34s %9s %9s %9s %9s %8s %8s %6s %6s\n' "store, servers" "posts/s" "claims/s" "deletes/s" "req/s" "post p50" "post p99" "errors" "load"
for row in "${rows[@]}"; do echo "$row"; done
