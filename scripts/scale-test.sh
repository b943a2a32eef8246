#!/usr/bin/env bash
# The replicated stack's test (issue 15), one step of `make test`: the compose profile `scale`
# (three proxy replicas behind nginx, and the mock) as its own compose project, so the main test
# stack is left alone; then deploy/scale/scale.suite.ts against it; always torn down, its logs kept
# in e2e/test-results/scale-stack.log.
#
#   SCALE_PROJECT ($TEST_PROJECT-scale, jwt-proxy-test-scale)   compose project name
#   SCALE_HTTP_PORT                   nginx            SCALE_MOCK_PORT          the mock
#   SCALE_PROXY_PORT_1..3             each replica, for its own /status
# (free ports chosen at start unless set; docker-compose.yml's defaults 18090-18094 apply by hand)
# Every port is published on 127.0.0.1 only; the suite sends traffic nowhere else.
set -uo pipefail
cd "$(dirname "$0")/.."

export SCALE_PROJECT=${SCALE_PROJECT:-${TEST_PROJECT:-jwt-proxy-test}-scale}
# Issue #23: free host ports chosen at start unless pinned, so nothing else on the machine collides.
free_port() {
  node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
for name in SCALE_HTTP_PORT SCALE_MOCK_PORT SCALE_PROXY_PORT_1 SCALE_PROXY_PORT_2 SCALE_PROXY_PORT_3; do
  [ -n "${!name:-}" ] || printf -v "$name" '%s' "$(free_port)"
  export "${name?}"
done
# A key made for this run and shared by the replicas and the mock: never the published default,
# which the image (NODE_ENV=production) refuses.
SCALE_JWT_SECRET=$(node -e "process.stdout.write(require('node:crypto').randomBytes(64).toString('hex'))")
export SCALE_JWT_SECRET
# make test lowers the upstream timeout for its own stack; the drain test holds requests for seconds.
export UPSTREAM_TIMEOUT_MS=30000
SERVICES=(scale-mock scale-proxy-1 scale-proxy-2 scale-proxy-3 scale-nginx)
RESULTS=e2e/test-results

compose() {
  # --env-file /dev/null: a developer's .env must not change what the test runs against.
  docker compose --ansi never -p "$SCALE_PROJECT" --env-file /dev/null --profile scale "$@"
}

teardown() {
  compose stop --timeout 15 >/dev/null 2>&1 || true
  mkdir -p "$RESULTS"
  # sed: compose 2.26 writes erase-line escapes even with --ansi never.
  { compose ps -a; compose logs --no-color --timestamps; } 2>&1 | sed $'s/\x1b\[2K//g' >"$RESULTS/scale-stack.log" || true
  compose down -v --remove-orphans >/dev/null 2>&1 || true
}
trap teardown EXIT

compose down -v --remove-orphans >/dev/null 2>&1 || true # leftovers of an interrupted run
if ! compose up -d --build --wait --wait-timeout 180 "${SERVICES[@]}"; then
  compose ps -a; compose logs --no-color --tail 50
  exit 1
fi
npm run --silent build || exit 1
# Bounded: each test has its own timeout; the whole file gets at most 4 minutes.
node --test --test-timeout=240000 dist/deploy/scale/scale.suite.js
