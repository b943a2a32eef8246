import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../src/record/journal.js';
import { startMock, subscribe } from './helpers.js';
import type { EventReader, Mock } from './helpers.js';

describe('GET /__mock/events', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock.close());

  it('emits an entry event for each recorded request, to every subscriber', async () => {
    const first = await subscribe(mock);
    const second = await subscribe(mock);
    const echo = (await (await fetch(`${mock.base}/live`, { method: 'POST', body: 'hi' })).json()) as JournalEntry;
    for (const reader of [first, second]) {
      const block = await reader.next();
      assert.equal(block.event, 'entry');
      assert.deepEqual(JSON.parse(block.data), echo);
    }
    first.response.destroy();
    second.response.destroy();
  });

  it('emits a clear event when the journal is cleared', async () => {
    const reader = await subscribe(mock);
    await fetch(`${mock.base}/__mock/requests`, { method: 'DELETE' });
    assert.deepEqual(await reader.next(), { event: 'clear', data: '{}' });
    reader.response.destroy();
  });

  it('ends open streams when the server closes, so close() does not hang', async () => {
    const other = await startMockAndSubscribe();
    await new Promise<void>((resolve) => other.mock.server.close(() => resolve()));
    await other.reader.ended;
  });
});

async function startMockAndSubscribe(): Promise<{ mock: Mock; reader: EventReader }> {
  const mock = await startMock();
  return { mock, reader: await subscribe(mock) };
}
