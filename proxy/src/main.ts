/**
 * The entry: `node dist/proxy/src/main.js`. It builds node:http's ES module namespace without
 * loading undici (server/http-esm-facade.ts says why), then imports start.ts, which reads the
 * environment and runs the proxy. Nothing else may come first: any static import here that
 * reaches node:http (app.ts does, through http-proxy-middleware) would build that namespace
 * before the entry could step in, so start.ts is imported dynamically.
 */
import { importWithoutUndici } from './server/http-esm-facade.js';

await importWithoutUndici(() => import('./start.js'));
