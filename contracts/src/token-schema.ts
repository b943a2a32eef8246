/**
 * The token's shapes as published artefacts (issue 14): every zod schema that
 * contracts/token.schema.json and the OpenAPI document's TokenHeader /
 * TokenClaims are generated from. A token profile adds its claims schema here
 * and the generator picks it up; nothing is copied by hand.
 */
import { z } from 'zod';
import { tokenClaimsSchema } from './token-claims.js';
import { JWT_ALGORITHM, JWT_TYPE } from './token-contract.js';
import { JWK_ALGORITHMS } from './jwk-set.js';

/** The JOSE header the proxy sends when it signs with JWT_SECRET: exactly these two parameters (RFC 7515 §4.1). */
export const tokenHeaderSchema = z.object({
  alg: z.literal(JWT_ALGORITHM),
  typ: z.literal(JWT_TYPE),
});

/** The JOSE header under a key ring (JWT_KEYS_FILE, issue 12): the signing key's alg and its kid. */
export const keyRingTokenHeaderSchema = z.object({
  alg: z.enum(JWK_ALGORITHMS),
  typ: z.literal(JWT_TYPE),
  kid: z.string().min(1),
});

export interface PublishedSchema {
  /** Which part of the token it describes; several schemas of one part are alternatives (token profiles). */
  readonly part: 'header' | 'claims';
  /** Name under `$defs` in token.schema.json; also the OpenAPI component name. */
  readonly openApiName: string;
  readonly schema: z.ZodType;
  /** What JSON Schema cannot say (refinements), written next to the generated schema. */
  readonly description: string;
}

/** Every published schema, by its `$defs` name. */
export const PUBLISHED_TOKEN_SCHEMAS: Readonly<Record<string, PublishedSchema>> = Object.freeze({
  header: {
    part: 'header',
    openApiName: 'TokenHeader',
    schema: tokenHeaderSchema,
    description: 'The decoded JOSE header of a token signed with JWT_SECRET (RFC 7515 §4): HS512 only (RFC 7518 §3.2), no kid.',
  },
  headerKeyRing: {
    part: 'header',
    openApiName: 'TokenHeaderKeyRing',
    schema: keyRingTokenHeaderSchema,
    description:
      'The decoded JOSE header of a token signed from a key ring (JWT_KEYS_FILE): the alg the signing key is pinned to and its kid, ' +
      'by which a verifier picks the key from its own ring or the proxy JWKS (RFC 7515 §4.1.4).',
  },
  claims: {
    part: 'claims',
    openApiName: 'TokenClaims',
    schema: tokenClaimsSchema,
    description:
      'The decoded claims: iat, jti and payload always; exp, nbf, iss, sub and aud when a token profile configures them. ' +
      'Beyond this schema: payload.date must be the UTC date of iat; a verifier also checks iat, exp and nbf against its clock ' +
      '(MOCK_MAX_AGE_S, MOCK_CLOCK_SKEW_S), iss and aud against what it expects, and refuses a jti seen within the max age.',
  },
});

/** The JSON Schema 2020-12 of one published schema, without its own `$schema` (it is embedded). */
export function jsonSchemaOf(published: PublishedSchema): Record<string, unknown> {
  const generated = z.toJSONSchema(published.schema, { target: 'draft-2020-12', unrepresentable: 'throw' }) as Record<string, unknown>;
  const { $schema: _dialect, ...schema } = generated;
  return { description: published.description, ...schema };
}

/**
 * `{header, claims}` as references to the schemas of each part, given how one
 * schema is named (`#/$defs/header` here, `#/components/schemas/TokenHeader` in OpenAPI).
 */
export function decodedTokenSchema(refOf: (name: string, published: PublishedSchema) => string): Record<string, unknown> {
  const parts = ['header', 'claims'] as const;
  const properties = Object.fromEntries(
    parts.map((part) => {
      const refs = Object.entries(PUBLISHED_TOKEN_SCHEMAS)
        .filter(([, published]) => published.part === part)
        .map(([name, published]) => ({ $ref: refOf(name, published) }));
      return [part, refs.length === 1 ? refs[0] : { anyOf: refs }];
    }),
  );
  return { type: 'object', properties, required: [...parts], additionalProperties: false };
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
    ...decodedTokenSchema((name) => `#/$defs/${name}`),
    $defs: defs,
  };
}
