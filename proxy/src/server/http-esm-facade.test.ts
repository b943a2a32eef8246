// Pins what http-esm-facade.ts relies on, each in a fresh node process (a module namespace is
// built once per process): Node's ESM import of node:http loads undici (if a Node upgrade stops
// doing so, the first test fails and the workaround can go), importWithoutUndici does not, and
// afterwards http.WebSocket still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const FACADE = fileURLToPath(new URL('./http-esm-facade.js', import.meta.url));
const run = promisify(execFile);

/** Runs `body` as an ES module in a new node and returns the JSON it prints. */
async function inFreshNode(body: string): Promise<Record<string, unknown>> {
  const script = `
    const { importWithoutUndici, UNDICI_GETTERS } = await import(${JSON.stringify(FACADE)});
    const { createRequire } = await import('node:module');
    const cjsHttp = createRequire(import.meta.url)('node:http');
    const undiciLoaded = () => process.moduleLoadList.some((name) => name.includes('undici'));
    const seen = {};
    ${body}
    process.stdout.write(JSON.stringify(seen));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

test('Node itself: the first ESM import of node:http loads undici (nodejs/node#57649)', async () => {
  const seen = await inFreshNode(`
    seen.before = undiciLoaded();
    await import('node:http');
    seen.after = undiciLoaded();`);
  assert.deepEqual(seen, { before: false, after: true });
});

test('importWithoutUndici builds node:http\'s namespace without undici, then runs the load; the getters come back', async () => {
  const seen = await inFreshNode(`
    seen.loaded = await importWithoutUndici(async () => {
      const ns = await import('node:http');
      return { undici: undiciLoaded(), createServer: typeof ns.createServer, webSocketBinding: typeof ns.WebSocket };
    });
    seen.getters = UNDICI_GETTERS.map((name) => typeof Object.getOwnPropertyDescriptor(cjsHttp, name).get);
    seen.webSocket = typeof cjsHttp.WebSocket;
    seen.undiciOnRead = undiciLoaded();`);
  assert.deepEqual(seen, {
    loaded: { undici: false, createServer: 'function', webSocketBinding: 'undefined' },
    getters: ['function', 'function', 'function'],
    webSocket: 'function',
    undiciOnRead: true,
  });
});

test('where the getters are not what it expects, importWithoutUndici only runs the load and changes nothing', async () => {
  const seen = await inFreshNode(`
    Object.defineProperty(cjsHttp, 'CloseEvent', { value: 'mine', configurable: true, enumerable: true, writable: true });
    seen.loaded = await importWithoutUndici(async () => 'loaded');
    seen.closeEvent = cjsHttp.CloseEvent;
    seen.webSocketGetter = typeof Object.getOwnPropertyDescriptor(cjsHttp, 'WebSocket').get;`);
  assert.deepEqual(seen, { loaded: 'loaded', closeEvent: 'mine', webSocketGetter: 'function' });
});

test('a load that fails still has the getters put back', async () => {
  const seen = await inFreshNode(`
    try {
      await importWithoutUndici(async () => { throw new Error('no such module'); });
    } catch (err) {
      seen.error = err.message;
    }
    seen.getters = UNDICI_GETTERS.map((name) => typeof Object.getOwnPropertyDescriptor(cjsHttp, name).get);`);
  assert.deepEqual(seen, { error: 'no such module', getters: ['function', 'function', 'function'] });
});
