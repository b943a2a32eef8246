/**
 * Reading a JWK Set file (JWT_KEYS_FILE, `npm run keys --in`) safely (issue #21, item 9):
 *
 *   - regular files only: the file is opened with O_NONBLOCK, so opening a FIFO
 *     returns at once instead of waiting for a writer, and fstat on the open
 *     descriptor (not the path, so nothing can be swapped in between) refuses a
 *     FIFO, a directory, a device or a socket before a byte is read. Without this
 *     a FIFO in place of the key file blocks the reading thread forever: the event
 *     loop itself for a sync read, a libuv pool thread (one of four) for an async one.
 *   - at most MAX_KEY_FILE_BYTES: checked on the size fstat reports, and again
 *     while reading, since a file may grow after fstat.
 *
 * Symbolic links are followed: Kubernetes mounts secrets as links into `..data`.
 * A problem is one short phrase that names the path, never the file's content.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Largest key file read: 1 MiB. A set of 100 RSA-4096 private keys is about
 * 350 KB; anything larger is not a key file, and the cap bounds the memory one
 * read (one SIGHUP) may take.
 */
export const MAX_KEY_FILE_BYTES = 1_048_576;

export type KeyFileText = { readonly text: string } | { readonly problem: string };

// O_NOCTTY: a terminal device named as the key file never becomes our controlling terminal.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Why this open file may not be read, or undefined when it may. */
function refusal(path: string, stats: Stats, maxBytes: number): string | undefined {
  if (!stats.isFile()) return `${path} is ${kindOf(stats)}; a key file must be a regular file`;
  if (stats.size > maxBytes) return tooLarge(path, maxBytes);
  return undefined;
}

const tooLarge = (path: string, maxBytes: number): string => `${path} is larger than the ${maxBytes}-byte cap for a key file`;

function cannotRead(path: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return `cannot read ${path}${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** The bytes read so far as text, or the cap's problem when one more byte than the cap arrived. */
function finish(path: string, buffer: Buffer, length: number, maxBytes: number): KeyFileText {
  return length > maxBytes ? { problem: tooLarge(path, maxBytes) } : { text: buffer.toString('utf8', 0, length) };
}

/** At start (config parsing is synchronous): never waits on a FIFO, reads at most the cap. */
export function readKeyFileTextSync(path: string, maxBytes: number = MAX_KEY_FILE_BYTES): KeyFileText {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return { problem: cannotRead(path, error) };
  }
  try {
    const refused = refusal(path, fstatSync(fd), maxBytes);
    if (refused !== undefined) return { problem: refused };
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= maxBytes; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    return finish(path, buffer, length, maxBytes);
  } catch (error) {
    return { problem: cannotRead(path, error) };
  } finally {
    closeSync(fd);
  }
}

/** On reload (SIGHUP): the same checks, on the libuv pool, so the event loop keeps serving. */
export async function readKeyFileText(path: string, maxBytes: number = MAX_KEY_FILE_BYTES): Promise<KeyFileText> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return { problem: cannotRead(path, error) };
  }
  try {
    const refused = refusal(path, await handle.stat(), maxBytes);
    if (refused !== undefined) return { problem: refused };
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= maxBytes; length += n) {
      n = (await handle.read(buffer, length, buffer.length - length, null)).bytesRead;
    }
    return finish(path, buffer, length, maxBytes);
  } catch (error) {
    return { problem: cannotRead(path, error) };
  } finally {
    await handle.close();
  }
}
