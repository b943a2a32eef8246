/**
 * The one file that steers how Node builds node:http's ES module facade (issue #22: peak RSS).
 *
 * Since Node 22, node:http has three lazy getters, WebSocket, CloseEvent and MessageEvent, that
 * load Node's bundled undici (770 KB of source) when first read. `require('node:http')` leaves
 * them unread, but the first `import … from 'node:http'` in a process builds the module's ES
 * namespace by reading every export, getters included (nodejs/node#57649, #59686). httpxy, under
 * http-proxy-middleware, imports node:http that way, so any ESM proxy on this stack compiles undici
 * and never uses it: 4 MB of RSS at idle, 2-3 MB at peak (docs/performance.md, "undici that
 * nothing uses").
 *
 * No public API builds that namespace another way. So, before anything else imports node:http,
 * the three exports are plain `undefined` while the namespace is built, and the getters are put
 * back at once: `http.WebSocket` and `globalThis.WebSocket` still load undici when read. Only the
 * named ESM bindings (`import { WebSocket } from 'node:http'`) read undefined in this process, and
 * nothing in the proxy imports them. http-esm-facade.test.ts fails if a Node upgrade changes this.
 */
import { createRequire } from 'node:module';

/** node:http's exports that load undici when read. */
export const UNDICI_GETTERS = ['WebSocket', 'CloseEvent', 'MessageEvent'] as const;

/**
 * Builds node:http's ESM namespace without reading UNDICI_GETTERS, then runs `load` (the import
 * of everything else). Where the getters are not what this expects (another Node, or the
 * namespace already built), it only runs `load`.
 */
export async function importWithoutUndici<T>(load: () => Promise<T>): Promise<T> {
  const http = createRequire(import.meta.url)('node:http') as object;
  const saved = UNDICI_GETTERS.map((name) => [name, Object.getOwnPropertyDescriptor(http, name)] as const);
  if (!saved.every(([, descriptor]) => descriptor?.get !== undefined && descriptor.configurable === true)) return load();
  for (const [name] of saved) Object.defineProperty(http, name, { value: undefined, writable: true, enumerable: true, configurable: true });
  try {
    await import('node:http');
  } finally {
    for (const [name, descriptor] of saved) if (descriptor !== undefined) Object.defineProperty(http, name, descriptor);
  }
  return load();
}
