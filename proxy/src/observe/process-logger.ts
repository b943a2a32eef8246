/**
 * The process's logger (start.ts builds it once, for the proxy and every worker).
 *
 * - Not a terminal (containers, files, pipes): one JSON line per record through a buffered
 *   destination (sonic-boom): one write(2) per few KiB instead of one per request (issues #7,
 *   #22). Lines wait at most FLUSH_INTERVAL_MS, and flushSync() (start.ts calls it on 'exit',
 *   which also runs after an uncaught exception) writes what is left, so SIGTERM and a crash
 *   exit lose no line. The writes themselves are synchronous: with sonic-boom's asynchronous
 *   mode a chunk still in flight on the thread pool when the process exits lands after the
 *   final synchronous flush, or not at all (seen: 20,000 lines with the last ones first). A
 *   write of a few KiB costs the same one syscall either way. The price: a stdout reader that
 *   stops reading stalls the process, as with pino's default destination (docs/security.md).
 * - A terminal (issue #23, item 4): pino-pretty, written synchronously, for a person reading.
 */
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { PinoPretty as PinoPrettyFactory } from 'pino-pretty';

/** Buffered bytes that make a write. */
export const MIN_WRITE_BYTES = 4096;
/** The longest a line waits in the buffer. */
export const FLUSH_INTERVAL_MS = 250;
/** A cap on what the buffer may hold if writes keep failing; later records are dropped. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface ProcessLoggerOptions {
  /** LOG_LEVEL. */
  readonly level: string;
  /** True when the output is a terminal (process.stdout.isTTY): pretty lines instead of JSON. */
  readonly pretty: boolean;
  /** File descriptor written to; default 1 (stdout). */
  readonly fd?: number;
}

export interface ProcessLogger {
  readonly logger: Logger;
  /** Writes every buffered line now, synchronously: for 'exit'. Never throws. */
  readonly flushSync: () => void;
  /** Stops the flush timer (tests). */
  readonly close: () => void;
}

export function createProcessLogger(options: ProcessLoggerOptions): ProcessLogger {
  const fd = options.fd ?? 1;
  const base = { pid: process.pid };
  if (options.pretty) {
    // Loaded only for a terminal: a container's proxy never pays its ~2.6 MB (issue #22: peak RSS).
    const { PinoPretty } = createRequire(import.meta.url)('pino-pretty') as { PinoPretty: typeof PinoPrettyFactory };
    const stream = PinoPretty({ destination: fd, sync: true, colorize: true });
    return { logger: pino({ level: options.level, base }, stream), flushSync: () => undefined, close: () => undefined };
  }
  const sonic = pino.destination({ dest: fd, sync: true, minLength: MIN_WRITE_BYTES, maxLength: MAX_BUFFERED_BYTES });
  // A log sink that fails (a full disk: ENOSPC; EIO) must not take the proxy down. pino's own
  // listener handles EPIPE (the stream becomes a no-op) and re-emits anything else, which with no
  // listener would throw out of whatever request was logging. Lines wait in the capped buffer and
  // are dropped past MAX_BUFFERED_BYTES while writes fail; each later write tries again. The first
  // failure is said once on stderr.
  let writeErrors = 0;
  sonic.on('error', (err: NodeJS.ErrnoException) => {
    writeErrors += 1;
    if (writeErrors === 1 && err.code !== 'EPIPE') sayOnStderr(`jwt-proxy: cannot write log lines (${err.code ?? err.message}); they are dropped while it lasts\n`);
  });
  // The timer flushes only when a line came since the last look: an idle proxy makes no write(2).
  let pending = false;
  const destination: DestinationStream & { flush(cb?: (err?: Error) => void): void } = {
    write(line: string): void {
      pending = true;
      sonic.write(line);
    },
    // logger.flush(): the ready line goes out at once (start.ts announce).
    flush(cb) {
      pending = false;
      cb?.(writeBuffered(sonic));
    },
  };
  const timer = setInterval(() => {
    if (!pending) return;
    pending = false;
    writeBuffered(sonic);
  }, FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    logger: pino({ level: options.level, base }, destination),
    flushSync: () => {
      // First a plain write: sonic-boom's flushSync() retries any error but EAGAIN forever, and
      // the process would never exit. A reader that is gone (EPIPE) reaches pino's broken-pipe
      // filter this way (the stream becomes a no-op); any other failure is counted above. Only
      // when that write went through does flushSync() write what is left.
      const errorsBefore = writeErrors;
      if (writeBuffered(sonic) !== undefined || writeErrors !== errorsBefore) return;
      try {
        sonic.flushSync();
      } catch {
        // Not open yet, or already destroyed: nothing more can be written.
      }
    },
    close: () => clearInterval(timer),
  };
}

/**
 * Writes what sonic-boom holds, now (sync mode). Not flush(cb): with a callback it also fsyncs on
 * libuv's thread pool, which starts four threads in a proxy that otherwise never needs them
 * (issue #22: RSS). Returns the error a write threw, if any.
 */
function writeBuffered(sonic: { flush(): void }): Error | undefined {
  try {
    sonic.flush();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** A line on stderr, written at once; never throws (stderr may be gone too). */
function sayOnStderr(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // Nowhere left to say it.
  }
}
