import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { craftToken, decodeToken, hasValidHs512Signature, signatureOf } from '../testing/craft-token.js';
import { listeningPort } from '../suites/stack.js';
import { casingsOf } from '../suites/suite-config.js';
import { sendRaw, serialiseRequest } from '../testing/raw-http.js';
import { listen } from '../testing/listen.js';

const key = Buffer.alloc(64, 7);

test('craftToken signs with the algorithm asked for, independent of the header', () => {
  const hs256 = craftToken({ claims: { a: 1 }, key, algorithm: 'HS256' });
  assert.equal(hs256.split('.')[2], signatureOf(hs256.split('.').slice(0, 2).join('.'), key, 'HS256'));
  assert.equal(hasValidHs512Signature(hs256, key), false);
  assert.ok(craftToken({ claims: '{', key, algorithm: 'none' }).endsWith('.'));
  assert.equal(decodeToken(craftToken({ claims: '{', key })), undefined);
  assert.equal(decodeToken('a.b'), undefined);
  assert.equal(hasValidHs512Signature('no-dot', key), false);
  assert.deepEqual(decodeToken(craftToken({ header: '{"alg":"x"}', claims: { b: 2 }, key }))?.header, { alg: 'x' });
});

test('listeningPort reads only a {"msg":"listening","port":N} line', () => {
  assert.equal(listeningPort('{"level":30,"port":4321,"msg":"listening"}'), 4321);
  assert.equal(listeningPort('{"msg":"listening"}'), undefined);
  assert.equal(listeningPort('{"msg":"started","port":1}'), undefined);
  assert.equal(listeningPort('listening on 8080'), undefined);
  assert.equal(listeningPort('{not json'), undefined);
});

test('casingsOf gives the header in distinct casings', () => {
  assert.deepEqual(casingsOf('x-my-jwt'), ['x-my-jwt', 'X-My-Jwt', 'X-MY-JWT', 'X-My-jWt']);
});

test('serialiseRequest writes the head as given and frames chunks', () => {
  const origin = new URL('http://127.0.0.1:9');
  const { head, body } = serialiseRequest(origin, { method: 'POST', target: '/a%2Fb?c', headers: [['X-A', '1'], ['x-a', '2']], chunks: [Buffer.from('hi'), Buffer.alloc(0)] });
  assert.equal(head.toString(), 'POST /a%2Fb?c HTTP/1.1\r\nHost: 127.0.0.1:9\r\nX-A: 1\r\nx-a: 2\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.equal(body.toString(), '2\r\nhi\r\n0\r\n\r\n');
});

test('sendRaw waits for 100 Continue, reads chunked and content-length responses', async () => {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString();
      if (req.url === '/chunked') {
        res.write('a');
        res.end(text);
      } else res.end(text);
    });
  });
  await listen(server);
  const origin = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const expect = await sendRaw(origin, { method: 'POST', target: '/x', headers: [['Expect', '100-continue']], body: Buffer.from('body'), expectContinue: true });
    assert.deepEqual([expect.status, expect.interim, expect.body.toString()], [200, [100], 'body']);
    const chunked = await sendRaw(origin, { method: 'POST', target: '/chunked', chunks: [Buffer.from('b'), Buffer.from('c')] });
    assert.equal(chunked.body.toString(), 'abc');
    const head = await sendRaw(origin, { method: 'HEAD', target: '/' });
    assert.equal(head.body.length, 0);
  } finally {
    server.close();
  }
});
