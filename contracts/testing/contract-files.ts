/**
 * Where the contract's files are (openapi.yaml, negative-vectors.json, ...):
 * contracts/, seen from dist/contracts/testing/ when compiled, or from
 * contracts/testing/ when a TypeScript loader runs the source (Playwright does).
 */
import { existsSync } from 'node:fs';

export function contractsFile(name: string): URL {
  const fromDist = new URL(`../../../contracts/${name}`, import.meta.url);
  return existsSync(fromDist) ? fromDist : new URL(`../${name}`, import.meta.url);
}
