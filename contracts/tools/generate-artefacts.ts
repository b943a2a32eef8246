/**
 * Generates the parts of the contract artefacts that the code defines (issue 14),
 * so the documents cannot drift from it:
 *   contracts/token.schema.json          <- the zod schemas (contracts/src/token-schema.ts)
 *   contracts/openapi.yaml, nodes only:  ProxyErrorCode.enum  <- proxy/src/http/errors.ts
 *                                        MockErrorCode.enum   <- mock-upstream/src/http/errors.ts
 *                                        VerdictCode.enum     <- contracts/src/verdict.ts
 *                                        JwkAlgorithm.enum, PrivateJwkMember.enum <- contracts/src/jwk-set.ts
 *                                        TokenHeader, TokenHeaderKeyRing, TokenClaims, DecodedToken <- the zod schemas
 *   contracts/negative-vectors.json, the `token` of each vector token <- its parts (contracts/testing/negative-vectors.ts)
 * Everything else in openapi.yaml is hand-written and kept as it is (comments too).
 *
 *   npm run contract:generate            rewrite the files
 *   npm run contract:generate -- --check exit 1 naming each file that differs (what the test asserts)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { PROXY_ERROR_STATUS } from '../../proxy/src/http/errors.js';
import { MOCK_ERROR_CODES } from '../../mock-upstream/src/http/errors.js';
import { VERDICT_CODES } from '../src/verdict.js';
import { JWK_ALGORITHMS, PRIVATE_JWK_MEMBERS } from '../src/jwk-set.js';
import { decodedTokenSchema, jsonSchemaOf, PUBLISHED_TOKEN_SCHEMAS, tokenSchemaDocument } from '../src/token-schema.js';
import { NEGATIVE_VECTORS_FILE, renderToken, vectorKeys, type NegativeVectorFile } from '../testing/negative-vectors.js';

/** contracts/, from dist/contracts/tools/ or contracts/tools/. */
const CONTRACTS_DIR = new URL('../../../contracts/', import.meta.url);
export const OPENAPI_FILE = new URL('openapi.yaml', CONTRACTS_DIR);
export const TOKEN_SCHEMA_FILE = new URL('token.schema.json', CONTRACTS_DIR);

/** What the generated nodes are made from; tests pass changed inputs to prove a change shows. */
export interface GeneratorInputs {
  readonly proxyErrorCodes: readonly string[];
  readonly mockErrorCodes: readonly string[];
  readonly verdictCodes: readonly string[];
  readonly jwkAlgorithms: readonly string[];
  readonly privateJwkMembers: readonly string[];
}

export const CODE_INPUTS: GeneratorInputs = Object.freeze({
  proxyErrorCodes: Object.keys(PROXY_ERROR_STATUS),
  mockErrorCodes: [...MOCK_ERROR_CODES],
  verdictCodes: [...VERDICT_CODES],
  jwkAlgorithms: [...JWK_ALGORITHMS],
  privateJwkMembers: [...PRIVATE_JWK_MEMBERS],
});

/** Same options on every write, so an unchanged document round-trips byte for byte. */
const YAML_OUTPUT = { lineWidth: 0, flowCollectionPadding: false } as const;

/** openapi.yaml with its generated nodes rewritten; throws when a node it must rewrite is missing. */
export function generateOpenApi(text: string, inputs: GeneratorInputs = CODE_INPUTS): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`openapi.yaml does not parse: ${doc.errors[0]?.message ?? ''}`);
  const schemas = ['components', 'schemas'];
  const setEnum = (name: string, values: readonly string[]): void => {
    if (!doc.hasIn([...schemas, name])) throw new Error(`openapi.yaml has no components.schemas.${name} to generate`);
    doc.setIn([...schemas, name, 'enum'], doc.createNode([...values], { flow: true }));
  };
  setEnum('ProxyErrorCode', inputs.proxyErrorCodes);
  setEnum('MockErrorCode', inputs.mockErrorCodes);
  setEnum('VerdictCode', inputs.verdictCodes);
  setEnum('JwkAlgorithm', inputs.jwkAlgorithms);
  setEnum('PrivateJwkMember', inputs.privateJwkMembers);
  for (const published of Object.values(PUBLISHED_TOKEN_SCHEMAS)) {
    doc.setIn([...schemas, published.openApiName], doc.createNode(jsonSchemaOf(published)));
  }
  const decoded = decodedTokenSchema((_name, published) => `#/components/schemas/${published.openApiName}`);
  doc.setIn([...schemas, 'DecodedToken'], doc.createNode({ description: "the token's two JSON parts, decoded (as contracts/token.schema.json validates them)", ...decoded }));
  return doc.toString(YAML_OUTPUT);
}

/** The contract version, read from the OpenAPI document's info.version (one of its three copies). */
export function contractVersionOf(openApiText: string): string {
  const version: unknown = parseDocument(openApiText).getIn(['info', 'version']);
  if (typeof version !== 'string') throw new Error('openapi.yaml has no info.version string');
  return version;
}

export function generateTokenSchema(contractVersion: string): string {
  return `${JSON.stringify(tokenSchemaDocument(contractVersion), null, 2)}\n`;
}

/** negative-vectors.json with every token made from its parts at the file's fixed clock. */
export function generateNegativeVectors(text: string): string {
  const file = JSON.parse(text) as NegativeVectorFile;
  const options = { keys: vectorKeys(file), shiftS: 0, jti: (fixed: string) => fixed };
  const cases = file.cases.map((vector) => ({
    ...vector,
    tokens: Object.fromEntries(Object.entries(vector.tokens).map(([name, spec]) => [name, { ...spec, token: renderToken(spec, options) }])),
  }));
  return `${JSON.stringify({ ...file, cases }, null, 2)}\n`;
}

export interface Artefact {
  readonly file: URL;
  readonly current: string;
  readonly generated: string;
}

/** Each generated file with its committed and its freshly generated content. */
export function artefacts(): Artefact[] {
  const openApi = readFileSync(OPENAPI_FILE, 'utf8');
  const read = (file: URL): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  return [
    { file: OPENAPI_FILE, current: openApi, generated: generateOpenApi(openApi) },
    { file: TOKEN_SCHEMA_FILE, current: read(TOKEN_SCHEMA_FILE), generated: generateTokenSchema(contractVersionOf(openApi)) },
    { file: NEGATIVE_VECTORS_FILE, current: read(NEGATIVE_VECTORS_FILE), generated: generateNegativeVectors(read(NEGATIVE_VECTORS_FILE)) },
  ];
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  let drifted = 0;
  for (const artefact of artefacts()) {
    const name = fileURLToPath(artefact.file);
    if (artefact.current === artefact.generated) continue;
    drifted += 1;
    if (check) console.error(`${name} differs from what the code generates: run npm run contract:generate`);
    else {
      writeFileSync(artefact.file, artefact.generated);
      console.log(`wrote ${name}`);
    }
  }
  if (drifted === 0) console.log('contract artefacts are up to date');
  return check && drifted > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
