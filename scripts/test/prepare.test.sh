#!/usr/bin/env bash
# Issue #23: scripts/prepare.sh on a bare clone. A copy of the committed tree (git archive: no
# node_modules, no dist) gets prepare.sh from the work tree; npm ci and tsc are replaced by commands
# that record their runs (PREPARE_NPM_CI / PREPARE_BUILD), so the test proves the stamp logic in
# seconds without the network: install on a bare clone, then only when package-lock.json or Node
# changed; build when there is none, then only when a source changed; a failing step shows its output.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/test/lib.sh

clone=$(mktemp -d "${TMPDIR:-/tmp}/jwt-proxy-clone.XXXXXX")
trap 'rm -rf "$clone"' EXIT
git archive HEAD | tar -x -C "$clone"
cp scripts/prepare.sh "$clone/scripts/prepare.sh"
[ ! -e "$clone/node_modules" ] && [ ! -e "$clone/dist" ] || fail "the clone is not bare"

log=$clone/calls.log
export PREPARE_NPM_CI="echo npm-ci >>$log; mkdir -p node_modules"
export PREPARE_BUILD="echo build >>$log; mkdir -p dist"
prepare() { : >"$log"; (cd "$clone" && bash scripts/prepare.sh "$@"); }
calls() { tr '\n' ' ' <"$log" | sed 's/ $//'; }

out=$(prepare)
[ "$(calls)" = "npm-ci build" ] || fail "bare clone: want npm ci then build, got '$(calls)'"
grep -q '^prepare: installing dependencies (npm ci: no node_modules yet) ...$' <<<"$out" || fail "no install line: $out"
grep -q '^prepare: building (tsc -b: no build yet) ...$' <<<"$out" || fail "no build line: $out"
[ "$(wc -l <<<"$out")" -eq 2 ] || fail "want one line per step, got: $out"
ok "a bare clone is installed and built, one line each"

out=$(prepare)
[ -z "$(calls)" ] && [ -z "$out" ] || fail "up to date: want nothing run or printed, got '$(calls)' / $out"
ok "nothing runs or prints when both are up to date"

echo ' ' >>"$clone/package-lock.json"
out=$(prepare)
[ "$(calls)" = "npm-ci" ] || fail "lockfile changed: want npm ci only, got '$(calls)'"
grep -q 'package-lock.json or the Node version changed' <<<"$out" || fail "reason missing: $out"
ok "a changed package-lock.json runs npm ci again"

# A source saved after the last build (the stamp is moved back rather than the source forward).
# (git archive dates every file at the commit's time: the stamp goes just after it.)
committed=$(git log -1 --format=%ct HEAD)
edit_source() { touch -d "@$((committed + 1))" "$clone/dist/.jwt-proxy-build"; touch "$clone/proxy/src/main.ts"; }
edit_source
out=$(prepare)
[ "$(calls)" = "build" ] || fail "source changed: want build only, got '$(calls)'"
grep -q 'sources changed, e.g. proxy/src/main.ts' <<<"$out" || fail "reason missing: $out"
ok "a changed source runs the build again"

rm "$clone/node_modules/.jwt-proxy-install"
prepare >/dev/null
[ "$(calls)" = "npm-ci" ] || fail "stamp removed: want npm ci, got '$(calls)'"
ok "a node_modules without the stamp (installed by hand) is installed again"

edit_source
if out=$(cd "$clone" && PREPARE_BUILD="echo 'main.ts(1,1): error TS1005' >&2; exit 2" bash scripts/prepare.sh build 2>&1); then
  fail "a failing build must fail prepare"
fi
grep -q 'error TS1005' <<<"$out" && grep -q 'prepare: the build failed' <<<"$out" || fail "failure output missing: $out"
out=$(prepare build)
[ "$(calls)" = "build" ] || fail "after a failed build the next prepare must build again, got '$(calls)'"
ok "a failed build shows its output and is retried next time"
