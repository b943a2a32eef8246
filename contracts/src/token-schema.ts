/**
 * The token's shapes as published artefacts (issue 14): every zod schema that
 * contracts/token.schema.json and the OpenAPI document's TokenHeader /
 * TokenClaims are generated from. A token profile adds its claims schema here
 * and the generator picks it up; nothing is copied by hand.
 */
import { z } from 'zod';
import { JWT_ALGORITHM, JWT_TYPE, tokenClaimsSchema } from './token-contract.js';

/** The JOSE header the proxy sends, exactly these two parameters (RFC 7515 §4.1). */
export const tokenHeaderSchema = z.object({
  alg: z.literal(JWT_ALGORITHM),
  typ: z.literal(JWT_TYPE),
});

export interface PublishedSchema {
  /** Name under `$defs` in token.schema.json; also the OpenAPI component name. */
  readonly openApiName: string;
  readonly schema: z.ZodType;
  /** What JSON Schema cannot say (refinements), written next to the generated schema. */
  readonly description: string;
}

/** Every published schema, by its `$defs` name. */
export const PUBLISHED_TOKEN_SCHEMAS: Readonly<Record<string, PublishedSchema>> = Object.freeze({
  header: {
    openApiName: 'TokenHeader',
    schema: tokenHeaderSchema,
    description: 'The decoded JOSE header of the token (RFC 7515 §4). Only HS512 is accepted (RFC 7518 §3.2).',
  },
  claims: {
    openApiName: 'TokenClaims',
    schema: tokenClaimsSchema,
    description:
      'The decoded claims. Beyond this schema: payload.date must be the UTC date of iat; a verifier also ' +
      'checks iat against its clock (MOCK_MAX_AGE_S, MOCK_CLOCK_SKEW_S) and refuses a jti seen within the max age.',
  },
});

/** The JSON Schema 2020-12 of one published schema, without its own `$schema` (it is embedded). */
export function jsonSchemaOf(published: PublishedSchema): Record<string, unknown> {
  const generated = z.toJSONSchema(published.schema, { target: 'draft-2020-12', unrepresentable: 'throw' }) as Record<string, unknown>;
  const { $schema: _dialect, ...schema } = generated;
  return { description: published.description, ...schema };
}

/** The content of contracts/token.schema.json for a contract version. */
export function tokenSchemaDocument(contractVersion: string): Record<string, unknown> {
  const defs = Object.fromEntries(Object.entries(PUBLISHED_TOKEN_SCHEMAS).map(([name, published]) => [name, jsonSchemaOf(published)]));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:jwt-proxy:contracts:token.schema.json',
    title: 'jwt-proxy token',
    description:
      'The JOSE header and the claims of the token the proxy puts in x-my-jwt, generated from the zod schema ' +
      '(npm run contract:generate); validate a decoded token as {"header": ..., "claims": ...}.',
    'x-contractVersion': contractVersion,
    type: 'object',
    properties: Object.fromEntries(Object.keys(defs).map((name) => [name, { $ref: `#/$defs/${name}` }])),
    required: Object.keys(defs),
    additionalProperties: false,
    $defs: defs,
  };
}
