import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchProxyEnv, parseBuildSpec, parseProxyLaunch, readProxyLaunch, splitNodeFlags } from './proxy-launch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('parseProxyLaunch takes the final stage CMD flags and ENV lines, not the build stage ones', () => {
  const dockerfile = [
    'FROM node:24 AS build',
    'ENV BUILD_ONLY=1',
    'CMD ["node", "--inspect", "x.js"]',
    'FROM node:24-slim',
    'ENV NODE_ENV=production',
    'ENV HTTP_PORT=8080',
    'CMD ["node", "--max-semi-space-size=4", "dist/proxy/src/main.js"]',
    '',
  ].join('\n');
  assert.deepEqual(parseProxyLaunch(dockerfile), { nodeFlags: ['--max-semi-space-size=4'], env: { NODE_ENV: 'production', HTTP_PORT: '8080' } });
});

test('parseProxyLaunch throws given a Dockerfile without an exec-form node CMD', () => {
  assert.throws(() => parseProxyLaunch('FROM x\nCMD node main.js\n'), /no exec-form CMD/);
  assert.throws(() => parseProxyLaunch('FROM x\nCMD ["sh", "-c", "run"]\n'), /does not run node/);
});

test('the real Dockerfile.proxy runs node on the proxy with NODE_ENV=production', () => {
  const launch = readProxyLaunch(path.join(ROOT, 'Dockerfile.proxy'));
  assert.equal(launch.env['NODE_ENV'], 'production');
  assert.ok(launch.nodeFlags.every((flag) => flag.startsWith('--')));
});

// --heap-growing-percent and --no-maglev are V8 flags, not ones Node documents: a Node upgrade whose V8
// drops one would stop the container at start ("bad option"). This fails first (issue 11: pin what
// leans on an internal).
test('this node accepts every flag of the image CMD, without a warning', () => {
  const { nodeFlags } = readProxyLaunch(path.join(ROOT, 'Dockerfile.proxy'));
  assert.ok(nodeFlags.includes('--heap-growing-percent=20'), `flags: ${nodeFlags.join(' ')}`);
  assert.ok(nodeFlags.includes('--no-maglev'), `flags: ${nodeFlags.join(' ')}`);
  const run = spawnSync(process.execPath, [...nodeFlags, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'ok');
  assert.equal(run.stderr, '');
});

test('benchProxyEnv keeps the image NODE_ENV, never its HTTP_PORT, and draws a fresh 512-bit secret each time', () => {
  const launch = { nodeFlags: [], env: { NODE_ENV: 'production', HTTP_PORT: '8080' } };
  const first = benchProxyEnv(launch);
  assert.deepEqual(Object.keys(first).sort(), ['JWT_SECRET', 'NODE_ENV']);
  assert.equal(first.NODE_ENV, 'production');
  assert.match(first.JWT_SECRET, /^[0-9a-f]{128}$/);
  assert.notEqual(benchProxyEnv(launch).JWT_SECRET, first.JWT_SECRET);
  assert.equal(benchProxyEnv({ nodeFlags: [], env: {} }).NODE_ENV, 'production');
});

test('splitNodeFlags reads flags written as one string; an empty string is no flags', () => {
  assert.deepEqual(splitNodeFlags('--max-semi-space-size=16  --heap-growing-percent=20 '), ['--max-semi-space-size=16', '--heap-growing-percent=20']);
  assert.deepEqual(splitNodeFlags(''), []);
});

test('parseBuildSpec reads leading NAME=value words as the build\'s environment, then main.js and its flags', () => {
  assert.deepEqual(parseBuildSpec('dist/proxy/src/main.js', ['--a']), { env: {}, main: 'dist/proxy/src/main.js', nodeFlags: ['--a'] });
  assert.deepEqual(parseBuildSpec('PROXY_AUTH=basic PROXY_USERS_FILE=/tmp/u main.js|--b --c', ['--a']), {
    env: { PROXY_AUTH: 'basic', PROXY_USERS_FILE: '/tmp/u' },
    main: 'main.js',
    nodeFlags: ['--b', '--c'],
  });
  // A lone word is the entry even when it looks like an assignment.
  assert.deepEqual(parseBuildSpec('X=1', []), { env: {}, main: 'X=1', nodeFlags: [] });
});
