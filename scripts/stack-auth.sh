#!/usr/bin/env bash
# The users file of the test stacks' proxy-auth (issue #24), shared by stack-test.sh (compose, mounted
# read-only at /auth) and stack-native.sh: one test-only user whose password is made now, at random,
# and never committed; the suites learn it from the environment (PROXY_AUTH_PASSWORD).
#   stack-auth.sh init DIR   DIR/users (htpasswd, bcrypt, written by the users CLI) with the user
#                            e2e-user; prints its password. World-readable, as stack-keys.sh does: the
#                            image runs as uid 1000. A throw-away hash of a throw-away password.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  init)
    dir=${2:?usage: stack-auth.sh init DIR}
    mkdir -p "$dir"
    password=$(node -e "console.log(require('node:crypto').randomBytes(18).toString('base64url'))")
    # The password on stdin, never in argv (ps would show it).
    printf '%s\n' "$password" | node dist/contracts/cli/users.js add --file "$dir/users" --user e2e-user >/dev/null
    chmod 755 "$dir"
    chmod 644 "$dir/users"
    echo "$password"
    ;;
  *) echo "usage: stack-auth.sh init DIR" >&2; exit 2 ;;
esac
