import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { clientErrorCode, createClientErrorHandler, refuseConnect } from './client-errors.js';
import { ResponseTracker } from './pipelining.js';
import type { Schedule } from '../observe/clock.js';
import { SOCKET_LINGER_MS } from './timers.js';

/** A Schedule that only records: the test runs the tasks when it says so, never on wall time. */
function manualSchedule(): { schedule: Schedule; delays: number[]; runAll: () => void } {
  const tasks: Array<() => void> = [];
  const delays: number[] = [];
  const schedule: Schedule = (delayMs, task) => {
    delays.push(delayMs);
    tasks.push(task);
    return () => undefined;
  };
  return { schedule, delays, runAll: () => tasks.splice(0).forEach((task) => task()) };
}

class FakeSocket extends Duplex {
  written = '';
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.written += chunk.toString();
    cb();
  }
}

test('maps client errors: overflow 431, timeouts 408, resets silent, the rest 400', () => {
  assert.equal(clientErrorCode({ code: 'HPE_HEADER_OVERFLOW' }), 'HEADERS_TOO_LARGE');
  assert.equal(clientErrorCode({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }), 'REQUEST_TIMEOUT');
  assert.equal(clientErrorCode({ code: 'HPE_HEADERS_TIMEOUT' }), 'REQUEST_TIMEOUT');
  assert.equal(clientErrorCode({ code: 'ECONNRESET' }), undefined);
  assert.equal(clientErrorCode({ code: 'EPIPE' }), undefined);
  assert.equal(clientErrorCode({ code: 'HPE_INVALID_METHOD' }), 'BAD_REQUEST');
  assert.equal(clientErrorCode({}), 'BAD_REQUEST');
});

test('answers a client error unless a response already started on the socket', async () => {
  const timers = manualSchedule();
  const handleClientError = createClientErrorHandler(new ResponseTracker(), timers.schedule);
  const fresh = new FakeSocket();
  assert.equal(handleClientError(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), fresh), 'BAD_REQUEST');
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(fresh.written, /^HTTP\/1\.1 400 /);

  const busy = new FakeSocket() as FakeSocket & { _httpMessage?: { headersSent: boolean } };
  busy._httpMessage = { headersSent: true };
  handleClientError(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), busy);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(busy.written, '');

  const reset = new FakeSocket();
  assert.equal(handleClientError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), reset), undefined);
  assert.equal(reset.written, '');
  reset.destroy();
  fresh.destroy();
  busy.destroy();
});

test('destroys a socket answered with a client error once the linger timer fires, not before', async () => {
  const timers = manualSchedule();
  const socket = new FakeSocket();
  createClientErrorHandler(new ResponseTracker(), timers.schedule)(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), socket);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(timers.delays, [SOCKET_LINGER_MS]);
  assert.equal(socket.destroyed, false);
  timers.runAll();
  assert.equal(socket.destroyed, true);
});

test('refuses CONNECT with 405, an Allow header and a close', async () => {
  const socket = new FakeSocket();
  const timers = manualSchedule();
  refuseConnect(socket, 'GET, POST', timers.schedule);
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(socket.written, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
  assert.match(socket.written, /\r\nAllow: GET, POST\r\n/);
  assert.match(socket.written, /"code":"CONNECT_NOT_SUPPORTED"/);
  assert.deepEqual(timers.delays, [SOCKET_LINGER_MS]);
  // A client that resets while the 405 drains must not crash the server.
  socket.emit('error', Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
  timers.runAll();
  assert.equal(socket.destroyed, true);
});
