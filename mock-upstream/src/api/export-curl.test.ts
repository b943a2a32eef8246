import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shellQuote } from './export-curl.js';

describe('shellQuote (issue #21, item 2: no control byte reaches the terminal)', () => {
  const cases: [string, string, 'utf8' | 'latin1', string][] = [
    ['plain text in single quotes', "it's! ok", 'utf8', "'it'\\''s! ok'"],
    ['Ctrl-C, newline, tab, ESC and ! in $\'…\'', 'a\x03b\nc\td\x1b[201~!', 'utf8', "$'a\\x03b\\nc\\td\\x1b[201~\\x21'"],
    ['a quote and a backslash inside $\'…\'', "\r'\\", 'utf8', "$'\\r\\'\\\\'"],
    ['DEL', '\x7f', 'utf8', "$'\\x7f'"],
    ['a C1 control in text as its UTF-8 bytes', 'x\u009by', 'utf8', "$'x\\xc2\\x9by'"],
    ['other non-ASCII text as is', 'é😀', 'utf8', "'é😀'"],
    ['a byte from U+0080 in latin1 as that one byte', 'caf\u00e9', 'latin1', "$'caf\\xe9'"],
  ];
  for (const [what, value, form, quoted] of cases) {
    it(`writes ${what}`, () => {
      assert.equal(shellQuote(value, form), quoted);
    });
  }
});
