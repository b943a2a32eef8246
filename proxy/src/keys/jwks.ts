/**
 * GET /.well-known/jwks.json (issue #12): the public halves of the ring's
 * asymmetric keys as a JWK Set (RFC 7517 §5), so an upstream in any language
 * verifies RS256/PS256/ES256/ES384 tokens by kid without sharing a secret.
 *
 * Only members jwk-set.ts copied from the public KeyObject's export are served,
 * plus kid, alg and use; an HMAC key (`k`) or a private member (d, p, q, dp, dq,
 * qi) is never in the document, whatever the file held. With no asymmetric key
 * (JWT_SECRET, or HMAC keys only) the answer is 404 with the JSON error envelope.
 */
import type { ServerResponse } from 'node:http';
import type { SetKey } from '../../../contracts/src/jwk-set.js';
import { sendError } from '../http/errors.js';

export const JWKS_PATH = '/.well-known/jwks.json';
/**
 * How long verifiers may cache the set. Five minutes: a verifier that meets an
 * unknown kid refetches sooner anyway (jose's createRemoteJWKSet does), and a
 * retired key should not be trusted for long after it left the file.
 */
export const JWKS_MAX_AGE_S = 300;

/** The served document's text for a key list, or undefined when no key has a public half. */
export function jwksBody(keys: readonly SetKey[]): string | undefined {
  const published = keys.flatMap((key) => (key.publicJwk === undefined ? [] : [key.publicJwk]));
  return published.length === 0 ? undefined : JSON.stringify({ keys: published });
}

/** Answers the JWKS request for the ring's keys now; the body is built once per key list. */
export function createJwksResponder(keys: () => readonly SetKey[]): (res: ServerResponse) => void {
  let builtFor: readonly SetKey[] | undefined;
  let body: string | undefined;
  return (res) => {
    const current = keys();
    if (current !== builtFor) {
      body = jwksBody(current);
      builtFor = current;
    }
    if (body === undefined) {
      sendError(res, 'JWKS_NOT_CONFIGURED');
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-type', 'application/jwk-set+json');
    res.setHeader('cache-control', `public, max-age=${JWKS_MAX_AGE_S}`);
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  };
}
