import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ClientRequest } from 'node:http';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { createManualClock } from '../../test/support/manual-clock.js';
import type { ManualClock } from '../../test/support/manual-clock.js';
import { ProxyError } from '../http/errors.js';
import { Exchange } from './exchange.js';
import { createUpstreamTimeout } from './upstream-timeout.js';
import type { UpstreamTimeout } from './upstream-timeout.js';

/** An upstream ClientRequest as the timer sees it: its socket's byte counts, whether it is sent, how it ends. */
class FakeUpstreamRequest extends EventEmitter {
  socket = { bytesRead: 0, bytesWritten: 0 };
  writableFinished = false;
  destroyedWith: unknown = undefined;
  destroy(err?: unknown): void {
    this.destroyedWith = err;
  }
}

interface TimedExchange {
  readonly clock: ManualClock;
  readonly exchange: Exchange;
  readonly upstream: FakeUpstreamRequest;
  readonly timeout: UpstreamTimeout;
}

/** An exchange whose timer is armed and whose upstream request exists, not yet sent. */
function timedExchange(): TimedExchange {
  const clock = createManualClock();
  const timeout = createUpstreamTimeout({ timeoutMs: 1000, timers: clock.timers });
  const exchange = new Exchange(clock.now(), {} as IncomingMessage, {} as ServerResponse);
  const upstream = new FakeUpstreamRequest();
  timeout.arm(exchange);
  exchange.proxyReq = upstream as unknown as ClientRequest;
  timeout.watch(exchange, exchange.proxyReq);
  return { clock, exchange, upstream, timeout };
}

function assertTimedOut(exchange: Exchange, upstream: FakeUpstreamRequest): void {
  assert.ok(upstream.destroyedWith instanceof ProxyError);
  assert.equal(upstream.destroyedWith.code, 'UPSTREAM_TIMEOUT');
  assert.equal(exchange.outcome, 'UPSTREAM_TIMEOUT');
  assert.equal(exchange.watchdog, undefined);
}

test('destroys the upstream request with UPSTREAM_TIMEOUT given a request body idle for UPSTREAM_TIMEOUT_MS', () => {
  const { clock, exchange, upstream } = timedExchange();
  clock.advance(999);
  upstream.socket.bytesWritten += 10;
  clock.advance(1);
  assert.equal(upstream.destroyedWith, undefined, 'bytes moved: the timer waits another full timeout');
  clock.advance(999);
  assert.equal(upstream.destroyedWith, undefined);
  clock.advance(1);
  assertTimedOut(exchange, upstream);
});

test('times out a response head that trickles for UPSTREAM_TIMEOUT_MS after the request was sent', () => {
  const { clock, exchange, upstream } = timedExchange();
  clock.advance(500);
  upstream.writableFinished = true;
  upstream.emit('finish'); // the whole timeout again, from here
  clock.advance(999);
  upstream.socket.bytesRead += 10;
  assert.equal(upstream.destroyedWith, undefined);
  clock.advance(1);
  assertTimedOut(exchange, upstream);
});

test('after the head, waits while the body moves, and stop leaves no timer', () => {
  const { clock, exchange, upstream, timeout } = timedExchange();
  upstream.writableFinished = true;
  upstream.emit('finish');
  clock.advance(900);
  exchange.upstreamAt = clock.now();
  timeout.headArrived(exchange);
  for (let second = 0; second < 5; second++) {
    upstream.socket.bytesRead += 100;
    clock.advance(1000);
  }
  assert.equal(upstream.destroyedWith, undefined, 'a flowing body is never cut');
  timeout.stop(exchange);
  assert.equal(clock.pending(), 0);
  clock.advance(10_000);
  assert.equal(upstream.destroyedWith, undefined);
});

test('answers 504 UPSTREAM_TIMEOUT itself given a request still queued for an upstream socket', () => {
  const clock = createManualClock();
  const timeout = createUpstreamTimeout({ timeoutMs: 1000, timers: clock.timers });
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  const exchange = new Exchange(clock.now(), req, res);
  timeout.arm(exchange);
  timeout.headArrived(new Exchange(clock.now(), req, res)); // an exchange without a timer: nothing to re-arm
  clock.advance(1000);
  assert.equal(exchange.outcome, 'UPSTREAM_TIMEOUT');
  assert.equal(res.statusCode, 504);
  assert.equal(res.writableEnded, true);
});

test('counts no progress for an upstream request whose socket is not assigned yet', () => {
  const { clock, exchange, upstream } = timedExchange();
  (upstream as unknown as { socket: null }).socket = null;
  clock.advance(1000);
  assertTimedOut(exchange, upstream);
});
