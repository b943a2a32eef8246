#!/usr/bin/env bash
# `make run` (issue #23): the stack in the foreground, quiet until it is up, then one line that says
# where to go, then the servers' logs; Ctrl-C stops it and exits 0 with one line.
#   Docker engine answers: the compose stack (proxy on HTTP_PORT, mock on MOCK_PORT), built quietly;
#                          Ctrl-C runs `docker compose stop` (`make down` removes the containers).
#   no engine:             scripts/prepare.sh (npm ci / build when needed), then both servers natively
#                          (scripts/stack-native.sh run).
# On a terminal, Ctrl-C is read as a key (stty -isig) rather than sent as SIGINT to make as well, so
# make does not end with "Interrupt"/"Error 130"; SIGINT and SIGTERM still stop the stack elsewhere.
set -uo pipefail
cd "$(dirname "$0")/.."

say() { echo "jwt-proxy: $*"; }
die() { echo "jwt-proxy: $*" >&2; exit 1; }

# The value compose will use: the environment, else .env, else the default.
setting() { # setting NAME DEFAULT
  local value=${!1:-}
  if [ -z "$value" ] && [ -f .env ]; then value=$(sed -n "s/^$1=\(.*\)$/\1/p" .env | tail -n 1); fi
  echo "${value:-$2}"
}
HTTP_PORT=$(setting HTTP_PORT 8080)
MOCK_PORT=$(setting MOCK_PORT 8081)
export HTTP_PORT MOCK_PORT

# A port already taken fails later with a message about sockets; say which variable to change now.
check_port() { # check_port PORT VARIABLE
  if node -e "const c=require('node:net').connect($1,'127.0.0.1');c.on('connect',()=>process.exit(0));c.on('error',()=>process.exit(1))"; then
    die "port $1 is already in use: choose another with $2, e.g. make run $2=$(( $1 + 1000 )) (or, if it is this stack from 'make up', make down)"
  fi
}
command -v node >/dev/null || die "node is not installed: this project needs Node 24"
# Numbers only: they are printed, handed to compose and put into a node -e probe.
for name in HTTP_PORT MOCK_PORT; do
  [[ ${!name} =~ ^[0-9]{1,5}$ ]] && [ "${!name}" -le 65535 ] || die "$name must be a port number (1-65535), got '${!name}'"
done
check_port "$HTTP_PORT" HTTP_PORT
check_port "$MOCK_PORT" MOCK_PORT

# quietly LABEL COMMAND...: COMMAND's output only when it fails.
quietly() {
  local label=$1 log rc=0; shift
  log=$(mktemp "${TMPDIR:-/tmp}/jwt-proxy-run.XXXXXX")
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then cat "$log" >&2; rm -f "$log"; die "$label failed (its output is above)"; fi
  rm -f "$log"
}

JOB=
STOP=
stop_job() { # the one line, then stop what runs
  trap - INT TERM HUP
  if [ -n "$JOB" ]; then kill -TERM "$JOB" 2>/dev/null || true; wait "$JOB" 2>/dev/null || true; fi
  [ -z "$STOP" ] || $STOP >/dev/null 2>&1 || true
  say "stopped ($1)."
  exit 0
}

# Runs until the job ends, Ctrl-C, SIGINT or SIGTERM.
follow() {
  trap 'stop_job SIGINT' INT
  trap 'stop_job SIGTERM' TERM
  trap 'stop_job SIGHUP' HUP
  if [ -t 0 ] && saved=$(stty -g 2>/dev/null); then
    trap 'stty "$saved" 2>/dev/null' EXIT
    local key
    while kill -0 "$JOB" 2>/dev/null; do
      # Set again each second: a node process that exits restores the terminal modes it found at
      # its start (node's ResetStdio). Not bash's `read -n`: it turns ISIG back on while it reads.
      # min 0 time 10: dd returns after a key or after 1 s.
      stty -isig -icanon -echo min 0 time 10 2>/dev/null
      key=$(dd bs=1 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')
      [ "$key" != 03 ] || stop_job Ctrl-C
    done
  fi
  local rc=0
  wait "$JOB" || rc=$?
  [ "$rc" -eq 0 ] || die "the stack ended with status $rc"
}

if docker info >/dev/null 2>&1; then
  compose() { docker compose --ansi never "$@"; }
  say "building the images (docker compose build, quiet) ..."
  quietly "docker compose build" compose build --quiet
  quietly "docker compose up" compose up -d --no-build --wait --wait-timeout 120
  echo "jwt-proxy is up: proxy http://localhost:$HTTP_PORT/  ·  status http://localhost:$HTTP_PORT/status  ·  inspector http://localhost:$MOCK_PORT/__mock/  ·  Ctrl-C stops"
  STOP="docker compose stop"
  compose logs -f proxy mock-upstream &
  JOB=$!
else
  say "no Docker engine answers (docker info failed): running both servers natively"
  bash scripts/prepare.sh all || exit 1
  STACK_NATIVE_QUIET_STOP=1 bash scripts/stack-native.sh run &
  JOB=$!
fi
follow
