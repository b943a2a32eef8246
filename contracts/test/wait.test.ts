import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until, waitFor, within } from '../testing/wait.js';

test('until resolves once the condition holds and waitFor resolves with the first defined value', async () => {
  let calls = 0;
  await until(() => ++calls === 3, 'the third check', { intervalMs: 1 });
  assert.equal(calls, 3);
  assert.equal(await waitFor(async () => (++calls === 5 ? 'five' : undefined), 'the fifth check', { intervalMs: 1 }), 'five');
});

test('until and within fail naming what they waited for, given a deadline that passes', async () => {
  await assert.rejects(until(() => false, 'the impossible', { timeoutMs: 20 }), { message: 'timed out after 20 ms waiting for the impossible' });
  await assert.rejects(within(new Promise(() => undefined), 10, 'a promise that never settles'), {
    message: 'timed out after 10 ms waiting for a promise that never settles',
  });
  assert.equal(await within(Promise.resolve(7), 10, 'a settled promise'), 7);
});
