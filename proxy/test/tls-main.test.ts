// Issue #24 in the built main.js: a bad TLS file stops the start naming its variable; the
// listening line says https; SIGHUP reloads the certificate in one process and, relayed by
// the primary, in every worker. Waits are bounded polls on what the proxy serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { LOOPBACK } from '../../contracts/testing/raw-http.js';
import { createTlsFixtures, writeFixtureFile } from '../../contracts/testing/tls-fixtures.js';
import { waitFor, within } from '../../contracts/testing/wait.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
const WAIT_MS = 15_000;
const fixtures = createTlsFixtures();
const first = fixtures.server('first');
const second = fixtures.server('second');

type Child = ChildProcessByStdio<null, Readable, Readable>;

function startMain(env: Record<string, string>): { child: Child; output: () => string } {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HTTP_PORT: '0', HOST: LOOPBACK, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return { child, output: () => out };
}

async function stop(child: Child): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** The certificate a new connection is given (one handshake, no request). */
async function servedFingerprint(port: number): Promise<string> {
  const socket = tls.connect({ host: LOOPBACK, port, ca: fixtures.ca.cert, ALPNProtocols: ['http/1.1'] });
  try {
    await within(once(socket, 'secureConnect'), WAIT_MS, 'a TLS handshake');
    return socket.getPeerCertificate().fingerprint256;
  } finally {
    socket.destroy();
  }
}

const fingerprintOf = (cert: string): string => new X509Certificate(cert).fingerprint256;

test('a missing TLS_KEY_FILE and a non-PEM TLS_CERT_FILE stop the start with exit 1, each variable named', { timeout: 30_000 }, async () => {
  const junk = writeFixtureFile(fixtures, 'junk.pem', 'not a certificate\n');
  const { child, output } = startMain({ TLS_CERT_FILE: junk, TLS_KEY_FILE: join(fixtures.dir, 'absent.pem') });
  const [code] = (await within(once(child, 'exit'), WAIT_MS, 'the proxy to exit')) as [number | null];
  assert.equal(code, 1);
  assert.match(output(), /TLS_CERT_FILE: .*junk\.pem holds no PEM certificate/);
  assert.match(output(), /TLS_KEY_FILE: cannot read .*absent\.pem \(ENOENT\)/);
});

for (const workers of ['1', '2']) {
  test(`WORKERS=${workers}: the listening line says https; SIGHUP gives new connections the new certificate`, { timeout: 60_000 }, async (t) => {
    const certFile = writeFixtureFile(fixtures, `live-${workers}.pem`, first.cert);
    const keyFile = writeFixtureFile(fixtures, `live-${workers}-key.pem`, first.key);
    const { child, output } = startMain({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, WORKERS: workers });
    t.after(() => stop(child));
    const port = Number(
      await waitFor(() => /"port":(\d+)[^\n]*"url":"https:\/\/127\.0\.0\.1:\d+"[^\n]*"msg":"listening"/.exec(output())?.[1], 'the listening line', { timeoutMs: WAIT_MS }),
    );
    assert.equal(await servedFingerprint(port), fingerprintOf(first.cert));
    renameSync(writeFixtureFile(fixtures, 'swap.tmp', second.cert), certFile);
    renameSync(writeFixtureFile(fixtures, 'swap-key.tmp', second.key), keyFile);
    child.kill('SIGHUP');
    // Every worker reloads: poll until the expected number of reload lines, then every new connection is the new one.
    await waitFor(() => (output().split('\n').filter((l) => l.includes('"msg":"tls reloaded"')).length >= Number(workers) ? true : undefined), 'tls reloaded', { timeoutMs: WAIT_MS });
    for (let i = 0; i < 4; i += 1) assert.equal(await servedFingerprint(port), fingerprintOf(second.cert));
  });
}
