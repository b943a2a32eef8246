import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { crossSiteProblem, isJsonBody } from './cross-site-guard.js';

const request = (headers: Record<string, string | string[]>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('crossSiteProblem', () => {
  const cases: [string, string, Record<string, string | string[]>, boolean][] = [
    ['no browser headers', 'POST', { host: 'localhost:8081' }, false],
    ['same-origin', 'POST', { host: 'localhost:8081', origin: 'http://localhost:8081', 'sec-fetch-site': 'same-origin' }, false],
    ['Origin differing only in case', 'POST', { host: 'LOCALHOST:8081', origin: 'http://localhost:8081' }, false],
    ['none', 'DELETE', { host: 'localhost:8081', 'sec-fetch-site': 'none' }, false],
    ['cross-site', 'POST', { host: 'localhost:8081', 'sec-fetch-site': 'cross-site' }, true],
    ['same-site in capitals', 'GET', { host: 'localhost:8081', 'sec-fetch-site': 'SAME-SITE' }, true],
    ['a repeated Sec-Fetch-Site', 'GET', { host: 'localhost:8081', 'sec-fetch-site': ['same-origin', 'cross-site'] }, true],
    ['a cross-site navigation to a document', 'HEAD', { host: 'h', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, false],
    ['a cross-site navigation with POST', 'POST', { host: 'h', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, true],
    ['Origin without Host', 'POST', { origin: 'http://localhost:8081' }, true],
    ['Origin null', 'GET', { host: 'h', origin: 'null' }, true],
  ];
  for (const [what, method, headers, refused] of cases) {
    it(`${refused ? 'refuses' : 'passes'} ${what}`, () => {
      assert.equal(crossSiteProblem(request(headers), method) !== undefined, refused);
    });
  }
});

describe('isJsonBody', () => {
  for (const [type, json] of [
    [undefined, false],
    ['application/json', true],
    [' application/JSON ; charset=utf-8', true],
    ['text/plain', false],
    ['application/json-patch+json', false],
  ] as const) {
    it(`${json ? 'accepts' : 'refuses'} ${type ?? 'no Content-Type'}`, () => {
      assert.equal(isJsonBody(request(type === undefined ? {} : { 'content-type': type })), json);
    });
  }
});
