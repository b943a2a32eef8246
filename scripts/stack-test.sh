#!/usr/bin/env bash
# What `make test` runs (issue 5): lint, typecheck, unit tests with coverage, then the contract and
# Playwright suites against a running stack, which is always torn down. Every step runs even when an
# earlier one failed, so one run shows everything; the exit status is non-zero if any step failed.
#
#   STACK=compose (default)  the real images via `docker compose -p $TEST_PROJECT` on free host ports
#                            chosen at start (TEST_HTTP_PORT, TEST_MOCK_PORT, TEST_HTTP_PORT_PUT,
#                            TEST_MOCK_STRICT_PORT, TEST_HTTP_PORT_KEYS, TEST_MOCK_KEYS_PORT,
#                            TEST_MOCK_PROFILE_PORT, TEST_HTTP_PORT_TLS, TEST_HTTP_PORT_AUTH pin one), so a `make run` stack is left alone;
#                            TEST_PROJECT defaults to jwt-proxy-test-<hash of this checkout's path>,
#                            so two checkouts' test stacks run side by side
#   STACK=native             the built servers on free loopback ports (scripts/stack-native.sh)
# With no Docker engine answering, compose falls back to native with a warning, except under CI=true,
# where testing anything but the images is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

STACK=${STACK:-compose}
# One compose project per checkout (issue #23): another copy of the project runs its own beside it.
PROJECT=${TEST_PROJECT:-jwt-proxy-test-$(pwd | sha256sum | cut -c1-8)}
export TEST_PROJECT=$PROJECT
# Its own image tags too: another checkout building jwt-proxy:local at the same time would swap images.
export IMAGE_TAG=${IMAGE_TAG:-$PROJECT}
# The proxy's upstream timeout in the test stack: low, so the 504 case in e2e/faults.api.spec.ts is quick.
export UPSTREAM_TIMEOUT_MS=${TEST_UPSTREAM_TIMEOUT_MS:-2000}
RESULTS=e2e/test-results
results=()
failed=0

record() { # record NAME STATUS SECONDS
  results+=("$(printf '%-4s  %-10s %4ss' "$2" "$1" "$3")")
  # SKIP is not a failure: contract/e2e are skipped only after the stack step failed (already
  # counted), and the scale step is skipped by design under STACK=native.
  case "$2" in PASS|SKIP) ;; *) failed=1 ;; esac
}

# A hung test must not hang CI: under CI=true each command gets STEP_TIMEOUT_S (900 s), and
# timeout(1) signals its whole process group (servers and browsers it started included). Not on a
# terminal: timeout's own process group would no longer get the Ctrl-C.
STEP_TIMEOUT_S=${STEP_TIMEOUT_S:-900}
step() { # step NAME COMMAND...
  local name=$1 t0=$SECONDS rc=0; shift
  echo; echo "==> [$name] $*"
  if [ "${CI:-}" = true ] && ! declare -F "$1" >/dev/null; then
    timeout -k 10 "$STEP_TIMEOUT_S" "$@" || rc=$?
  else
    "$@" || rc=$?
  fi
  [ "$rc" -eq 124 ] && echo "==> [$name] timed out after ${STEP_TIMEOUT_S}s"
  if [ "$rc" -eq 0 ]; then record "$name" PASS $((SECONDS - t0)); else record "$name" FAIL $((SECONDS - t0)); fi
}

banner() {
  echo
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  printf '!!! %s\n' "$@"
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo
}

compose() {
  # --env-file /dev/null: a developer's .env must not change what the tests run against.
  docker compose --ansi never -p "$PROJECT" --env-file /dev/null --profile test "$@"
}

# Issue #23: host ports free right now, chosen by the kernel (port 0), so the test stack never
# collides with a `make run` stack, another checkout's test stack or any other listener. The
# TEST_*_PORT variables still pin one. Another process could take a port before Docker binds it; the
# stack step then fails naming it, and a rerun picks new ones.
free_port() {
  node -e "const s=require('node:net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})"
}
port() { local value=${!1:-}; [ -n "$value" ] && echo "$value" || free_port; }

compose_up() {
  export HTTP_PORT MOCK_PORT HTTP_PORT_PUT MOCK_STRICT_PORT HTTP_PORT_KEYS MOCK_KEYS_PORT MOCK_PROFILE_PORT HTTP_PORT_TLS HTTP_PORT_AUTH
  HTTP_PORT=$(port TEST_HTTP_PORT) MOCK_PORT=$(port TEST_MOCK_PORT)
  HTTP_PORT_PUT=$(port TEST_HTTP_PORT_PUT) MOCK_STRICT_PORT=$(port TEST_MOCK_STRICT_PORT)
  HTTP_PORT_KEYS=$(port TEST_HTTP_PORT_KEYS) MOCK_KEYS_PORT=$(port TEST_MOCK_KEYS_PORT)
  MOCK_PROFILE_PORT=$(port TEST_MOCK_PROFILE_PORT) HTTP_PORT_TLS=$(port TEST_HTTP_PORT_TLS)
  HTTP_PORT_AUTH=$(port TEST_HTTP_PORT_AUTH)
  export PROXY_URL=http://127.0.0.1:$HTTP_PORT PROXY_PUT_URL=http://127.0.0.1:$HTTP_PORT_PUT
  export MOCK_URL=http://127.0.0.1:$MOCK_PORT MOCK_STRICT_URL=http://127.0.0.1:$MOCK_STRICT_PORT
  export MOCK_URL_FROM_PROXY=http://mock-upstream:8081
  # proxy-keys / mock-keys (issue #12): a key folder of this run's own, mounted into proxy-keys.
  export PROXY_KEYS_URL=http://127.0.0.1:$HTTP_PORT_KEYS MOCK_KEYS_URL=http://127.0.0.1:$MOCK_KEYS_PORT
  KEYS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/jwt-proxy-keys.XXXXXX") && export KEYS_DIR
  export PROXY_KEYS_RELOAD="docker compose --ansi never -p $PROJECT --env-file /dev/null --profile test kill -s HUP proxy-keys"
  compose down -v --remove-orphans >/dev/null 2>&1 || true # leftovers of an interrupted run
  # proxy-tls (issue #24): this run's certificates in a host folder (tls-init then keeps them), so
  # the e2e specs hold the CA and the client certificate.
  export PROXY_TLS_URL=https://127.0.0.1:$HTTP_PORT_TLS
  TLS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/jwt-proxy-tls.XXXXXX") && export TLS_DIR
  bash scripts/tls-certs.sh "$TLS_DIR" || return 1
  bash scripts/stack-keys.sh init "$KEYS_DIR" || return 1
  # proxy-auth (issue #24): a users file of this run's own (one test-only user, a random password).
  export PROXY_AUTH_URL=http://127.0.0.1:$HTTP_PORT_AUTH PROXY_AUTH_USER=e2e-user PROXY_AUTH_TRUSTED_ADDRESS=127.0.0.2
  AUTH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/jwt-proxy-auth.XXXXXX") && export AUTH_DIR
  PROXY_AUTH_PASSWORD=$(bash scripts/stack-auth.sh init "$AUTH_DIR") || return 1
  export PROXY_AUTH_PASSWORD
  # mock-profile (issue #14): the verifier profile of negative-vectors.json, so the consumer suite
  # runs the profile vectors against the image too (they skip without MOCK_PROFILE_URL).
  export MOCK_PROFILE_URL=http://127.0.0.1:$MOCK_PROFILE_PORT
  local profile
  profile=$(bash scripts/stack-keys.sh vectors "$KEYS_DIR") || return 1
  export MOCK_PROFILE_ISSUER=${profile% *} MOCK_PROFILE_AUDIENCE=${profile#* }
  if ! compose up -d --build --wait --wait-timeout 180; then
    compose ps -a; compose logs --no-color --tail 50
    return 1
  fi
}

compose_down() {
  # Stopped first, so the log ends with each server's shutdown and `ps` shows its exit code.
  compose stop --timeout 15 || true
  mkdir -p "$RESULTS"
  # sed: compose 2.26 writes erase-line escapes even with --ansi never.
  { compose ps -a; compose logs --no-color --timestamps; } 2>&1 | sed $'s/\x1b\[2K//g' >"$RESULTS/stack.log" || true
  compose down -v --remove-orphans || true
  [ -z "${KEYS_DIR:-}" ] || rm -rf "$KEYS_DIR"
  [ -z "${TLS_DIR:-}" ] || rm -rf "$TLS_DIR"
  [ -z "${AUTH_DIR:-}" ] || rm -rf "$AUTH_DIR"
}

NATIVE_DIR=
native_up() {
  NATIVE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/jwt-proxy-stack.XXXXXX")
  npm run --silent build && bash scripts/stack-native.sh start "$NATIVE_DIR" || return 1
  # shellcheck disable=SC1091
  . "$NATIVE_DIR/env"
}

native_down() {
  [ -n "$NATIVE_DIR" ] || return 0
  bash scripts/stack-native.sh stop "$NATIVE_DIR"
  mkdir -p "$RESULTS"
  for f in "$NATIVE_DIR"/*.log; do [ -f "$f" ] && { echo "--- $(basename "$f")"; cat "$f"; }; done >"$RESULTS/stack.log"
  rm -rf "$NATIVE_DIR"
}

teardown() { :; }
FELL_BACK=
summary() {
  trap - EXIT INT TERM
  teardown
  echo
  echo "==> make test summary (stack: $STACK, ${SECONDS}s)"
  [ -z "$FELL_BACK" ] || echo "==> WARNING: no Docker engine answered; the images were NOT tested (native servers instead)"
  printf '    %s\n' "${results[@]}"
  if [ "$failed" -ne 0 ]; then echo "==> FAILED"; exit 1; fi
  echo "==> all passed"
}
trap summary EXIT
trap 'echo "interrupted"; failed=1; exit 130' INT TERM

step lint npm run lint
step typecheck npm run typecheck
step unit npm test
# The scripts' own tests (issue #23): prepare.sh's stamps, stack-native.sh run's stop on SIGTERM/Ctrl-C.
step scripts bash scripts/test/run-all.sh

case "$STACK" in
  compose)
    if ! docker info >/dev/null 2>&1; then
      if [ "${CI:-}" = true ]; then
        banner "No Docker engine answers, and CI=true: the compose stack is what CI must test." \
               "Start one (bash ../shared/ci/docker-offline.sh up) and rerun."
        record stack FAIL 0
        exit 1
      fi
      banner "No Docker engine answers (docker info failed)." \
             "Falling back to STACK=native: the suites run against local servers, NOT the images." \
             "Start Docker and rerun 'make test' to test the compose stack."
      STACK=native FELL_BACK=1
    fi ;;
  native) ;;
  *) echo "STACK must be compose or native, got '$STACK'" >&2; record stack FAIL 0; exit 1 ;;
esac

if [ "$STACK" = compose ]; then
  teardown() { compose_down; }
  step stack compose_up
else
  teardown() { native_down; }
  step stack native_up
fi

if [[ ${results[-1]} == PASS* ]]; then # the stack came up
  echo "==> stack: PROXY_URL=$PROXY_URL PROXY_PUT_URL=$PROXY_PUT_URL MOCK_URL=$MOCK_URL" \
    "MOCK_STRICT_URL=$MOCK_STRICT_URL MOCK_URL_FROM_PROXY=$MOCK_URL_FROM_PROXY"
  step contract npm run test:contract
  step e2e npm run test:e2e
else
  record contract SKIP 0
  record e2e SKIP 0
fi
# The replicated stack (issue 15): the `scale` profile as a compose project of its own, beside this one.
if [ "$STACK" = compose ]; then step scale bash scripts/scale-test.sh; else record scale SKIP 0; fi
