import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIST_PARAMS, MAX_WAIT_MS, parseQuery, SESSION_PARAMS, WAIT_PARAMS } from './query.js';

describe('parseQuery', () => {
  it('parses every filter of the list endpoint', () => {
    assert.deepEqual(parseQuery('method=post&path=/a&valid=false&code=TOKEN_STALE&session=s1&jti=abc&since=e1&limit=5', LIST_PARAMS), {
      method: 'post',
      path: '/a',
      valid: false,
      code: 'TOKEN_STALE',
      session: 's1',
      jti: 'abc',
      since: 'e1',
      limit: 5,
    });
  });

  it('parses count and timeoutMs for the wait endpoint', () => {
    assert.deepEqual(parseQuery('count=3&timeoutMs=0', WAIT_PARAMS), { count: 3, timeoutMs: 0 });
    assert.deepEqual(parseQuery(`timeoutMs=${MAX_WAIT_MS}`, WAIT_PARAMS), { timeoutMs: MAX_WAIT_MS });
  });

  const refused: [string, readonly ('session' | 'limit')[] | typeof LIST_PARAMS, RegExp][] = [
    ['timeoutMs=60001', WAIT_PARAMS, /timeoutMs must be at most 60000/],
    ['timeoutMs=999999999999', WAIT_PARAMS, /timeoutMs must be at most 60000/],
    ['timeoutMs=-1', WAIT_PARAMS, /timeoutMs must be an integer from 0 to 60000/],
    ['count=0', WAIT_PARAMS, /count must be an integer from 1/],
    ['limit=x', LIST_PARAMS, /limit must be an integer/],
    ['valid=yes', LIST_PARAMS, /valid must be true or false/],
    ['code=NOPE', LIST_PARAMS, /code must be one of/],
    ['method=P%20OST', LIST_PARAMS, /method must be an HTTP method/],
    ['session=', LIST_PARAMS, /session must not be empty/],
    ['jti=', LIST_PARAMS, /jti must not be empty/],
    ['since=', LIST_PARAMS, /since must be an entry id/],
    ['limit=1&limit=2', LIST_PARAMS, /given more than once/],
    ['count=1', LIST_PARAMS, /unknown parameter "count"/],
    ['path=/a', SESSION_PARAMS, /unknown parameter "path"; allowed: session/],
    ['x=1', [], /takes no parameters/],
  ];
  for (const [query, allowed, problem] of refused) {
    it(`refuses ${query}`, () => {
      const parsed = parseQuery(query, allowed);
      assert.ok('problem' in parsed, `a problem for ${query}`);
      assert.match((parsed as { problem: string }).problem, problem);
    });
  }
});
