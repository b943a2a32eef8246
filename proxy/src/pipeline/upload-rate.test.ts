import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createManualClock } from '../../test/support/manual-clock.js';
import { createUploadRateSweep, windowFloor } from './upload-rate.js';

const RATE = { minBodyRateBps: 1000, bodyGraceMs: 10_000 };

test('a window of BODY_GRACE_MS must bring MIN_BODY_RATE_BPS × BODY_GRACE_MS / 1000 bytes', () => {
  assert.equal(windowFloor(RATE), 10_000);
  assert.equal(windowFloor({ minBodyRateBps: 3, bodyGraceMs: 500 }), 2);
});

/** A request whose body has not all arrived: only what the sweep reads. */
function uploadingRequest(): EventEmitter & { complete: boolean; destroyed: boolean; socket: { bytesRead: number } } {
  return Object.assign(new EventEmitter(), { complete: false, destroyed: false, socket: { bytesRead: 0 } });
}

function asRequest(req: ReturnType<typeof uploadingRequest>): IncomingMessage {
  return req as unknown as IncomingMessage;
}

test('cuts a body whose window falls short of the floor, once, however much it sent in earlier windows', () => {
  const clock = createManualClock(5_000);
  const sweep = createUploadRateSweep(RATE, clock);
  const req = uploadingRequest();
  let tooSlow = 0;
  sweep.watch(asRequest(req), () => tooSlow++);
  req.socket.bytesRead += 1_000_000; // a burst that would have bought 1,000 s on average
  clock.advance(10_000);
  assert.equal(tooSlow, 0, 'the first window brought more than its floor');
  req.socket.bytesRead += 9_999;
  clock.advance(9_999);
  assert.equal(tooSlow, 0, 'within the second window');
  clock.advance(1);
  assert.equal(tooSlow, 1, 'the second window brought one byte too few: cut at its end');
  clock.advance(60_000);
  assert.equal(tooSlow, 1, 'once');
  assert.equal(sweep.watched(), 0);
  assert.equal(clock.pending(), 0, 'the sweep stops when nothing is left to watch');
});

test('one sweep timer serves every watched body, and a body that ends leaves it with no timer call', () => {
  const clock = createManualClock();
  const sweep = createUploadRateSweep(RATE, clock);
  const bodies = Array.from({ length: 50 }, () => uploadingRequest());
  for (const req of bodies) sweep.watch(asRequest(req), () => assert.fail('not too slow'));
  assert.equal(clock.pending(), 1, 'one timer for fifty uploads');
  for (const req of bodies) {
    req.complete = true;
    req.emit('end');
  }
  assert.equal(sweep.watched(), 0);
  clock.advance(1_000);
  assert.equal(clock.pending(), 0, 'the timer lapses at its next tick');
});

test('a paused watch does not count its windows; resumed, a fresh window starts', () => {
  const clock = createManualClock();
  const sweep = createUploadRateSweep(RATE, clock);
  const req = uploadingRequest();
  let tooSlow = 0;
  const watch = sweep.watch(asRequest(req), () => tooSlow++);
  watch.pause();
  clock.advance(60_000);
  assert.equal(tooSlow, 0, 'held back by the proxy, not too slow');
  watch.resume();
  clock.advance(9_999);
  assert.equal(tooSlow, 0);
  clock.advance(1_000);
  assert.equal(tooSlow, 1);
  watch.resume();
  assert.equal(sweep.watched(), 0, 'a cut body is not watched again');
});

test('watches nothing given MIN_BODY_RATE_BPS=0 or a body already complete, and stops on close', () => {
  const clock = createManualClock();
  const off = createUploadRateSweep({ minBodyRateBps: 0, bodyGraceMs: 10_000 }, clock);
  off.watch(asRequest(uploadingRequest()), () => assert.fail('no minimum'));
  const sweep = createUploadRateSweep(RATE, clock);
  const complete = uploadingRequest();
  complete.complete = true;
  sweep.watch(asRequest(complete), () => assert.fail('complete'));
  assert.equal(clock.pending(), 0);
  const closing = uploadingRequest();
  const watch = sweep.watch(asRequest(closing), () => assert.fail('closed'));
  closing.emit('close');
  watch.stop();
  assert.equal(sweep.watched(), 0);
  clock.advance(60_000);
});

test('forgets a destroyed or completed body at the next sweep even without its events', () => {
  const clock = createManualClock();
  const sweep = createUploadRateSweep({ minBodyRateBps: 1000, bodyGraceMs: 200 }, clock);
  const destroyed = uploadingRequest();
  const completed = uploadingRequest();
  sweep.watch(asRequest(destroyed), () => assert.fail('destroyed'));
  sweep.watch(asRequest(completed), () => assert.fail('complete'));
  destroyed.destroyed = true;
  completed.complete = true;
  clock.advance(200);
  assert.equal(sweep.watched(), 0);
  assert.equal(clock.pending(), 0);
});

test('a sweep that cuts some bodies keeps watching the others, in any order of ending', () => {
  const clock = createManualClock();
  const sweep = createUploadRateSweep({ minBodyRateBps: 1000, bodyGraceMs: 1000 }, clock);
  const bodies = Array.from({ length: 5 }, () => uploadingRequest());
  const cut = new Set<number>();
  bodies.forEach((req, i) => sweep.watch(asRequest(req), () => cut.add(i)));
  // Bodies 0, 2 and 4 keep up; 1 and 3 stall: the sweep cuts both and walks on.
  for (const i of [0, 2, 4]) bodies[i]!.socket.bytesRead += 1000;
  clock.advance(1000);
  assert.deepEqual([...cut].sort(), [1, 3]);
  assert.equal(sweep.watched(), 3);
  // The first and the last watched end by their events, the middle one stays until cut.
  bodies[4]!.emit('end');
  bodies[0]!.emit('close');
  assert.equal(sweep.watched(), 1);
  clock.advance(1000);
  assert.deepEqual([...cut].sort(), [1, 2, 3]);
  assert.equal(sweep.watched(), 0);
  assert.equal(clock.pending(), 0);
});

test('pausing twice or resuming a body that is watched changes nothing', () => {
  const clock = createManualClock();
  const sweep = createUploadRateSweep(RATE, clock);
  const first = sweep.watch(asRequest(uploadingRequest()), () => undefined);
  sweep.watch(asRequest(uploadingRequest()), () => undefined);
  first.resume();
  assert.equal(sweep.watched(), 2, 'resumed while watched: not added twice');
  first.pause();
  first.pause();
  assert.equal(sweep.watched(), 1);
  first.resume();
  assert.equal(sweep.watched(), 2);
});
