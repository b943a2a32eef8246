import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transferCodingVerdict } from './transfer-coding.js';
import type { TransferCodingVerdict } from './transfer-coding.js';

const TABLE: ReadonlyArray<[string | undefined, number, TransferCodingVerdict]> = [
  [undefined, 1, { framing: 'none' }],
  ['chunked', 1, { framing: 'chunked' }],
  ['Chunked', 1, { framing: 'chunked' }],
  [' , chunked', 1, { framing: 'chunked' }],
  ['gzip, chunked', 1, { refuse: 'TRANSFER_CODING_NOT_IMPLEMENTED' }],
  ['deflate,chunked', 1, { refuse: 'TRANSFER_CODING_NOT_IMPLEMENTED' }],
  ['identity, chunked', 1, { refuse: 'TRANSFER_CODING_NOT_IMPLEMENTED' }],
  ['x-custom;p=1, chunked', 1, { refuse: 'TRANSFER_CODING_NOT_IMPLEMENTED' }],
  ['chunked, chunked', 1, { refuse: 'BAD_REQUEST' }],
  ['chunked, gzip', 1, { refuse: 'BAD_REQUEST' }],
  ['gzip', 1, { refuse: 'BAD_REQUEST' }],
  ['', 1, { refuse: 'BAD_REQUEST' }],
  ['g@zip, chunked', 1, { refuse: 'BAD_REQUEST' }],
  ['chunked', 0, { refuse: 'BAD_FRAMING' }],
  ['gzip, chunked', 0, { refuse: 'BAD_FRAMING' }],
];

for (const [value, minor, verdict] of TABLE) {
  test(`Transfer-Encoding ${JSON.stringify(value)} on HTTP/1.${minor} gives ${JSON.stringify(verdict)}`, () => {
    assert.deepEqual(transferCodingVerdict(value, minor), verdict);
  });
}
