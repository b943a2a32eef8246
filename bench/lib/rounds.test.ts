import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundOrder } from './rounds.js';

const CONFIGS = [
  { id: 'ours-post', group: 'post' },
  { id: 'ref-post', group: 'post' },
  { id: 'ours-get', group: 'get' },
  { id: 'ref-get', group: 'get' },
  { id: 'direct-post', group: 'direct' },
];
const ids = (round: number) => roundOrder(CONFIGS, round).map((c) => c.id);

test('roundOrder keeps each group back to back, flips the order inside it every round and rotates the groups', () => {
  assert.deepEqual(ids(0), ['ours-post', 'ref-post', 'ours-get', 'ref-get', 'direct-post']);
  assert.deepEqual(ids(1), ['ref-get', 'ours-get', 'direct-post', 'ref-post', 'ours-post']);
  assert.deepEqual(ids(2), ['direct-post', 'ours-post', 'ref-post', 'ours-get', 'ref-get']);
  assert.deepEqual(ids(3), ['ref-post', 'ours-post', 'ref-get', 'ours-get', 'direct-post']);
});

test('roundOrder runs every configuration exactly once a round', () => {
  for (let round = 0; round < 6; round++) assert.deepEqual([...ids(round)].sort(), CONFIGS.map((c) => c.id).sort());
});
