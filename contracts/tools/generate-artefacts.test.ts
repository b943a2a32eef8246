import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PROXY_ERROR_STATUS } from '../../proxy/src/http/errors.js';
import { artefacts, CODE_INPUTS, contractVersionOf, generateOpenApi, generateTokenSchema, OPENAPI_FILE } from './generate-artefacts.js';

const openApiText = readFileSync(OPENAPI_FILE, 'utf8');

for (const artefact of artefacts()) {
  test(`the committed ${fileURLToPath(artefact.file).split('/').slice(-2).join('/')} is what the code generates (npm run contract:generate)`, () => {
    assert.equal(artefact.current, artefact.generated);
  });
}

test('the OpenAPI ProxyErrorCode enum is exactly the codes of proxy/src/http/errors.ts', () => {
  const doc = parse(openApiText) as { components: { schemas: Record<string, { enum?: string[] }> } };
  assert.deepEqual(doc.components.schemas.ProxyErrorCode?.enum, Object.keys(PROXY_ERROR_STATUS));
});

test('a code added to errors.ts changes the generated document, so the drift test would fail', () => {
  const changed = generateOpenApi(openApiText, { ...CODE_INPUTS, proxyErrorCodes: [...CODE_INPUTS.proxyErrorCodes, 'UPSTREAM_NEW'] });
  assert.notEqual(changed, openApiText);
  assert.match(changed, /UPSTREAM_NEW/);
  const renamed = generateOpenApi(openApiText, { ...CODE_INPUTS, verdictCodes: CODE_INPUTS.verdictCodes.map((c) => (c === 'TOKEN_STALE' ? 'TOKEN_OLD' : c)) });
  assert.doesNotMatch(renamed, /TOKEN_STALE/);
});

test('generation keeps the hand-written parts, comments included', () => {
  assert.match(openApiText, /^# The HTTP contract of jwt-proxy/);
  assert.equal(generateOpenApi(openApiText), openApiText);
});

test('generation refuses a document without a node it must rewrite', () => {
  const withoutMockCodes = openApiText.replace('    MockErrorCode:\n', '    MockErrorKinds:\n');
  assert.throws(() => generateOpenApi(withoutMockCodes), /no components.schemas.MockErrorCode/);
  assert.throws(() => generateOpenApi('a: [\n'), /does not parse/);
});

test('the token schema carries the contract version read from info.version', () => {
  assert.equal(contractVersionOf('info:\n  version: 9.9.9\n'), '9.9.9');
  assert.throws(() => contractVersionOf('info: {}\n'), /no info.version/);
  assert.equal((JSON.parse(generateTokenSchema('9.9.9')) as Record<string, unknown>)['x-contractVersion'], '9.9.9');
});
