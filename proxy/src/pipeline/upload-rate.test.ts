import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createManualClock } from '../../test/support/manual-clock.js';
import { uploadDeadline, watchUploadRate } from './upload-rate.js';

test('a body gets the grace period, then one more second per MIN_BODY_RATE_BPS bytes received', () => {
  const rate = { minBodyRateBps: 1000, bodyGraceMs: 10_000 };
  assert.equal(uploadDeadline(5_000, 0, rate), 15_000);
  assert.equal(uploadDeadline(5_000, 1000, rate), 16_000);
  assert.equal(uploadDeadline(5_000, 2500, rate), 17_500);
});

test('MIN_BODY_RATE_BPS=0 sets no deadline', () => {
  assert.equal(uploadDeadline(0, 0, { minBodyRateBps: 0, bodyGraceMs: 1 }), Number.POSITIVE_INFINITY);
});

/** A request whose body has not all arrived: only what watchUploadRate reads. */
function uploadingRequest(): EventEmitter & { complete: boolean; destroyed: boolean; socket: { bytesRead: number } } {
  return Object.assign(new EventEmitter(), { complete: false, destroyed: false, socket: { bytesRead: 0 } });
}

test('watchUploadRate calls onTooSlow once, at the deadline the bytes received bought, given a trickling body', () => {
  const clock = createManualClock(5_000);
  const req = uploadingRequest();
  let tooSlow = 0;
  watchUploadRate(req as unknown as IncomingMessage, { minBodyRateBps: 1000, bodyGraceMs: 10_000 }, clock, () => tooSlow++);
  clock.advance(9_999);
  req.socket.bytesRead += 2000; // two more seconds: the deadline moves from 15 000 to 17 000
  clock.advance(1);
  assert.equal(tooSlow, 0, 'within the grace period and the seconds its bytes bought');
  clock.advance(1_999);
  assert.equal(tooSlow, 0);
  clock.advance(1);
  assert.equal(tooSlow, 1, 'cut at 17 000 exactly');
  clock.advance(60_000);
  assert.equal(tooSlow, 1, 'once');
  assert.equal(clock.pending(), 0);
});

test('watchUploadRate stops its timer when the body ends, and sets none given MIN_BODY_RATE_BPS=0', () => {
  const clock = createManualClock();
  const req = uploadingRequest();
  let tooSlow = 0;
  watchUploadRate(req as unknown as IncomingMessage, { minBodyRateBps: 1000, bodyGraceMs: 10_000 }, clock, () => tooSlow++);
  assert.equal(clock.pending(), 1);
  req.emit('end');
  assert.equal(clock.pending(), 0);
  watchUploadRate(req as unknown as IncomingMessage, { minBodyRateBps: 0, bodyGraceMs: 10_000 }, clock, () => tooSlow++);
  assert.equal(clock.pending(), 0);
  clock.advance(60_000);
  assert.equal(tooSlow, 0);
});
