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
import type { RecordedRequest, VerdictCode } from '../../../contracts/src/index.js';
export type { BodyRecord } from '../../../contracts/src/index.js';
import { VERDICT_CODES } from '../../../contracts/src/index.js';

/** One recorded request: the shape is the contract's (contracts/src/recorded-request.ts). */
export type JournalEntry = RecordedRequest;

export interface JournalFilter {
  /** Exact method, case-insensitive. */
  readonly method?: string;
  /** Prefix of the raw path. */
  readonly path?: string;
  readonly valid?: boolean;
  readonly code?: VerdictCode;
  /** Exact value of the session header (issue 13). */
  readonly session?: string;
  /** Exact `jti` claim, so the jti in a proxy log line finds its entry. */
  readonly jti?: string;
  /** Only entries recorded after the entry with this id. */
  readonly since?: string;
  /** At most this many entries. */
  readonly limit?: number;
}

/** True when the entry passes every criterion of the filter except `since` and `limit`. */
export function matchesFilter(entry: JournalEntry, filter: JournalFilter): boolean {
  if (filter.method !== undefined && entry.method.toUpperCase() !== filter.method.toUpperCase()) return false;
  if (filter.path !== undefined && !entry.path.startsWith(filter.path)) return false;
  if (filter.valid !== undefined && entry.token.valid !== filter.valid) return false;
  if (filter.code !== undefined && entry.token.code !== filter.code) return false;
  if (filter.session !== undefined && entry.session !== filter.session) return false;
  if (filter.jti !== undefined && entry.token.claims?.jti !== filter.jti) return false;
  return true;
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

/** A kept entry and its arrival number, which orders `since=`. */
interface Slot {
  readonly entry: JournalEntry;
  readonly seq: number;
}

/** Counts of one scope: the whole journal or one session. */
interface Counts {
  total: number;
  byCode: Record<VerdictCode, number>;
}

/** One session's counts and how many of its entries are still kept. */
interface SessionRecord {
  readonly counts: Counts;
  kept: number;
}

export class Journal {
  readonly #size: number;
  readonly #file: string | undefined;
  /** Oldest first; indexes before #start have been evicted and are compacted away lazily. */
  #slots: (Slot | undefined)[] = [];
  #start = 0;
  #seq = 0;
  readonly #byId = new Map<string, Slot>();
  /** The first kept entry that carried each jti with an otherwise valid token: a replay's first sighting. */
  readonly #firstValidByJti = new Map<string, Slot>();
  #counts: Counts = zeroCounts();
  /**
   * Counts per session, since that session's last clear, while it has a kept entry: pruned with the
   * journal (issue #21, item 3: 8,000 distinct 12 KB session names were never forgotten, +227 MB),
   * so it holds at most MOCK_JOURNAL_SIZE names.
   */
  readonly #sessions = new Map<string, SessionRecord>();
  #fd: number | undefined;

  constructor(options: JournalOptions) {
    this.#size = options.size;
    this.#file = options.file;
    if (options.file !== undefined) {
      for (const entry of loadFile(options.file, options.size, options.warn)) this.#keep(entry);
      this.#fd = openSync(options.file, 'a');
    }
  }

  /** Session names indexed (at most the entries kept). */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Entries currently kept. */
  get length(): number {
    return this.#slots.length - this.#start;
  }

  /** Records an entry, newest; appends it to the file first when there is one. */
  record(entry: JournalEntry): void {
    if (this.#fd !== undefined) writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    this.#keep(entry);
  }

  get(id: string): JournalEntry | undefined {
    return this.#byId.get(id)?.entry;
  }

  /** True when `id` names a kept entry (for validating `since=`). */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Entries matching the filter, newest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    return [...this.iterate(filter)];
  }

  /** Like list(), lazily: the journal API streams this instead of building one large array. */
  *iterate(filter: JournalFilter = {}): Generator<JournalEntry> {
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const after = filter.since === undefined ? -1 : (this.#byId.get(filter.since)?.seq ?? Number.POSITIVE_INFINITY);
    let count = 0;
    for (let i = this.#slots.length - 1; i >= this.#start && count < limit; i--) {
      const slot = this.#slots[i];
      /* c8 ignore next -- indexes from #start on are always filled */
      if (slot === undefined) continue;
      if (slot.seq <= after) break;
      if (!matchesFilter(slot.entry, filter)) continue;
      count += 1;
      yield slot.entry;
    }
  }

  /** True when `entry` was recorded after the entry `sinceId` (an unknown id: nothing is after it). */
  isAfter(entry: JournalEntry, sinceId: string): boolean {
    const since = this.#byId.get(sinceId);
    const slot = this.#byId.get(entry.id);
    return since !== undefined && slot !== undefined && slot.seq > since.seq;
  }

  /** The first kept entry whose otherwise valid token carried this jti. */
  firstValidWithJti(jti: string): JournalEntry | undefined {
    return this.#firstValidByJti.get(jti)?.entry;
  }

  /**
   * Counts of every entry recorded (or loaded) since start or the last clear, by verdict code;
   * with a session, of that session's entries since its last clear.
   */
  stats(session?: string): JournalStats {
    const counts = session === undefined ? this.#counts : (this.#sessions.get(session)?.counts ?? zeroCounts());
    return { total: counts.total, byCode: { ...counts.byCode } };
  }

  /** Forgets every entry (or one session's), in memory and in the file. */
  clear(session?: string): void {
    if (session !== undefined) {
      this.#clearSession(session);
      return;
    }
    if (this.#fd !== undefined) ftruncateSync(this.#fd, 0);
    this.#slots = [];
    this.#start = 0;
    this.#byId.clear();
    this.#firstValidByJti.clear();
    this.#counts = zeroCounts();
    this.#sessions.clear();
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #clearSession(session: string): void {
    const kept: Slot[] = [];
    for (let i = this.#start; i < this.#slots.length; i++) {
      const slot = this.#slots[i];
      /* c8 ignore next -- indexes from #start on are always filled */
      if (slot === undefined) continue;
      if (slot.entry.session === session) this.#forget(slot);
      else kept.push(slot);
    }
    this.#slots = kept;
    this.#start = 0;
    this.#sessions.delete(session);
    if (this.#fd !== undefined && this.#file !== undefined) {
      // The file must hold what memory holds: rewrite it (a rename, as at load) and append from there.
      closeSync(this.#fd);
      writeAtomically(this.#file, kept.map((slot) => slot.entry));
      this.#fd = openSync(this.#file, 'a');
    }
  }

  #keep(entry: JournalEntry): void {
    this.#seq += 1;
    const slot: Slot = { entry, seq: this.#seq };
    this.#slots.push(slot);
    this.#byId.set(entry.id, slot);
    const jti = entry.token.claims?.jti;
    if (typeof jti === 'string' && entry.token.valid && !this.#firstValidByJti.has(jti)) {
      this.#firstValidByJti.set(jti, slot);
    }
    count(this.#counts, entry.token.code);
    if (entry.session !== undefined) {
      let record = this.#sessions.get(entry.session);
      if (record === undefined) this.#sessions.set(entry.session, (record = { counts: zeroCounts(), kept: 0 }));
      record.kept += 1;
      count(record.counts, entry.token.code);
    }
    if (this.length > this.#size) {
      const evicted = this.#slots[this.#start];
      this.#slots[this.#start] = undefined;
      this.#start += 1;
      if (evicted !== undefined) this.#forget(evicted);
    }
    // Compact once the evicted prefix is as long as the kept part: amortised O(1) per entry.
    if (this.#start >= this.#size) {
      this.#slots = this.#slots.slice(this.#start);
      this.#start = 0;
    }
  }

  /** Drops the indexes that point at a slot leaving the journal. */
  #forget(slot: Slot): void {
    if (this.#byId.get(slot.entry.id) === slot) this.#byId.delete(slot.entry.id);
    const jti = slot.entry.token.claims?.jti;
    if (typeof jti === 'string' && this.#firstValidByJti.get(jti) === slot) this.#firstValidByJti.delete(jti);
    const { session } = slot.entry;
    if (session === undefined) return;
    const record = this.#sessions.get(session);
    if (record !== undefined && --record.kept === 0) this.#sessions.delete(session);
  }
}

function count(counts: Counts, code: VerdictCode): void {
  counts.total += 1;
  if (Object.hasOwn(counts.byCode, code)) counts.byCode[code] += 1;
}

function zeroCounts(): Counts {
  return { total: 0, byCode: Object.fromEntries(VERDICT_CODES.map((code) => [code, 0])) as Record<VerdictCode, number> };
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
  writeAtomically(file, kept);
  return kept;
}

/** Replaces the file with these entries, through a rename so a crash leaves the old file whole. */
function writeAtomically(file: string, entries: readonly JournalEntry[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  renameSync(temporary, file);
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
