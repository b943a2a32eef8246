/**
 * Writes a JSON array one element at a time, waiting for `drain` whenever the socket is behind
 * (issue 16, Medium 5; issue #21, item 3): a full journal is up to MOCK_JOURNAL_SIZE x
 * MOCK_BODY_LIMIT (66 MB by default), and building it as one string per call held all of it in
 * memory for every caller, read or not (twelve clients that never read a wait: +325 MB). Here a
 * client that stops reading holds at most the stream's buffer plus one element; the elements are
 * serialised only as the client takes them. Used by the list, the wait and the HAR export.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Resolves false when the stream closed first (the client went away). */
async function drained(stream: Writable): Promise<boolean> {
  if (stream.destroyed) return false;
  // One listener pair per wait, removed when either fires: a long answer waits many times.
  const settled = new AbortController();
  try {
    return await Promise.race([
      once(stream, 'close', { signal: settled.signal }).then(() => false),
      once(stream, 'drain', { signal: settled.signal }).then(() => true),
    ]);
  } finally {
    settled.abort();
  }
}

/**
 * Writes `prefix`, the items as a JSON array's elements (each through `serialise`, JSON.stringify
 * by default), then `suffix`; stops early, pulling no more items, if the stream closes.
 */
export async function writeJsonArray<T>(
  stream: Writable,
  prefix: string,
  items: Iterable<T>,
  suffix: string,
  serialise: (item: T) => string = (item) => JSON.stringify(item),
): Promise<void> {
  let ok = stream.write(prefix);
  let first = true;
  for (const item of items) {
    if (!ok && !(await drained(stream))) return;
    ok = stream.write(`${first ? '' : ','}${serialise(item)}`);
    first = false;
  }
  if (!ok && !(await drained(stream))) return;
  stream.end(suffix);
}
