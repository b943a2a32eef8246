import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseFaults } from '../src/faults/fault-headers.js';
import { MAX_FAULT_DELAY_MS } from '../src/faults/faults.js';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, rawRequest, startMock, subscribe } from './helpers.js';
import type { Mock } from './helpers.js';

type Answer = JournalEntry & { error?: { code: string; message: string } };

describe('fault headers', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock.close());

  it('x-mock-status answers with that status and the echo, and is recorded like any header', async () => {
    const { status, body } = await getJson<Answer>(`${mock.base}/f/status`, { headers: { 'x-mock-status': '503' } });
    assert.equal(status, 503);
    assert.equal(body.headers['x-mock-status'], '503');
    assert.equal((await getJson<JournalEntry>(`${mock.base}/__mock/requests/${body.id}`)).status, 200);
  });

  it('x-mock-status 204 answers without a body', async () => {
    const response = await fetch(`${mock.base}/f/empty`, { headers: { 'x-mock-status': '204' } });
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
  });

  it('x-mock-delay-ms delays the answer by that many milliseconds', async () => {
    const started = performance.now();
    const { status } = await getJson<Answer>(`${mock.base}/f/slow`, { headers: { 'x-mock-delay-ms': '40' } });
    assert.equal(status, 200);
    assert.ok(performance.now() - started >= 35, 'answered after the delay');
  });

  it('x-mock-close: 1 destroys the socket without answering, after recording', async () => {
    const response = await rawRequest(mock.port, 'POST /f/close HTTP/1.1\r\nHost: h\r\nx-mock-close: 1\r\nContent-Length: 2\r\n\r\nhi');
    assert.equal(response.raw, '');
    const { body } = await getJson<{ requests: JournalEntry[] }>(`${mock.base}/__mock/requests?path=/f/close`);
    assert.equal(body.requests.length, 1);
    assert.equal(body.requests[0]!.body.text, 'hi');
  });

  it('x-mock-close with a delay waits, then closes', async () => {
    const started = performance.now();
    const response = await rawRequest(mock.port, 'GET /f/close-late HTTP/1.1\r\nHost: h\r\nx-mock-close: true\r\nx-mock-delay-ms: 20\r\n\r\n');
    assert.equal(response.raw, '');
    assert.ok(performance.now() - started >= 15);
  });

  it('x-mock-close: 0 answers normally', async () => {
    assert.equal((await fetch(`${mock.base}/f/open`, { headers: { 'x-mock-close': '0' } })).status, 200);
  });

  it('cancels a pending delayed answer when the client goes away', async () => {
    const events = await subscribe(mock);
    const socket = connect(mock.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /f/abandoned HTTP/1.1\r\nHost: h\r\nx-mock-delay-ms: 60000\r\n\r\n');
    const recorded = await events.next();
    assert.equal((JSON.parse(recorded.data) as JournalEntry).path, '/f/abandoned');
    socket.destroy();
    await once(socket, 'close');
    events.response.destroy();
    // If the timer were left running, this test file's process would stay alive for a minute.
  });

  const invalid: [Record<string, string>, RegExp][] = [
    [{ 'x-mock-status': 'abc' }, /x-mock-status must be a final status code/],
    [{ 'x-mock-status': '150' }, /x-mock-status must be a final status code/],
    [{ 'x-mock-status': '600' }, /x-mock-status must be a final status code/],
    [{ 'x-mock-delay-ms': '-5' }, /x-mock-delay-ms must be a whole number/],
    [{ 'x-mock-delay-ms': '1.5' }, /x-mock-delay-ms must be a whole number/],
    [{ 'x-mock-close': 'maybe' }, /x-mock-close must be 1 or 0/],
  ];
  for (const [headers, message] of invalid) {
    it(`answers 400 FAULT_HEADER_INVALID with the entry given ${JSON.stringify(headers)}`, async () => {
      const { status, body } = await getJson<Answer>(`${mock.base}/f/bad`, { headers });
      assert.equal(status, 400);
      assert.equal(body.error?.code, 'FAULT_HEADER_INVALID');
      assert.match(body.error?.message ?? '', message);
      assert.equal(body.path, '/f/bad', 'the entry is still recorded and echoed');
    });
  }

  it('answers 400 given a fault header twice', async () => {
    const response = await rawRequest(mock.port, 'GET /f/twice HTTP/1.1\r\nHost: h\r\nx-mock-status: 500\r\nx-mock-status: 502\r\nConnection: close\r\n\r\n');
    assert.equal(response.status, 400);
    assert.match(response.body, /x-mock-status must be sent at most once/);
  });
});

describe('parseFaults', () => {
  it('caps the delay at MAX_FAULT_DELAY_MS', () => {
    assert.deepEqual(parseFaults({ 'x-mock-delay-ms': '999999' }), { delayMs: MAX_FAULT_DELAY_MS, close: false });
  });

  it('reads all three headers, trimming whitespace', () => {
    assert.deepEqual(parseFaults({ 'x-mock-status': ' 502 ', 'x-mock-delay-ms': '10', 'x-mock-close': 'TRUE' }), { status: 502, delayMs: 10, close: true });
  });

  it('returns no faults given none', () => {
    assert.deepEqual(parseFaults({}), { delayMs: 0, close: false });
  });
});

describe('x-mock-fault on the wire (direct to the mock)', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock({ MOCK_FAULT_SEED: '11' });
  });
  after(() => mock.close());

  const ask = (fault: string): Promise<string> =>
    rawRequest(mock.port, `POST /wire HTTP/1.1\r\nHost: h\r\nx-mock-fault: ${fault}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`).then((r) => r.raw);

  it('reset sends nothing at all', async () => {
    assert.equal(await ask('reset'), '');
  });

  it('malformed-chunk sends a chunked head, one good chunk, then a chunk-size that is not hex', async () => {
    const raw = await ask('malformed-chunk');
    assert.match(raw, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(raw, /transfer-encoding: chunked\r\n/i);
    assert.match(raw, /\r\n\r\n[0-9a-f]+\r\n[\s\S]+\r\nzz\r\n$/);
  });

  it('reset-mid-body sends the head with the full Content-Length but only half the body', async () => {
    const raw = await ask('reset-mid-body');
    const split = raw.indexOf('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(raw.slice(0, split))?.[1]);
    assert.equal(raw.length - split - 4, Math.floor(length / 2));
  });

  it('random-then-close sends that many bytes from the seeded generator: the same for the same seed', async () => {
    const other = await startMock({ MOCK_FAULT_SEED: '11' });
    try {
      const first = await rawRequest(other.port, 'GET /r HTTP/1.1\r\nHost: h\r\nx-mock-fault: random-then-close; bytes=32\r\nConnection: close\r\n\r\n');
      const again = await startMock({ MOCK_FAULT_SEED: '11' });
      const second = await rawRequest(again.port, 'GET /r HTTP/1.1\r\nHost: h\r\nx-mock-fault: random-then-close; bytes=32\r\nConnection: close\r\n\r\n');
      await again.close();
      assert.equal(Buffer.byteLength(first.raw, 'latin1') > 0, true);
      assert.equal(first.raw, second.raw);
    } finally {
      await other.close();
    }
  });

  it('interim 103 sends Early Hints before the final answer', async () => {
    const raw = await ask('interim');
    assert.match(raw, /^HTTP\/1\.1 103 Early Hints\r\n[\s\S]*HTTP\/1\.1 200 OK\r\n/);
  });

  const bad: [string, RegExp][] = [
    ['explode', /x-mock-fault\.type: .*\(one of reset, reset-mid-body/],
    ['dribble; bytes=0', /x-mock-fault\.bytes: /],
    ['delay', /x-mock-fault\.ms: /],
    ['reset; rate=2', /x-mock-fault\.rate: /],
    ['reset; nonsense', /parameter "nonsense" is not key=value/],
    ['reset; colour=red', /Unrecognized key/],
  ];
  for (const [header, problem] of bad) {
    it(`x-mock-fault: ${header} gets 400 FAULT_HEADER_INVALID naming the parameter, and is still recorded`, async () => {
      const { status, body } = await getJson<Answer>(`${mock.base}/bad-fault`, { method: 'POST', headers: { 'x-mock-fault': header } });
      assert.equal(status, 400);
      assert.equal(body.error?.code, 'FAULT_HEADER_INVALID');
      assert.match(body.error?.message ?? '', problem);
      assert.equal((await getJson<JournalEntry>(`${mock.base}/__mock/requests/${body.id}`)).status, 200);
    });
  }
});
