#!/usr/bin/env bash
# Starts a real Keystone (Debian's `keystone` package) on 127.0.0.1:5000 with a sqlite database, for the keystone
# authentication tests (Marconi.Tests/Http/Auth/RealKeystoneTests.cs). Everything lives in $MARCONI_KEYSTONE_DIR
# (default /tmp/marconi-keystone); /etc/keystone is not touched. Idempotent: a Keystone already answering on the port is
# left running. Prints the pid file path; stop it with: kill "$(cat /tmp/marconi-keystone/keystone.pid)".
#   usage: interop/keystone/run.sh            (needs: apt-get install -y keystone)
set -euo pipefail
dir=${MARCONI_KEYSTONE_DIR:-/tmp/marconi-keystone}
port=5000
url="http://127.0.0.1:$port/v3"
password=${MARCONI_KEYSTONE_ADMIN_PASSWORD:-marconi-admin-secret}

if curl -fsS "$url" >/dev/null 2>&1; then
  echo "keystone already answers on $url"
  exit 0
fi
command -v keystone-manage >/dev/null || { echo "run.sh: keystone is not installed: apt-get install -y keystone" >&2; exit 1; }

mkdir -p "$dir/fernet-keys" "$dir/credential-keys"
cat > "$dir/keystone.conf" <<CONF
[DEFAULT]
log_file = $dir/keystone.log
use_stderr = false
[database]
connection = sqlite:///$dir/keystone.db
[fernet_tokens]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
[token]
expiration = 3600
CONF

conf=(--config-file "$dir/keystone.conf")
if [[ ! -f "$dir/bootstrapped" ]]; then
  keystone-manage "${conf[@]}" db_sync
  keystone-manage "${conf[@]}" fernet_setup --keystone-user root --keystone-group root
  keystone-manage "${conf[@]}" credential_setup --keystone-user root --keystone-group root
  keystone-manage "${conf[@]}" bootstrap --bootstrap-password "$password" \
    --bootstrap-admin-url "$url/" --bootstrap-public-url "$url/" --bootstrap-internal-url "$url/" \
    --bootstrap-region-id RegionOne
  touch "$dir/bootstrapped"
fi

# keystone's WSGI entry point reads its config from these variables.
OS_KEYSTONE_CONFIG_FILES="$dir/keystone.conf" setsid keystone-wsgi-public --host 127.0.0.1 --port "$port" \
  > "$dir/server.out" 2>&1 < /dev/null &
echo $! > "$dir/keystone.pid"
for _ in $(seq 1 60); do
  if curl -fsS "$url" >/dev/null 2>&1; then
    echo "keystone answers on $url (pid $(cat "$dir/keystone.pid"), admin password in MARCONI_KEYSTONE_ADMIN_PASSWORD or the default)"
    exit 0
  fi
  sleep 0.5
done
echo "run.sh: keystone did not start; see $dir/server.out and $dir/keystone.log" >&2
exit 1
