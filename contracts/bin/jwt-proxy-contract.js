#!/usr/bin/env node
// The contract CLI's entry (issue 14): `npx jwt-proxy-contract --proxy URL --mock URL`.
// A checkout has no dist/ after `npm ci`, so this first builds the contracts project with the
// TypeScript that `npm ci` installed (tsc -b is incremental: a no-op when dist/ is up to date, so it
// never runs stale code), then runs the compiled CLI. The images (`npm ci --omit=dev`) never run it.
/* global URL */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', `${root}contracts`], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (tsc.status !== 0) {
  console.error('jwt-proxy-contract: building contracts/ failed; run `npm ci` in the checkout first');
  process.exit(2);
}
const { main } = await import(new URL('../../dist/contracts/cli/jwt-proxy-contract.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
