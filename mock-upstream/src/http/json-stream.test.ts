import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { writeJsonArray } from './json-stream.js';

/** A writable with a tiny buffer whose consumer is released by hand, to observe backpressure. */
function slowSink(): { sink: Writable; chunks: string[]; pending: (() => void)[] } {
  const chunks: string[] = [];
  const pending: (() => void)[] = [];
  const sink = new Writable({
    highWaterMark: 8,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      pending.push(callback);
    },
  });
  return { sink, chunks, pending };
}

describe('writeJsonArray', () => {
  it('writes valid JSON, one item per write', async () => {
    const { sink, chunks, pending } = slowSink();
    const done = writeJsonArray(sink, '{"requests":[', [{ a: 1 }, { b: 'two' }, 3], ']}');
    // Release the consumer until the writer finishes; bounded by the number of writes.
    for (let i = 0; i < 10 && !sink.writableFinished; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      pending.splice(0).forEach((release) => release());
    }
    await done;
    assert.deepEqual(JSON.parse(chunks.join('')), { requests: [{ a: 1 }, { b: 'two' }, 3] });
  });

  it('stops serialising while the stream is behind, until it drains (memory stays one entry)', async () => {
    const { sink, chunks, pending } = slowSink();
    const items = Array.from({ length: 5 }, (_, i) => ({ i, pad: 'x'.repeat(20) }));
    const done = writeJsonArray(sink, '[', items, ']');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(chunks.length, 1, 'only the prefix reached the sink');
    assert.equal(sink.writableLength, 1 + JSON.stringify(items[0]).length, 'the prefix and one entry queued, the other four not yet serialised');
    for (let i = 0; i < 20 && !sink.writableFinished; i++) {
      pending.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    assert.deepEqual(JSON.parse(chunks.join('')), items);
  });

  it('pulls no further item from a lazy source while the stream is behind, and leaves no listener per wait', async () => {
    const { sink, pending } = slowSink();
    let pulled = 0;
    function* items(): Generator<number> {
      for (let i = 0; i < 1_000; i++) {
        pulled += 1;
        yield i;
      }
    }
    const done = writeJsonArray(sink, '[', items(), ']');
    await new Promise((resolve) => setImmediate(resolve));
    const before = pulled;
    assert.ok(before <= 8, `items are taken only until the 8-byte buffer is full (${before} taken)`);
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pulled, before, 'no item taken while the stream is behind');
    for (let i = 0; i < 5_000 && !sink.writableFinished; i++) {
      pending.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(sink.listenerCount('close') <= 1 + 1, 'one close listener at most while waiting (plus the stream\'s own)');
    }
    await done;
    assert.equal(pulled, 1_000);
  });

  it('stops when the stream closes before draining', async () => {
    const { sink, chunks } = slowSink();
    const done = writeJsonArray(sink, '[', [1, 2, 3], ']');
    sink.destroy();
    await done;
    assert.deepEqual(chunks, ['[']);
  });
});
