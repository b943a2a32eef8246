import { test } from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { until } from '../../../contracts/testing/wait.js';
import { createBcryptPool } from './bcrypt-pool.js';

const HASH = bcrypt.hashSync('s3cret', 4);

test('the pool answers comparisons from a worker, and stops a worker once it has been idle for idleMs', async (t) => {
  const pool = createBcryptPool(2, 50);
  t.after(() => pool.close());
  assert.equal(pool.liveWorkers(), 0, 'workers start on first use');
  assert.equal(await pool.compare('s3cret', HASH), true);
  assert.equal(await pool.compare('wrong', HASH), false);
  // A live worker thread costs every forwarded request CPU (issue #24): it must not stay.
  await until(() => pool.liveWorkers() === 0, 'the idle worker to stop', { timeoutMs: 5_000 });
  assert.equal(await pool.compare('s3cret', HASH), true, 'the next comparison starts another');
});

test('a worker kept busy is not stopped between comparisons', async (t) => {
  const pool = createBcryptPool(1, 10_000);
  t.after(() => pool.close());
  const answers = await Promise.all([pool.compare('s3cret', HASH), pool.compare('x', HASH), pool.compare('s3cret', HASH)]);
  assert.deepEqual(answers, [true, false, true]);
  assert.equal(pool.liveWorkers(), 1);
});
