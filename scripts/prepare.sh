#!/usr/bin/env bash
# What `make run` and `make test` need on a bare clone (issue #23): the dependencies (`npm ci` when
# package-lock.json or the Node version changed since the last install, or node_modules is missing)
# and the build (`tsc -b`, incremental, when a source or tsconfig is newer than the last build).
# Each action is announced in one line; nothing is printed when both are up to date. npm's and tsc's
# output is shown only when they fail.
#
#   prepare.sh [install|build|all]   (default all)
#
# The stamps: node_modules/.jwt-proxy-install (the lockfile's sha256 and `node -v`) and
# dist/.jwt-proxy-build (its mtime is the last good build). Deleting either forces that step.
# PREPARE_NPM_CI and PREPARE_BUILD replace the two commands (scripts/test/prepare.test.sh uses them).
set -euo pipefail
cd "$(dirname "$0")/.."

INSTALL_STAMP=node_modules/.jwt-proxy-install
BUILD_STAMP=dist/.jwt-proxy-build
NPM_CI=${PREPARE_NPM_CI:-npm ci --no-audit --no-fund}
BUILD=${PREPARE_BUILD:-npm run --silent build}
# What the build reads: every TypeScript source and tsconfig outside node_modules and dist.
SOURCE_ROOTS=(proxy mock-upstream contracts bench e2e deploy)

die() { echo "prepare: $*" >&2; exit 1; }

# quietly LABEL COMMAND: runs COMMAND with its output kept aside; shows it only when it fails.
quietly() {
  local label=$1 log; shift
  log=$(mktemp "${TMPDIR:-/tmp}/jwt-proxy-prepare.XXXXXX")
  if ! bash -c "$*" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    die "$label failed (its output is above)"
  fi
  rm -f "$log"
}

wanted_install() {
  command -v node >/dev/null || die "node is not installed: this project needs Node 24 (https://nodejs.org)"
  printf '%s %s\n' "$(sha256sum package-lock.json | cut -d' ' -f1)" "$(node -v)"
}

install() {
  local want reason
  want=$(wanted_install)
  if [ ! -d node_modules ]; then reason="no node_modules yet"
  elif [ ! -f "$INSTALL_STAMP" ]; then reason="no record of the last install"
  elif [ "$(cat "$INSTALL_STAMP")" != "$want" ]; then reason="package-lock.json or the Node version changed"
  else return 0
  fi
  echo "prepare: installing dependencies (npm ci: $reason) ..."
  quietly "npm ci" "$NPM_CI"
  mkdir -p node_modules
  echo "$want" >"$INSTALL_STAMP"
}

changed_sources() { # prints the first source newer than the build stamp, if any
  find "${SOURCE_ROOTS[@]}" tsconfig.json tsconfig.base.json \
    \( -name node_modules -o -name test-results -o -name playwright-report \) -prune -o \
    \( -name '*.ts' -o -name 'tsconfig*.json' -o -name '*.json' -path '*/contracts/*' \) \
    -newer "$BUILD_STAMP" -print -quit 2>/dev/null
}

build() {
  local reason
  if [ ! -f "$BUILD_STAMP" ]; then reason="no build yet"
  else
    local first
    first=$(changed_sources)
    [ -n "$first" ] || return 0
    reason="sources changed, e.g. $first"
  fi
  echo "prepare: building (tsc -b: $reason) ..."
  # The stamp is taken before the build: a file saved during the build triggers the next one.
  local started
  started=$(mktemp "${TMPDIR:-/tmp}/jwt-proxy-prepare.XXXXXX")
  quietly "the build" "$BUILD" || { rm -f "$started"; exit 1; }
  mkdir -p dist
  mv "$started" "$BUILD_STAMP"
}

case "${1:-all}" in
  install) install ;;
  build) build ;;
  all) install; build ;;
  *) die "usage: prepare.sh [install|build|all]" ;;
esac
