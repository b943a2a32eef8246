/**
 * One load run, by either generator. wrk (C, one epoll thread) is the bench's load
 * generator since issue 11: on a 2-core machine autocannon, a Node process, cannot
 * saturate the reference proxy and so understated the gap. autocannon stays as a
 * cross-check (`--cross-check`), pinned the same way.
 */
import { runAutocannon } from './autocannon.js';
import { runWrk } from './wrk.js';
import type { LoadResult, LoadSpec } from './load-spec.js';

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return spec.generator === 'wrk' ? runWrk(spec) : runAutocannon(spec);
}
