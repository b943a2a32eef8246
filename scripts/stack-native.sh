#!/usr/bin/env bash
# Runs the built servers natively (no Docker): the fast local loop of `make test STACK=native`, and
# `make run` where no Docker engine answers. Needs `npm run build` first.
#
#   stack-native.sh start DIR   what compose's `--profile test` runs: mock-upstream, mock-strict
#                               (MOCK_REQUIRE_TOKEN=true), proxy and proxy-put (JWT_METHODS=POST,PUT),
#                               proxy-keys and mock-keys (issue #12), proxy-tls (issue #24: HTTPS with
#                               certificates made by tls-certs.sh in DIR/tls), proxy-auth (issue #24:
#                               PROXY_AUTH=header,basic, a users file made by stack-auth.sh in DIR/auth,
#                               the header trusted from 127.0.0.2 only) on free loopback ports; waits for
#                               each /healthz; writes DIR/env (the suites' PROXY_URL, PROXY_PUT_URL,
#                               MOCK_URL, MOCK_STRICT_URL, MOCK_URL_FROM_PROXY, PROXY_KEYS_URL,
#                               MOCK_KEYS_URL, KEYS_DIR, PROXY_KEYS_RELOAD, PROXY_TLS_URL, TLS_DIR,
#                               PROXY_AUTH_URL, PROXY_AUTH_USER, PROXY_AUTH_PASSWORD,
#                               PROXY_AUTH_TRUSTED_ADDRESS) and DIR/pids
#   stack-native.sh stop DIR    stops what `start DIR` started (by pid)
#   stack-native.sh run         `make run` without Docker: mock-upstream on MOCK_PORT (8081) and the
#                               proxy on HTTP_PORT (8080); prints where to go once both are healthy;
#                               SIGTERM, SIGINT (Ctrl-C) or SIGHUP stops both and exits 0; either
#                               server exiting by itself stops the other and exits 1
#
# The servers read the same variables as in compose (JWT_*, UPSTREAM_TIMEOUT_MS, MOCK_*, ...) from
# the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

PROXY_MAIN=dist/proxy/src/main.js
MOCK_MAIN=dist/mock-upstream/src/main.js

die() { echo "stack-native: $*" >&2; exit 1; }

require_build() {
  [ -f "$PROXY_MAIN" ] && [ -f "$MOCK_MAIN" ] || die "build first (npm run build): $PROXY_MAIN or $MOCK_MAIN is missing"
}

# A port the kernel reports free right now (it could be taken before we bind it; fine for a test loop).
free_port() {
  node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# wait_healthy NAME URL PID LOG: polls URL/healthz until it answers 2xx, the process dies, or 30 s pass.
# Its node has no terminal: on exit node restores the terminal modes it found, undoing run.sh's stty.
wait_healthy() {
  local name=$1 url=$2 pid=$3 log=$4
  if ! node -e '
    const [url, pid] = process.argv.slice(1);
    const deadline = Date.now() + 30000;
    const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
    (async () => {
      while (Date.now() < deadline && alive()) {
        try { if ((await fetch(url + "/healthz")).ok) process.exit(0); } catch { /* not listening yet */ }
        await new Promise((r) => setTimeout(r, 100));
      }
      process.exit(1);
    })();' "$url" "$pid" </dev/null >/dev/null 2>&1; then
    echo "stack-native: $name did not become healthy at $url/healthz; its log:" >&2
    tail -n 30 "$log" >&2 || true
    return 1
  fi
}

# start_server NAME MAIN DIR VAR=VALUE...: starts node MAIN with extra env, logging to DIR/NAME.log.
start_server() {
  local name=$1 main=$2 dir=$3; shift 3
  env "$@" node "$main" >"$dir/$name.log" 2>&1 &
  local pid=$!
  echo "$pid" >>"$dir/pids"
  echo "$pid"
}

start() {
  local dir=${1:?usage: stack-native.sh start DIR}
  require_build
  mkdir -p "$dir"; : >"$dir/pids"
  local mock_port strict_port proxy_port put_port keys_port mock_keys_port profile_port profile
  mock_port=$(free_port); strict_port=$(free_port); proxy_port=$(free_port); put_port=$(free_port)
  keys_port=$(free_port); mock_keys_port=$(free_port); profile_port=$(free_port)
  local tls_port; tls_port=$(free_port)
  local auth_port; auth_port=$(free_port)
  local mock_url=http://127.0.0.1:$mock_port
  local pid
  pid=$(start_server mock-upstream "$MOCK_MAIN" "$dir" HTTP_PORT="$mock_port" HOST=127.0.0.1)
  wait_healthy mock-upstream "$mock_url" "$pid" "$dir/mock-upstream.log" || { stop "$dir"; return 1; }
  pid=$(start_server mock-strict "$MOCK_MAIN" "$dir" HTTP_PORT="$strict_port" HOST=127.0.0.1 MOCK_REQUIRE_TOKEN=true)
  wait_healthy mock-strict "http://127.0.0.1:$strict_port" "$pid" "$dir/mock-strict.log" || { stop "$dir"; return 1; }
  pid=$(start_server proxy "$PROXY_MAIN" "$dir" HTTP_PORT="$proxy_port" HOST=127.0.0.1 UPSTREAM_URL="$mock_url")
  wait_healthy proxy "http://127.0.0.1:$proxy_port" "$pid" "$dir/proxy.log" || { stop "$dir"; return 1; }
  pid=$(start_server proxy-put "$PROXY_MAIN" "$dir" HTTP_PORT="$put_port" HOST=127.0.0.1 UPSTREAM_URL="$mock_url" \
    JWT_METHODS=POST,PUT PROXY_NAME=jwt-proxy-put)
  wait_healthy proxy-put "http://127.0.0.1:$put_port" "$pid" "$dir/proxy-put.log" || { stop "$dir"; return 1; }
  # proxy-keys / mock-keys (issue #12): JWT_KEYS_FILE in DIR/keys, reloaded by SIGHUP; the mock
  # verifies through the proxy's JWKS. The rotation spec rewrites the file and runs PROXY_KEYS_RELOAD.
  bash scripts/stack-keys.sh init "$dir/keys" || { stop "$dir"; return 1; }
  pid=$(start_server mock-keys "$MOCK_MAIN" "$dir" HTTP_PORT="$mock_keys_port" HOST=127.0.0.1 \
    MOCK_JWKS_URL="http://127.0.0.1:$keys_port/.well-known/jwks.json" MOCK_JWKS_COOLDOWN_MS=0)
  wait_healthy mock-keys "http://127.0.0.1:$mock_keys_port" "$pid" "$dir/mock-keys.log" || { stop "$dir"; return 1; }
  pid=$(start_server proxy-keys "$PROXY_MAIN" "$dir" HTTP_PORT="$keys_port" HOST=127.0.0.1 \
    UPSTREAM_URL="http://127.0.0.1:$mock_keys_port" PROXY_NAME=jwt-proxy-keys JWT_KEYS_FILE="$dir/keys/jwt-keys.json" JWT_TTL_S=300)
  wait_healthy proxy-keys "http://127.0.0.1:$keys_port" "$pid" "$dir/proxy-keys.log" || { stop "$dir"; return 1; }
  local keys_pid=$pid
  # mock-profile (issue #14): negative-vectors.json's verifier profile, for the consumer suite.
  profile=$(bash scripts/stack-keys.sh vectors "$dir/keys") || { stop "$dir"; return 1; }
  pid=$(start_server mock-profile "$MOCK_MAIN" "$dir" HTTP_PORT="$profile_port" HOST=127.0.0.1 \
    MOCK_KEYS_FILE="$dir/keys/vectors-keys.json" MOCK_ISSUER="${profile% *}" MOCK_AUDIENCE="${profile#* }")
  wait_healthy mock-profile "http://127.0.0.1:$profile_port" "$pid" "$dir/mock-profile.log" || { stop "$dir"; return 1; }
  # proxy-tls (issue #24): HTTPS with the stack's own certificates; the probe trusts their CA.
  bash scripts/tls-certs.sh "$dir/tls" >/dev/null || { stop "$dir"; return 1; }
  pid=$(start_server proxy-tls "$PROXY_MAIN" "$dir" HTTP_PORT="$tls_port" HOST=127.0.0.1 UPSTREAM_URL="$mock_url" \
    PROXY_NAME=jwt-proxy-tls TLS_CERT_FILE="$dir/tls/server.pem" TLS_KEY_FILE="$dir/tls/server-key.pem" TLS_CLIENT_CA_FILE="$dir/tls/ca.pem")
  NODE_EXTRA_CA_CERTS="$dir/tls/ca.pem" wait_healthy proxy-tls "https://127.0.0.1:$tls_port" "$pid" "$dir/proxy-tls.log" || { stop "$dir"; return 1; }
  # proxy-auth (issue #24): as compose's, a test-only user with a password made now.
  local auth_password
  auth_password=$(bash scripts/stack-auth.sh init "$dir/auth") || { stop "$dir"; return 1; }
  pid=$(start_server proxy-auth "$PROXY_MAIN" "$dir" HTTP_PORT="$auth_port" HOST=127.0.0.1 UPSTREAM_URL="$mock_url" \
    PROXY_ALLOWED_HOSTS="127.0.0.1:$mock_port" PROXY_NAME=jwt-proxy-auth PROXY_AUTH=header,basic \
    PROXY_USERS_FILE="$dir/auth/users" PROXY_IDENTITY_HEADER=X-Forwarded-User PROXY_TRUSTED_PEERS=127.0.0.2/32)
  wait_healthy proxy-auth "http://127.0.0.1:$auth_port" "$pid" "$dir/proxy-auth.log" || { stop "$dir"; return 1; }
  cat >"$dir/env" <<ENV
export PROXY_URL=http://127.0.0.1:$proxy_port
export PROXY_PUT_URL=http://127.0.0.1:$put_port
export MOCK_URL=$mock_url
export MOCK_STRICT_URL=http://127.0.0.1:$strict_port
export MOCK_URL_FROM_PROXY=$mock_url
export PROXY_KEYS_URL=http://127.0.0.1:$keys_port
export MOCK_KEYS_URL=http://127.0.0.1:$mock_keys_port
export MOCK_PROFILE_URL=http://127.0.0.1:$profile_port
export KEYS_DIR=$dir/keys
export PROXY_KEYS_RELOAD="kill -HUP $keys_pid"
export PROXY_TLS_URL=https://127.0.0.1:$tls_port
export TLS_DIR=$dir/tls
export PROXY_AUTH_URL=http://127.0.0.1:$auth_port
export PROXY_AUTH_USER=e2e-user
export PROXY_AUTH_PASSWORD=$auth_password
export PROXY_AUTH_TRUSTED_ADDRESS=127.0.0.2
ENV
  echo "stack-native: mock-upstream $mock_url, mock-strict :$strict_port, proxy :$proxy_port, proxy-put :$put_port, proxy-keys :$keys_port, mock-keys :$mock_keys_port, proxy-tls :$tls_port, proxy-auth :$auth_port (logs in $dir)"
}

stop() {
  local dir=${1:?usage: stack-native.sh stop DIR}
  [ -f "$dir/pids" ] || return 0
  local pid
  while read -r pid; do
    kill "$pid" 2>/dev/null || true
  done <"$dir/pids"
  # They drain in-flight requests first (SHUTDOWN_GRACE_MS); `wait` only works for our own children,
  # so poll, and SIGKILL whatever is still there after 15 s.
  while read -r pid; do
    local tries=150
    while kill -0 "$pid" 2>/dev/null && [ $((tries--)) -gt 0 ]; do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done <"$dir/pids"
  rm -f "$dir/pids"
}

# The line a person reads first (issue #23): where to go, and how to stop.
where_to_go() { # where_to_go PROXY_URL MOCK_URL
  echo "jwt-proxy is up: proxy $1/  ·  status $1/status  ·  inspector $2/__mock/  ·  Ctrl-C stops"
}

RUN_PIDS=()
# stop_run REASON CODE: SIGTERM to both servers (each drains, SHUTDOWN_GRACE_MS), wait, one line.
stop_run() {
  trap - INT TERM HUP
  local pid
  for pid in "${RUN_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${RUN_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  # scripts/run.sh (make run) prints its own one line.
  [ -n "${STACK_NATIVE_QUIET_STOP:-}" ] || echo "jwt-proxy: stopped both servers ($1)."
  exit "$2"
}

run() {
  require_build
  local http_port=${HTTP_PORT:-8080} mock_port=${MOCK_PORT:-8081}
  # Both in the background, so this shell stays free to take SIGTERM and Ctrl-C (issue #23: SIGTERM
  # used to leave the proxy running) and stops both; `wait` returns as soon as a signal arrives.
  trap 'stop_run "interrupted" 0' INT
  trap 'stop_run "SIGTERM" 0' TERM
  trap 'stop_run "SIGHUP" 0' HUP
  HTTP_PORT=$mock_port PUBLIC_URL=${MOCK_PUBLIC_URL:-} node "$MOCK_MAIN" &
  RUN_PIDS+=($!)
  wait_healthy mock-upstream "http://127.0.0.1:$mock_port" "${RUN_PIDS[0]}" /dev/null || stop_run "the mock did not start" 1
  HTTP_PORT=$http_port UPSTREAM_URL=${UPSTREAM_URL:-http://127.0.0.1:$mock_port} node "$PROXY_MAIN" &
  RUN_PIDS+=($!)
  wait_healthy proxy "http://127.0.0.1:$http_port" "${RUN_PIDS[1]}" /dev/null || stop_run "the proxy did not start" 1
  where_to_go "http://localhost:$http_port" "http://localhost:$mock_port"
  # Either server ending ends the stack. Exit 0 is a server stopped by a signal (Ctrl-C reaches the
  # whole process group, so the servers may finish before this shell runs its trap); else a crash.
  local rc=0
  wait -n "${RUN_PIDS[@]}" || rc=$?
  if [ "$rc" -eq 0 ]; then stop_run "interrupted" 0; fi
  stop_run "a server exited with status $rc" 1
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  run) run ;;
  *) die "usage: stack-native.sh start DIR | stop DIR | run" ;;
esac
