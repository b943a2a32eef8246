/**
 * The reference proxy of issue #7: what plain `node:http` can do, ~60 lines.
 * Same job as jwt-proxy's reverse mode on the hot path: pooled keep-alive
 * upstream connections, the client's `x-my-jwt` stripped, hop-by-hop headers
 * dropped, an HS512 token (contract claims, default secret) on every POST,
 * bodies streamed both ways. No config, logs, metrics or error mapping: it is
 * the yardstick, not a product. Env: UPSTREAM_URL, HTTP_PORT (0 = any).
 */
import http from 'node:http';
import { createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { buildClaims, decodeSecret, DEFAULT_JWT_SECRET, DEFAULT_JWT_HEADER, JWT_PROTECTED_HEADER } from '../contracts/src/index.js';

const upstream = new URL(process.env['UPSTREAM_URL'] ?? 'http://127.0.0.1:8081');
const decoded = decodeSecret(DEFAULT_JWT_SECRET, 'utf8');
if (!('key' in decoded)) throw new Error(decoded.problem);
const key = createSecretKey(decoded.key);
const encodedHeader = Buffer.from(JSON.stringify(JWT_PROTECTED_HEADER)).toString('base64url');
const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 256, timeout: 30_000 });
// RFC 9110 §7.6.1 plus the token header a client must not forge.
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', DEFAULT_JWT_HEADER]);

function sign(): string {
  const payload = Buffer.from(JSON.stringify(buildClaims(Date.now(), randomUUID(), 'username'))).toString('base64url');
  const input = `${encodedHeader}.${payload}`;
  return `${input}.${createHmac('sha512', key).update(input).digest('base64url')}`;
}

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const listed = headers.connection?.toLowerCase().split(',').map((name) => name.trim()) ?? [];
  for (const [name, value] of Object.entries(headers)) {
    if (!DROPPED.has(name) && !listed.includes(name)) out[name] = value;
  }
  return out;
}

const server = http.createServer((req, res) => {
  const headers = endToEnd(req.headers);
  headers.host = upstream.host;
  if (req.method === 'POST') headers[DEFAULT_JWT_HEADER] = sign();
  const upstreamReq = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, endToEnd(upstreamRes.headers));
      upstreamRes.pipe(res);
    },
  );
  upstreamReq.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"UPSTREAM_UNREACHABLE","message":"upstream failed"}}');
  });
  // The client went away before the answer was complete: stop the upstream call too.
  res.on('close', () => {
    if (!res.writableFinished) upstreamReq.destroy();
  });
  req.pipe(upstreamReq);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env['HTTP_PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
