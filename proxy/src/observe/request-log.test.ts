import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { logRequest } from './request-log.js';

test('logRequest measures durationMs and upstreamMs on the clock it is given, and logs no query', () => {
  const lines: unknown[] = [];
  const logger = { info: (line: unknown) => lines.push(line) } as unknown as Logger;
  logRequest(
    logger,
    { method: 'POST', url: '/a?secret=1', status: 200, startedAt: 1000, upstreamAt: 1002.5, jti: 'j' },
    () => 1012.3456,
  );
  logRequest(logger, { method: undefined, url: undefined, status: 0 }, () => 5);
  assert.deepEqual(lines, [
    { msg: 'request', method: 'POST', url: '/a', status: 200, durationMs: 12.346, upstreamMs: 2.5, code: undefined, jti: 'j' },
    { msg: 'request', method: undefined, url: '', status: 0, durationMs: undefined, upstreamMs: undefined, code: undefined, jti: undefined },
  ]);
});
