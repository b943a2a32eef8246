/**
 * The request journal: a bounded list of recorded requests, newest first,
 * optionally mirrored to an append-only JSON Lines file.
 *
 * The file is written synchronously when an entry is recorded, before the
 * request is answered, so a crash or `kill -9` loses nothing already answered
 * (the write is in the kernel's page cache; only a power loss could lose it,
 * which a test mock does not fsync against). At start the file is loaded, the
 * newest `size` entries kept and the file rewritten with just those (a rename,
 * so a crash during the rewrite leaves the old file). A torn last line, the
 * trace of a crash mid-write, is skipped with a warning and never fails a start.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RecordedRequest, VerdictCode } from '../../contracts/src/index.js';
export type { BodyRecord } from '../../contracts/src/index.js';
import { VERDICT_CODES } from '../../contracts/src/index.js';

/** One recorded request: the shape is the contract's (contracts/src/recorded-request.ts). */
export type JournalEntry = RecordedRequest;

export interface JournalFilter {
  /** Exact method, case-insensitive. */
  readonly method?: string;
  /** Prefix of the raw path. */
  readonly path?: string;
  readonly valid?: boolean;
  readonly code?: VerdictCode;
  /** At most this many entries. */
  readonly limit?: number;
}

export interface JournalStats {
  readonly total: number;
  readonly byCode: Readonly<Record<VerdictCode, number>>;
}

export interface JournalOptions {
  /** Entries kept (MOCK_JOURNAL_SIZE). */
  readonly size: number;
  /** JSON Lines file to append to and load from (MOCK_JOURNAL_FILE). */
  readonly file?: string | undefined;
  /** Receives load-time warnings (torn or invalid lines). */
  readonly warn: (details: Record<string, unknown>, message: string) => void;
}

export class Journal {
  readonly #size: number;
  /** Oldest first; indexes before #start have been evicted and are compacted away lazily. */
  #entries: (JournalEntry | undefined)[] = [];
  #start = 0;
  readonly #byId = new Map<string, JournalEntry>();
  #byCode = zeroCounts();
  #total = 0;
  #fd: number | undefined;

  constructor(options: JournalOptions) {
    this.#size = options.size;
    if (options.file !== undefined) {
      for (const entry of loadFile(options.file, options.size, options.warn)) this.#keep(entry);
      this.#fd = openSync(options.file, 'a');
    }
  }

  /** Entries currently kept. */
  get length(): number {
    return this.#entries.length - this.#start;
  }

  /** Records an entry, newest; appends it to the file first when there is one. */
  record(entry: JournalEntry): void {
    if (this.#fd !== undefined) writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    this.#keep(entry);
  }

  get(id: string): JournalEntry | undefined {
    return this.#byId.get(id);
  }

  /** Entries matching the filter, newest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const result: JournalEntry[] = [];
    for (let i = this.#entries.length - 1; i >= this.#start && result.length < limit; i--) {
      const entry = this.#entries[i];
      /* c8 ignore next -- indexes from #start on are always filled */
      if (entry === undefined) continue;
      if (method !== undefined && entry.method.toUpperCase() !== method) continue;
      if (filter.path !== undefined && !entry.path.startsWith(filter.path)) continue;
      if (filter.valid !== undefined && entry.token.valid !== filter.valid) continue;
      if (filter.code !== undefined && entry.token.code !== filter.code) continue;
      result.push(entry);
    }
    return result;
  }

  /** Counts of every entry recorded (or loaded) since start or the last clear, by verdict code. */
  stats(): JournalStats {
    return { total: this.#total, byCode: { ...this.#byCode } };
  }

  /** Forgets every entry, in memory and in the file. */
  clear(): void {
    if (this.#fd !== undefined) ftruncateSync(this.#fd, 0);
    this.#entries = [];
    this.#start = 0;
    this.#byId.clear();
    this.#byCode = zeroCounts();
    this.#total = 0;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #keep(entry: JournalEntry): void {
    this.#entries.push(entry);
    this.#byId.set(entry.id, entry);
    this.#total += 1;
    if (Object.hasOwn(this.#byCode, entry.token.code)) this.#byCode[entry.token.code] += 1;
    if (this.length > this.#size) {
      const evicted = this.#entries[this.#start];
      this.#entries[this.#start] = undefined;
      this.#start += 1;
      if (evicted !== undefined && this.#byId.get(evicted.id) === evicted) this.#byId.delete(evicted.id);
    }
    // Compact once the evicted prefix is as long as the kept part: amortised O(1) per entry.
    if (this.#start >= this.#size) {
      this.#entries = this.#entries.slice(this.#start);
      this.#start = 0;
    }
  }
}

function zeroCounts(): Record<VerdictCode, number> {
  return Object.fromEntries(VERDICT_CODES.map((code) => [code, 0])) as Record<VerdictCode, number>;
}

/** Reads the newest `size` entries of a JSON Lines journal and rewrites the file with just those. */
function loadFile(file: string, size: number, warn: JournalOptions['warn']): JournalEntry[] {
  mkdirSync(dirname(file), { recursive: true });
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = content.split('\n');
  const entries: JournalEntry[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const entry = parseEntry(line);
    if (entry !== undefined) {
      entries.push(entry);
    } else if (index === lines.length - 1) {
      warn({ file, line: index + 1 }, 'journal file: skipped a torn last line (a crash mid-write)');
    } else {
      warn({ file, line: index + 1 }, 'journal file: skipped a line that is not a journal entry');
    }
  });
  const kept = entries.slice(-size);
  // Rewrite so the file holds exactly what is in memory and ends with a newline,
  // or the next append would be glued to a torn line.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, kept.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  renameSync(temporary, file);
  return kept;
}

function parseEntry(line: string): JournalEntry | undefined {
  try {
    const value = JSON.parse(line) as Partial<JournalEntry> | null;
    if (typeof value?.id !== 'string' || typeof value.path !== 'string' || typeof value.method !== 'string') return undefined;
    if (typeof value.token?.code !== 'string' || typeof value.body?.sha256 !== 'string') return undefined;
    return value as JournalEntry;
  } catch {
    return undefined;
  }
}
