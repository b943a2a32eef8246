/**
 * TLS on the proxy's port (issue #24) through the stack's proxy-tls, compose or native alike: its
 * certificate was made at start (scripts/tls-certs.sh into TLS_DIR; compose mounts it, tls-init
 * keeps it). HTTPS in reverse mode, in forward mode (absolute-form over TLS, what
 * `curl --proxy https://…` sends) and with a client certificate of the stack's CA (mTLS). Sent with
 * node:https so the test trusts exactly the stack's CA, never every certificate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { test, expect, expectValidToken, MOCK_SESSION_HEADER, sha256 } from './fixtures.js';

const proxyTlsUrl = process.env.PROXY_TLS_URL;
const tlsDir = process.env.TLS_DIR;

interface TlsResponse {
  readonly status: number;
  readonly body: string;
  readonly alpn: string | false | null;
  readonly protocol: string | null;
}

function viaTls(session: string, method: string, path: string, options: { body?: Buffer; client?: boolean } = {}): Promise<TlsResponse> {
  const proxy = new URL(proxyTlsUrl!);
  const file = (name: string): Buffer => readFileSync(join(tlsDir!, name));
  return new Promise((resolve, reject) => {
    const requestOptions: RequestOptions & ConnectionOptions = {
        host: proxy.hostname,
        port: Number(proxy.port),
        method,
        path, // origin-form (reverse mode) or an absolute URL (forward mode)
        ca: file('ca.pem'),
        ...(options.client ? { cert: file('client.pem'), key: file('client-key.pem') } : {}),
        headers: { [MOCK_SESSION_HEADER]: session, ...(options.body ? { 'content-length': options.body.length } : {}) },
        agent: false,
        // Offered, so the test sees the server choose HTTP/1.1 (RFC 7301).
        ALPNProtocols: ['http/1.1'],
      };
    const req = httpsRequest(requestOptions, (res) => {
        const socket = res.socket as TLSSocket;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), alpn: socket.alpnProtocol, protocol: socket.getProtocol() }),
        );
        res.on('error', reject);
      });
    req.on('error', reject);
    req.end(options.body);
  });
}

test.beforeEach(() => {
  test.skip(!proxyTlsUrl || !tlsDir, 'PROXY_TLS_URL and TLS_DIR name the stack\'s proxy-tls and its certificates (make test sets them)');
});

test('reverse mode over HTTPS: a POST reaches the mock signed, with X-Forwarded-Proto https', async ({ journal, stack, uniquePath }) => {
  const body = Buffer.from(`tls ${uniquePath}`);
  const res = await viaTls(journal.session, 'POST', `${uniquePath}?mode=tls`, { body });
  expect(res.status, res.body).toBe(200);
  expect(res.alpn).toBe('http/1.1');
  expect(['TLSv1.2', 'TLSv1.3']).toContain(res.protocol);
  const entry = await journal.only(uniquePath);
  expect(entry.body).toMatchObject({ bytes: body.length, sha256: sha256(body) });
  expect(entry.headers['x-forwarded-proto']).toBe('https');
  expect(String(entry.headers.forwarded)).toMatch(/proto=https/);
  expectValidToken(entry.token, stack.jwtUser);
});

test('forward mode over HTTPS: an absolute-form POST reaches its target signed', async ({ journal, stack, uniquePath }) => {
  const body = Buffer.from(`tls forward ${uniquePath}`);
  const target = `${stack.mockUrlFromProxy}${uniquePath}?mode=tls-forward`;
  const res = await viaTls(journal.session, 'POST', target, { body });
  expect(res.status, res.body).toBe(200);
  const entry = await journal.only(uniquePath);
  expect(entry).toMatchObject({ method: 'POST', url: `${uniquePath}?mode=tls-forward` });
  expect(entry.headers.host).toBe(new URL(target).host);
  expect(entry.headers['x-forwarded-proto']).toBe('https');
  expectValidToken(entry.token, stack.jwtUser);
});

test('mTLS: with a client certificate of TLS_CLIENT_CA_FILE\'s CA the handshake completes and the POST is signed', async ({ journal, stack, uniquePath }) => {
  const res = await viaTls(journal.session, 'POST', uniquePath, { body: Buffer.from('mtls'), client: true });
  expect(res.status, res.body).toBe(200);
  expectValidToken((await journal.only(uniquePath)).token, stack.jwtUser);
});

test('the own endpoints answer over HTTPS; a cleartext request to the TLS port gets no HTTP answer', async ({ journal }) => {
  expect((await viaTls(journal.session, 'GET', '/healthz')).status).toBe(200);
  expect(JSON.parse((await viaTls(journal.session, 'GET', '/status')).body)).toMatchObject({ inFlight: expect.any(Number) });
  const proxy = new URL(proxyTlsUrl!);
  const cleartext = new Promise<string>((resolve) => {
    const req = httpRequest({ host: proxy.hostname, port: proxy.port, path: '/healthz', agent: false }, () => resolve('answered'));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    req.end();
  });
  expect(await cleartext).not.toBe('answered');
});
