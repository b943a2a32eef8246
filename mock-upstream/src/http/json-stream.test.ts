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

  it('stops when the stream closes before draining', async () => {
    const { sink, chunks } = slowSink();
    const done = writeJsonArray(sink, '[', [1, 2, 3], ']');
    sink.destroy();
    await done;
    assert.deepEqual(chunks, ['[']);
  });
});
