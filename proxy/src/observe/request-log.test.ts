import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createRequestLog, JsonNumber, logRequest, logWhenClosed } from './request-log.js';

test('logRequest measures durationMs and upstreamMs on the clock it is given, and logs no query', () => {
  const lines: unknown[] = [];
  const logger = { info: (line: unknown) => lines.push(line) } as unknown as Logger;
  logRequest(
    logger,
    { method: 'POST', url: '/a?secret=1', status: 200, startedAt: 1000, upstreamAt: 1002.5, jti: 'j', user: 'alice' },
    () => 1012.3456,
  );
  logRequest(logger, { method: undefined, url: undefined, status: 0 }, () => 5);
  // As pino writes them: JSON.stringify, undefined fields left out.
  assert.deepEqual(lines.map((line) => JSON.parse(JSON.stringify(line)) as unknown), [
    { msg: 'request', method: 'POST', url: '/a', status: 200, durationMs: 12.346, upstreamMs: 2.5, jti: 'j', user: 'alice' },
    { msg: 'request', url: '', status: 0 },
  ]);
});

test('durations reach pino as objects it serialises with JSON.stringify, never as numbers it would concatenate', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = { info: (line: Record<string, unknown>) => lines.push(line) } as unknown as Logger;
  logRequest(logger, { method: 'POST', url: '/a', status: 200, startedAt: 0, upstreamAt: 0.1 + 0.2 }, () => 1 / 3);
  const [line] = lines;
  assert.ok(line?.durationMs instanceof JsonNumber);
  assert.ok(line.upstreamMs instanceof JsonNumber);
  assert.equal(JSON.stringify(line.durationMs), '0.333');
  assert.equal(JSON.stringify(line.upstreamMs), '0.3');
  const { logger: real, lines: written } = memoryLogger('info');
  logRequest(real, { method: 'GET', url: '/b', status: 204, startedAt: 0, upstreamAt: 1.25 }, () => 12.3456);
  assert.equal(written[0], '{"level":30,"pid":1,"msg":"request","method":"GET","url":"/b","status":204,"durationMs":12.346,"upstreamMs":1.25}\n');
});

function memoryLogger(level: string): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level, base: { pid: 1 }, timestamp: false }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

test('createRequestLog writes the same bytes as logRequest, and builds nothing below info', () => {
  const line = { method: 'POST', url: '/a?x=1', status: 200, startedAt: 1, upstreamAt: 2, jti: 'j' } as const;
  const { logger, lines } = memoryLogger('info');
  logRequest(logger, line, () => 5);
  createRequestLog(logger, () => 5)(line);
  assert.equal(lines.length, 2);
  assert.equal(lines[1], lines[0]);
  assert.equal(lines[0], '{"level":30,"pid":1,"msg":"request","method":"POST","url":"/a","status":200,"durationMs":4,"upstreamMs":1,"jti":"j"}\n');
  const quiet = memoryLogger('warn');
  let clockRead = false;
  createRequestLog(quiet.logger, () => {
    clockRead = true;
    return 0;
  })(line);
  assert.deepEqual(quiet.lines, []);
  assert.equal(clockRead, false);
});

test('own endpoints are logged at info when they close, GET /healthz at debug', () => {
  const { logger, lines } = memoryLogger('info');
  const debug = memoryLogger('debug');
  for (const url of ['/status', '/healthz', '/healthz?probe=1']) {
    for (const target of [logger, debug.logger]) {
      const res = new EventEmitter() as EventEmitter & { headersSent: boolean; statusCode: number; writableFinished: boolean };
      Object.assign(res, { headersSent: true, statusCode: 200, writableFinished: true });
      logWhenClosed(target, { method: 'GET', url } as IncomingMessage, res as unknown as ServerResponse, () => 0);
      res.emit('close');
    }
  }
  assert.deepEqual(lines.map((line) => (JSON.parse(line) as { url: string }).url), ['/status']);
  assert.deepEqual(debug.lines.map((line) => JSON.parse(line) as { level: number; url: string }).map(({ level, url }) => `${level} ${url}`), ['30 /status', '20 /healthz', '20 /healthz']);
});

test('an own endpoint whose client went away is logged with status 0 and CLIENT_ABORTED', () => {
  const { logger, lines } = memoryLogger('info');
  const res = Object.assign(new EventEmitter(), { headersSent: false, statusCode: 200, writableFinished: false });
  logWhenClosed(logger, { method: 'GET', url: '/metrics' } as IncomingMessage, res as unknown as ServerResponse, () => 0);
  res.emit('close');
  assert.deepEqual(lines.map((line) => JSON.parse(line) as Record<string, unknown>).map(({ status, code }) => ({ status, code })), [{ status: 0, code: 'CLIENT_ABORTED' }]);
});
