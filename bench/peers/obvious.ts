/**
 * The design card built the obvious way (issue #22): express 5 + http-proxy-middleware 4 +
 * jsonwebtoken, the token set in `on.proxyReq`. About 30 lines, no hardening: the yardstick
 * jwt-proxy must not be slower than. The same token as jwt-proxy's default (contract claims,
 * HS512, the published secret: same HMAC cost as the bench's fresh one).
 * Env: UPSTREAM_URL, HTTP_PORT (0 = any).
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import jwt from 'jsonwebtoken';
import { buildClaims, DEFAULT_JWT_HEADER, DEFAULT_JWT_SECRET, DEFAULT_JWT_USER } from '../../contracts/src/index.js';

const app = express();
app.use(
  createProxyMiddleware({
    target: process.env['UPSTREAM_URL'] ?? 'http://127.0.0.1:8081',
    changeOrigin: true,
    on: {
      proxyReq: (proxyReq, req) => {
        proxyReq.removeHeader(DEFAULT_JWT_HEADER);
        if (req.method === 'POST') {
          const claims = buildClaims(Date.now(), randomUUID(), DEFAULT_JWT_USER);
          proxyReq.setHeader(DEFAULT_JWT_HEADER, jwt.sign(claims, DEFAULT_JWT_SECRET, { algorithm: 'HS512' }));
        }
      },
    },
  }),
);
const server = app.listen(Number(process.env['HTTP_PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
