#!/usr/bin/env bash
# Issue #23: `stack-native.sh run` (make run without Docker) says where to go once both servers are
# healthy, and SIGTERM or Ctrl-C (SIGINT to its process group) stops both: exit 0, one line, both
# ports closed. Needs the build (npm run build). Bounded: every wait has a deadline.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/test/lib.sh

check() { # check SIGNAL TARGET: TARGET "pid" signals the script, "group" its whole process group
  local signal=$1 target=$2 out http mock pid
  out=$(mktemp); http=$(free_port); mock=$(free_port)
  HTTP_PORT=$http MOCK_PORT=$mock setsid bash scripts/stack-native.sh run >"$out" 2>&1 &
  pid=$!
  wait_until 30 "the where-to-go line" grep -q "^jwt-proxy is up: proxy http://localhost:$http/ .* inspector http://localhost:$mock/__mock/" "$out"
  port_open "$http" || fail "proxy not listening on $http"
  port_open "$mock" || fail "mock not listening on $mock"
  if [ "$target" = group ]; then kill "-$signal" -- "-$pid"; else kill "-$signal" "$pid"; fi
  wait_exit 30 "$pid"
  [ "$EXIT_STATUS" -eq 0 ] || { cat "$out" >&2; fail "$signal to the $target: exit $EXIT_STATUS, want 0"; }
  ! port_open "$http" || fail "$signal: the proxy still listens on $http"
  ! port_open "$mock" || fail "$signal: the mock still listens on $mock"
  [ "$(grep -c '^jwt-proxy: stopped both servers' "$out")" -eq 1 ] || { cat "$out" >&2; fail "$signal: want one 'stopped' line"; }
  rm -f "$out"
  ok "stack-native.sh run: $signal to the $target stops both servers, exit 0"
}

check TERM pid
check INT group
