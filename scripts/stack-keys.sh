#!/usr/bin/env bash
# The key folder of the test stacks' proxy-keys (issue #12), shared by stack-test.sh (compose, mounted
# read-only at /keys) and stack-native.sh: writes a first JWK Set (one ES256 key) with the keys CLI.
# e2e/key-rotation.api.spec.ts then rewrites the file (by rename) and sends SIGHUP.
#   stack-keys.sh init DIR   DIR/jwt-keys.json, world-readable: the image runs as uid 1000
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  init)
    dir=${2:?usage: stack-keys.sh init DIR}
    mkdir -p "$dir"
    node dist/contracts/src/keys-cli.js new --alg ES256 --kid stack-initial --out "$dir/jwt-keys.json"
    chmod 755 "$dir"
    chmod 644 "$dir/jwt-keys.json"
    ;;
  *) echo "usage: stack-keys.sh init DIR" >&2; exit 2 ;;
esac
