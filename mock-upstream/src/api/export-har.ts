/**
 * GET /__mock/requests.har (issue 13, mitmproxy #385): the journal as HAR 1.2
 * (http://www.softwareishard.com/blog/har-12-spec/), so a recording opens in a
 * browser's network panel or any HAR tool. The mock records requests, not the
 * answers it gave, so each response is HAR's "no response" (status 0); the
 * mock's own view of the entry (verdict, session, stub) is under `_mock`, as the
 * spec allows custom fields that start with an underscore.
 */
import type { Writable } from 'node:stream';
import type { Entry, Har, Header, PostData } from 'har-format';
import { writeJsonArray } from '../http/json-stream.js';
import type { JournalEntry } from '../record/journal.js';

export const HAR_CREATOR = { name: 'jwt-proxy mock-upstream', version: '0.1.0' } as const;

export function toHar(entries: Iterable<JournalEntry>, fallbackOrigin: string): Har {
  return { log: { version: '1.2', creator: { ...HAR_CREATOR }, entries: [...entries].map((entry) => toHarEntry(entry, fallbackOrigin)) } };
}

/**
 * toHar's JSON, written entry by entry as the client reads (issue #21, item 3: the whole HAR of a
 * full journal was built per call, +36-74 MB for twelve clients that never read).
 */
export async function writeHar(stream: Writable, entries: Iterable<JournalEntry>, fallbackOrigin: string): Promise<void> {
  const empty = JSON.stringify(toHar([], fallbackOrigin));
  // `{"log":{...,"entries":[]}}`: open the array, stream its elements, close it as it was closed.
  const open = empty.slice(0, -']}}'.length);
  await writeJsonArray(stream, open, entries, ']}}', (entry) => JSON.stringify(toHarEntry(entry, fallbackOrigin)));
}

/** The absolute URL the request was for: its Host (or the mock's own origin when it had none) and its raw target. */
export function requestUrl(entry: JournalEntry, fallbackOrigin: string): string {
  const host = entry.headers.host;
  const origin = typeof host === 'string' && host !== '' ? `http://${host}` : fallbackOrigin;
  return entry.url.startsWith('/') ? `${origin}${entry.url}` : entry.url;
}

function toHarEntry(entry: JournalEntry, fallbackOrigin: string): Entry {
  const headers: Header[] = [];
  for (let i = 0; i + 1 < entry.rawHeaders.length; i += 2) headers.push({ name: entry.rawHeaders[i] ?? '', value: entry.rawHeaders[i + 1] ?? '' });
  const harEntry: Entry & { _mock: object } = {
    startedDateTime: entry.receivedAt,
    time: 0,
    request: {
      method: entry.method,
      url: requestUrl(entry, fallbackOrigin),
      httpVersion: `HTTP/${entry.httpVersion}`,
      cookies: [],
      headers,
      queryString: [...new URLSearchParams(entry.query)].map(([name, value]) => ({ name, value })),
      ...(entry.body.bytes > 0 && { postData: postData(entry) }),
      headersSize: -1,
      bodySize: entry.body.bytes,
    },
    response: {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      comment: 'the mock records requests, not its answers',
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    comment: `${entry.token.code}: ${entry.token.detail?.summary ?? entry.token.message}`,
    _mock: {
      id: entry.id,
      verdict: entry.token.code,
      valid: entry.token.valid,
      sha256: entry.body.sha256,
      ...(entry.session !== undefined && { session: entry.session }),
      ...(entry.stubId !== undefined && { stubId: entry.stubId }),
    },
  };
  return harEntry;
}

function postData(entry: JournalEntry): PostData {
  const type = entry.headers['content-type'];
  const mimeType = typeof type === 'string' ? type : 'application/octet-stream';
  if (entry.body.text !== undefined) return { mimeType, text: entry.body.text };
  if (entry.body.base64 !== undefined) return { mimeType, text: entry.body.base64, comment: 'base64: the body is not UTF-8' };
  return { mimeType, text: '', comment: `not kept: ${entry.body.bytes} bytes, over MOCK_BODY_LIMIT; sha256 ${entry.body.sha256}` };
}
