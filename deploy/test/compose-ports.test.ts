/**
 * The compose stacks are a developer's tools: the mock keeps a journal of signed tokens and a
 * control API, so no published port may listen on every interface by default (docs/security.md,
 * "Scripts and the local stack"). BIND_ADDRESS=0.0.0.0 opts in, on purpose.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const COMPOSE = fileURLToPath(new URL('../../../docker-compose.yml', import.meta.url));

interface ComposeFile {
  readonly services: Readonly<Record<string, { readonly ports?: readonly string[] }>>;
}

test('every port docker-compose.yml publishes binds loopback unless BIND_ADDRESS says otherwise', () => {
  const compose = parse(readFileSync(COMPOSE, 'utf8')) as ComposeFile;
  const published = Object.entries(compose.services).flatMap(([name, service]) => (service.ports ?? []).map((port) => [name, port] as const));
  assert.ok(published.length >= 10, `expected the stack's published ports, found ${published.length}`);
  for (const [name, port] of published) {
    assert.match(port, /^(127\.0\.0\.1|\$\{BIND_ADDRESS:-127\.0\.0\.1\}):/, `${name} publishes ${port} on every interface`);
  }
});
