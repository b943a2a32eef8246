import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_HEADER_LINES, PARSER_HEADER_LINES, tooManyHeaderLines } from './header-count.js';

function raw(lines: number): string[] {
  return Array.from({ length: lines }, (_, i) => [`x-h${i}`, 'v']).flat();
}

test('accepts up to 1,000 header lines and refuses the 1,001st', () => {
  assert.equal(MAX_HEADER_LINES, 1000);
  assert.equal(tooManyHeaderLines(raw(1000)), false);
  assert.equal(tooManyHeaderLines(raw(1001)), true);
});

test('the parser keeps one line more than accepted, so a runtime that truncates still shows too many', () => {
  // Node 20 truncated at maxHeadersCount and still framed by a later line (issue #16).
  assert.equal(PARSER_HEADER_LINES, MAX_HEADER_LINES + 1);
  assert.equal(tooManyHeaderLines(raw(PARSER_HEADER_LINES)), true);
});
