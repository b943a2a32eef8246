#!/usr/bin/env bash
# Certificates for the TLS proxy of the stacks (issue #24), made with openssl at start, never committed:
#   tls-certs.sh DIR   DIR/ca.pem (a CA made for this stack), DIR/server.pem + server-key.pem (for
#                      127.0.0.1, ::1, localhost and proxy-tls, signed by it) and DIR/client.pem +
#                      client-key.pem (CN e2e-client, a client certificate for mTLS). Does nothing when
#                      DIR/server.pem exists, so a restarted stack keeps its certificate.
# Used by compose's tls-init service (in the named volume `tls`, run as root: the files are then
# given to uid 1000, the proxy image's user, keys 0600), by stack-test.sh (TLS_DIR, mounted
# read-only) and by stack-native.sh. Run by a non-root user the keys are made world-readable, as
# stack-keys.sh does, so the image's uid 1000 can read a host folder: test certificates only.
set -euo pipefail
dir=${1:?usage: tls-certs.sh DIR}
mkdir -p "$dir"
[ -f "$dir/server.pem" ] && { echo "tls-certs: $dir/server.pem exists, kept"; exit 0; }
cd "$dir"
key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
# Short-lived on purpose: a stack's certificate is remade with the stack (825 days is the most clients accept).
openssl req -x509 "${key[@]}" -days 30 -keyout ca-key.pem -out ca.pem -subj '/CN=jwt-proxy stack CA' \
  -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
openssl req -x509 "${key[@]}" -days 30 -keyout server-key.pem -out server.pem -subj '/CN=localhost' \
  -CA ca.pem -CAkey ca-key.pem -set_serial 2 -addext 'basicConstraints=critical,CA:FALSE' \
  -addext 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:proxy-tls' -addext 'extendedKeyUsage=serverAuth' 2>/dev/null
openssl req -x509 "${key[@]}" -days 30 -keyout client-key.pem -out client.pem -subj '/CN=e2e-client' \
  -CA ca.pem -CAkey ca-key.pem -set_serial 3 -addext 'basicConstraints=critical,CA:FALSE' \
  -addext 'extendedKeyUsage=clientAuth' 2>/dev/null
# The CA's key is not needed once the certificates exist: nothing else is ever signed with it.
rm -f ca-key.pem
# The folder must be searchable by uid 1000 either way: a mktemp -d folder is 0700, and a root-owned
# 0700 folder hides even files given to uid 1000 (EACCES in the proxy-tls container).
chmod 755 .
if [ "$(id -u)" = 0 ]; then
  chown 1000:1000 ./*.pem && chmod 600 ./*-key.pem && chmod 644 ca.pem server.pem client.pem
else
  chmod 644 ./*.pem
fi
echo "tls-certs: made $dir/ca.pem, server.pem, client.pem"
