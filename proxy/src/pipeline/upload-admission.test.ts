import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { IDLE_KEYS_KEPT, UploadSlots, readAhead } from './upload-admission.js';

test('UploadSlots holds the total and each client to its share, and frees a slot on release', () => {
  const slots = new UploadSlots(3, 2);
  assert.equal(slots.tryTake('a'), true);
  assert.equal(slots.tryTake('a'), true);
  assert.equal(slots.tryTake('a'), false, "past a's share");
  assert.equal(slots.tryTake('b'), true);
  assert.equal(slots.tryTake('c'), false, 'past the total');
  assert.equal(slots.inUse, 3);
  slots.release('a');
  assert.equal(slots.tryTake('c'), true);
  slots.release('a');
  slots.release('b');
  slots.release('c');
  assert.equal(slots.inUse, 0);
  assert.equal(slots.tryTake('a'), true, 'a forgotten client starts again');
});

test('UploadSlots keeps an idle client key for reuse, and drops idle keys once more than IDLE_KEYS_KEPT pile up', () => {
  const slots = new UploadSlots(10_000, 2);
  assert.equal(slots.tryTake('a'), true);
  slots.release('a');
  assert.equal(slots.keys, 1, 'kept at zero: the next POST from a finds its entry (no Map rebuild per request)');
  assert.equal(slots.tryTake('a'), true);
  assert.equal(slots.tryTake('a'), true);
  assert.equal(slots.tryTake('a'), false, "an idle entry reused still holds a to its share");
  assert.equal(slots.tryTake('busy'), true);
  for (let i = 0; i < IDLE_KEYS_KEPT; i++) {
    assert.equal(slots.tryTake(`spray-${i}`), true);
    slots.release(`spray-${i}`);
  }
  assert.equal(slots.keys, IDLE_KEYS_KEPT + 2, 'up to the bound, idle keys stay');
  slots.release('a');
  slots.release('a');
  assert.equal(slots.keys, 1, 'past the bound every idle key goes; the busy one stays');
  assert.equal(slots.inUse, 1);
  assert.equal(slots.tryTake('busy'), true, 'the busy client keeps its count');
  assert.equal(slots.tryTake('busy'), false);
  assert.equal(slots.tryTake('a'), true, 'a dropped client starts again');
  slots.release('never-took');
  assert.equal(slots.keys, 2, 'a release without a take writes no entry');
});

/** A request body as the HTTP parser delivers it: pushed chunks, `complete` before the end is pushed. */
function body(): Readable & { complete: boolean } {
  return Object.assign(new Readable({ read: () => undefined }), { complete: false });
}

async function drain(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(stream, 'end');
  return Buffer.concat(chunks).toString();
}

test('readAhead reports a whole body within the limit, and whoever reads the request later gets every byte and the end', async () => {
  const req = body();
  let complete = 0;
  readAhead(req as unknown as IncomingMessage, 64, () => complete++, () => assert.fail('not full'));
  req.push('he');
  req.push('llo');
  req.complete = true;
  req.push(null);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(complete, 1);
  assert.equal(req.readableEnded, false, "'end' waits for the real reader");
  assert.equal(await drain(req), 'hello');
});

test('readAhead stops at the limit, puts back what it read, and leaves the rest to arrive later', async () => {
  const req = body();
  let full = 0;
  readAhead(req as unknown as IncomingMessage, 4, () => assert.fail('not complete'), () => full++);
  req.push('abcdef');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(full, 1);
  const read = drain(req);
  req.push('gh');
  req.complete = true;
  req.push(null);
  assert.equal(await read, 'abcdefgh');
});

test('readAhead called off puts back what it read so far', async () => {
  const req = body();
  const stop = readAhead(req as unknown as IncomingMessage, 64, () => assert.fail('stopped'), () => assert.fail('stopped'));
  req.push('par');
  await new Promise((resolve) => setImmediate(resolve));
  stop();
  stop();
  const read = drain(req);
  req.push('tial');
  req.complete = true;
  req.push(null);
  assert.equal(await read, 'partial');
});
