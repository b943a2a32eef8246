/**
 * Writes `{"requests":[...]}` one entry at a time, waiting for `drain` whenever
 * the socket is behind (issue 16, Medium 5): a full journal is up to
 * MOCK_JOURNAL_SIZE x MOCK_BODY_LIMIT (66 MB by default), and building it as one
 * string per call would hold all of it in memory, for every concurrent caller.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Resolves false when the stream closed first (the client went away). */
async function drained(stream: Writable): Promise<boolean> {
  const closed = once(stream, 'close').then(() => false);
  const drain = once(stream, 'drain').then(() => true);
  return Promise.race([closed, drain]);
}

/** Writes `prefix`, the items as a JSON array's elements, then `suffix`; stops early if the stream closes. */
export async function writeJsonArray(stream: Writable, prefix: string, items: readonly unknown[], suffix: string): Promise<void> {
  let ok = stream.write(prefix);
  for (let i = 0; i < items.length; i++) {
    if (!ok && !(await drained(stream))) return;
    ok = stream.write(`${i === 0 ? '' : ','}${JSON.stringify(items[i])}`);
  }
  if (!ok && !(await drained(stream))) return;
  stream.end(suffix);
}
