#!/usr/bin/env bash
# Starts the reference OpenStack Zaqar on 127.0.0.1:8889 for side-by-side runs (docs/PERFORMANCE.md):
# Debian's Zaqar 15 under uWSGI with 3 worker processes, redis without persistence on 127.0.0.1:6379.
# Needs root the first time (apt-get, /etc/zaqar). Stop it with: interop/zaqar-reference/run.sh stop
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state=/tmp/marconi-zaqar-reference

if [[ ${1:-} == stop ]]; then
  [[ -f $state/uwsgi.pid ]] && kill -INT "$(cat "$state/uwsgi.pid")" 2>/dev/null || true
  redis-cli -p 6379 shutdown nosave 2>/dev/null || true
  exit 0
fi

packages=(zaqar-server python3-redis redis-server uwsgi uwsgi-plugin-python3)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Debian's python3-zaqar ships the redis driver without its Lua scripts.
scripts=/usr/lib/python3/dist-packages/zaqar/storage/redis/scripts
mkdir -p "$scripts"
cp "$here/index_messages.lua" "$here/claim_messages.lua" "$scripts/"
# Zaqar's WSGI app reads only the standard config paths.
install -D -m 0644 "$here/zaqar.conf" /etc/zaqar/zaqar.conf

answers() {
  curl -fsS -o /dev/null -H 'X-Project-ID: probe' -H 'Client-ID: 3381af92-2b9e-11e3-b191-71861300734c' \
    http://127.0.0.1:8889/v2/ping 2>/dev/null
}

mkdir -p "$state"
redis-cli -p 6379 ping >/dev/null 2>&1 || redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes
redis-cli -p 6379 flushall >/dev/null
if answers; then
  echo "zaqar reference: already listening on http://127.0.0.1:8889 (redis flushed)"
  exit 0
fi
uwsgi --plugin python3 --http-socket 127.0.0.1:8889 --wsgi-file /usr/lib/python3/dist-packages/zaqar/transport/wsgi/app.py \
  --processes 3 --master --die-on-term --disable-logging --pidfile "$state/uwsgi.pid" \
  --logto "$state/uwsgi.log" --daemonize2 "$state/uwsgi.log"

for _ in $(seq 120); do
  if answers; then
    echo "zaqar reference: listening on http://127.0.0.1:8889 (log $state/uwsgi.log)"
    exit 0
  fi
  sleep 0.5
done
echo "zaqar reference: did not answer on 127.0.0.1:8889; see $state/uwsgi.log" >&2
exit 1
