/**
 * Reads the mock upstream's journal (COMMON.md / issue #3): the suites judge
 * the proxy by what the mock recorded, never by what the proxy says it did.
 */
import type { RecordedRequest } from '../src/recorded-request.js';
import { sendRaw } from '../testing/raw-http.js';

/** A journal entry as the mock records it (the contract's shape). */
export type MockEntry = RecordedRequest;

/** Header used to find a request's journal entry when its path cannot carry a marker. */
export const CASE_ID_HEADER = 'x-case-id';

export async function getJson(url: URL): Promise<{ status: number; json: unknown; text: string }> {
  const response = await sendRaw(url, {
    method: 'GET',
    target: `${url.pathname}${url.search}`,
    headers: [['Accept', 'application/json'], ['Connection', 'close']],
  });
  const text = response.body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** How long a suite waits for the mock to record a request (its wait endpoint caps this at 60 s). */
export const RECORD_WAIT_MS = 5_000;

/**
 * Waits (GET /__mock/requests/wait, issue 13) until the mock holds `count` entries whose path starts
 * with `pathPrefix`, then returns them, newest first. Answered by the recording itself: no polling,
 * no fixed sleep. At the timeout the mock answers 408 with what matched so far, which is returned
 * as is, so a case that expected a request reports how many arrived.
 */
export async function waitForRecorded(mockUrl: URL, pathPrefix: string, count = 1, timeoutMs = RECORD_WAIT_MS): Promise<MockEntry[]> {
  const url = new URL('/__mock/requests/wait', mockUrl);
  url.searchParams.set('path', pathPrefix);
  url.searchParams.set('count', String(count));
  url.searchParams.set('timeoutMs', String(timeoutMs));
  return requestsOf(url, [200, 408]);
}

/**
 * Journal entries carrying `x-case-id: caseId`, newest first. With `pathPrefix` (a unique marker in
 * the request's path) it first waits for the request to be recorded; without, it reads the journal
 * as it is (the suites use that to show where a request went when it was not under its prefix).
 */
export async function findRecorded(mockUrl: URL, caseId: string, pathPrefix?: string): Promise<MockEntry[]> {
  let entries: MockEntry[];
  if (pathPrefix !== undefined) {
    entries = await waitForRecorded(mockUrl, pathPrefix);
  } else {
    const url = new URL('/__mock/requests', mockUrl);
    url.searchParams.set('limit', '1000');
    entries = await requestsOf(url, [200]);
  }
  return entries.filter((entry) => headerValues(entry, CASE_ID_HEADER).includes(caseId));
}

async function requestsOf(url: URL, statuses: readonly number[]): Promise<MockEntry[]> {
  const { status, json, text } = await getJson(url);
  if (!statuses.includes(status) || typeof json !== 'object' || json === null || !Array.isArray((json as { requests?: unknown }).requests)) {
    throw new Error(`GET ${url.href} answered ${status}, not {"requests": [...]}: ${text.slice(0, 500)}`);
  }
  return (json as { requests: MockEntry[] }).requests;
}

/** Every value the upstream received for `name` (case-insensitive), from rawHeaders, in order. */
export function headerValues(entry: MockEntry, name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  const raw = entry.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === wanted) values.push(raw[i + 1] ?? '');
  }
  return values;
}

/** An entry as JSON for assertion messages, with long body text shortened. */
export function describeEntry(entry: MockEntry | undefined): string {
  if (entry === undefined) return '(nothing recorded)';
  const shorten = (s: string | undefined): string | undefined =>
    s !== undefined && s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
  const body = { ...entry.body, text: shorten(entry.body.text), base64: shorten(entry.body.base64) };
  const url = entry.url.length > 400 ? `${entry.url.slice(0, 400)}… (${entry.url.length} chars)` : entry.url;
  const path = entry.path.length > 400 ? `${entry.path.slice(0, 400)}…` : entry.path;
  return JSON.stringify({ ...entry, url, path, body }, null, 2);
}
