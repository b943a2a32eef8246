import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const file = (name: string): string => readFileSync(new URL(`../../../contracts/${name}`, import.meta.url), 'utf8');

/** The three copies of contractVersion (issue 14): edited together, or this test fails. */
function contractVersions(): Record<string, unknown> {
  const openApi = parse(file('openapi.yaml')) as { info?: { version?: unknown } };
  const schema = JSON.parse(file('token.schema.json')) as Record<string, unknown>;
  const vectors = JSON.parse(file('negative-vectors.json')) as Record<string, unknown>;
  return {
    'openapi.yaml info.version': openApi.info?.version,
    'token.schema.json x-contractVersion': schema['x-contractVersion'],
    'negative-vectors.json contractVersion': vectors.contractVersion,
  };
}

test('contractVersion is the same semantic version in openapi.yaml, token.schema.json and negative-vectors.json', () => {
  const versions = contractVersions();
  const distinct = new Set(Object.values(versions));
  assert.equal(distinct.size, 1, `the copies differ: ${JSON.stringify(versions)}`);
  assert.match(String([...distinct][0]), /^\d+\.\d+\.\d+$/);
});
