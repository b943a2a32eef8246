#!/usr/bin/env bash
# The key folder of the test stacks' proxy-keys (issue #12), shared by stack-test.sh (compose, mounted
# read-only at /keys) and stack-native.sh: writes a first JWK Set (one ES256 key) with the keys CLI.
# e2e/key-rotation.api.spec.ts then rewrites the file (by rename) and sends SIGHUP.
#   stack-keys.sh init DIR   DIR/jwt-keys.json, world-readable: the image runs as uid 1000
#   stack-keys.sh vectors DIR  DIR/vectors-keys.json, the JWK Set of negative-vectors.json's one
#                              profile, and prints `ISSUER AUDIENCE` for the mock-profile verifier
#                              (issue #14: the consumer suite runs the profile vectors against it)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  init)
    dir=${2:?usage: stack-keys.sh init DIR}
    mkdir -p "$dir"
    node dist/contracts/cli/keys.js new --alg ES256 --kid stack-initial --out "$dir/jwt-keys.json"
    chmod 755 "$dir"
    chmod 644 "$dir/jwt-keys.json"
    ;;
  vectors)
    dir=${2:?usage: stack-keys.sh vectors DIR}
    mkdir -p "$dir"
    node --input-type=module -e '
      import { writeFileSync } from "node:fs";
      import { loadNegativeVectors, profileJwkSet } from "./dist/contracts/testing/negative-vectors.js";
      const file = loadNegativeVectors();
      const [name, ...more] = Object.keys(file.profiles);
      if (name === undefined || more.length > 0) throw new Error("negative-vectors.json must name exactly one profile");
      writeFileSync(process.argv[1], JSON.stringify(profileJwkSet(file, name)));
      console.log(`${file.profiles[name].issuer} ${file.profiles[name].audience}`);
    ' "$dir/vectors-keys.json"
    chmod 755 "$dir"
    chmod 644 "$dir/vectors-keys.json"
    ;;
  *) echo "usage: stack-keys.sh init DIR | vectors DIR" >&2; exit 2 ;;
esac
