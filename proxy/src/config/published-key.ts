/**
 * The assignment's key is published in this repository and in both images, so a
 * token signed with it proves nothing (issue #16, Medium 4). It stays the default
 * for `make run` and the tests, the proxy warns at every start that uses it, and
 * under NODE_ENV=production it refuses to start unless the operator says, with
 * JWT_ALLOW_PUBLISHED_SECRET=true, that this is a demo or test stack (the compose
 * file does, for its bundled mock upstream).
 */
import { DEFAULT_JWT_SECRET, decodeSecret } from '../../../contracts/src/index.js';
import type { EnvReader } from '../../../contracts/src/index.js';

/** The published secret's key under both encodings (its hex digits also decode as hex). */
const PUBLISHED_KEYS: readonly Buffer[] = (['utf8', 'hex'] as const).flatMap((encoding) => {
  const decoded = decodeSecret(DEFAULT_JWT_SECRET, encoding);
  return 'key' in decoded ? [decoded.key] : [];
});

/** True when `key` is the published assignment key, whichever encoding produced it. */
export function isPublishedKey(key: Buffer): boolean {
  return PUBLISHED_KEYS.some((published) => published.equals(key));
}

/**
 * Records a problem on JWT_SECRET when the published key would sign under
 * NODE_ENV=production without the explicit acknowledgment. Returns whether it signs with it.
 */
export function checkPublishedKey(env: EnvReader, key: Buffer): boolean {
  const published = isPublishedKey(key);
  const acknowledged = env.boolean('JWT_ALLOW_PUBLISHED_SECRET', false);
  if (published && env.raw('NODE_ENV')?.trim() === 'production' && !acknowledged) {
    env.problem(
      'JWT_SECRET',
      'must be set to a key of your own under NODE_ENV=production: the default is the published assignment key ' +
        '(JWT_ALLOW_PUBLISHED_SECRET=true accepts it for a demo or test stack)',
      '$(openssl rand -hex 64)',
    );
  }
  return published;
}
