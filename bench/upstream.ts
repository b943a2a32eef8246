/**
 * The benchmark's upstream: the cheapest honest HTTP/1.1 server Node can be.
 * It reads (and discards) the whole request body, then answers a small JSON
 * document on a kept-alive connection. No logging, no routing: whatever the
 * proxies in front of it cost is then visible against the "direct" row.
 *
 * Port: first argument, else HTTP_PORT, else 0 (any free port). Prints
 * `{"msg":"listening","port":N}` on stdout once it accepts connections.
 */
import http from 'node:http';

const RESPONSE_BODY = Buffer.from(JSON.stringify({ ok: true, service: 'bench-upstream' }));
const CONTENT_LENGTH = String(RESPONSE_BODY.length);
const TOKEN_HEADER = 'x-my-jwt';

/**
 * What arrived in the token header, so the bench can check each configuration
 * does what its row claims: `signed` (one compact JWS), `absent`, or `forged`
 * (the client's value got through, alone or beside another).
 */
function tokenSeen(value: string | string[] | undefined): string {
  if (value === undefined) return 'absent';
  const text = Array.isArray(value) ? value.join(', ') : value;
  if (text.includes('forged') || text.includes(',')) return 'forged';
  return text.split('.').length === 3 ? 'signed' : 'other';
}

const port = Number(process.argv[2] ?? process.env['HTTP_PORT'] ?? 0);
const host = process.env['HOST'] ?? '127.0.0.1';

const server = http.createServer((req, res) => {
  // Drain the body before answering, as a real service would read it.
  req.on('data', () => undefined);
  req.on('end', () => {
    const token = req.headers[TOKEN_HEADER];
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': CONTENT_LENGTH,
      'x-bench-token': tokenSeen(token),
      // The bench's pre-run check verifies the token itself (signature and claims): only on /bench/check.
      ...(req.url?.startsWith('/bench/check') && typeof token === 'string' ? { 'x-bench-token-value': token } : {}),
    });
    res.end(RESPONSE_BODY);
  });
});
// Longer than any proxy's idle pool timeout, so the proxy (not us) closes idle sockets.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: actual })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
