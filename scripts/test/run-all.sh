#!/usr/bin/env bash
# Runs every scripts/test/*.test.sh (the `scripts` step of make test); each is bounded on its own.
set -uo pipefail
cd "$(dirname "$0")"
failed=0
for t in *.test.sh; do
  echo "# $t"
  timeout -k 5 180 bash "$t" || { echo "not ok - $t" >&2; failed=1; }
done
exit "$failed"
