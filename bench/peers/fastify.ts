/**
 * The fastify peer of issue #22: fastify 5 + @fastify/http-proxy (undici underneath) +
 * jsonwebtoken, the token added in `replyOptions.rewriteRequestHeaders`. The same token as
 * jwt-proxy's default (contract claims, HS512, the published secret). Not hardened: a
 * yardstick for what another engine costs. Env: UPSTREAM_URL, HTTP_PORT (0 = any).
 */
import { randomUUID } from 'node:crypto';
import fastifyHttpProxy from '@fastify/http-proxy';
import Fastify from 'fastify';
import jwt from 'jsonwebtoken';
import { buildClaims, DEFAULT_JWT_HEADER, DEFAULT_JWT_SECRET, DEFAULT_JWT_USER } from '../../contracts/src/index.js';

const app = Fastify({ logger: false });
await app.register(fastifyHttpProxy, {
  upstream: process.env['UPSTREAM_URL'] ?? 'http://127.0.0.1:8081',
  replyOptions: {
    rewriteRequestHeaders: (request, headers) => {
      const out: Record<string, string | string[] | undefined> = { ...headers, [DEFAULT_JWT_HEADER]: undefined };
      if (request.method === 'POST') {
        const claims = buildClaims(Date.now(), randomUUID(), DEFAULT_JWT_USER);
        out[DEFAULT_JWT_HEADER] = jwt.sign(claims, DEFAULT_JWT_SECRET, { algorithm: 'HS512' });
      }
      return out;
    },
  },
});
const address = await app.listen({ port: Number(process.env['HTTP_PORT'] ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ msg: 'listening', port: Number(new URL(address).port) })}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
