/** The usual set-up: a recording upstream and a proxy in front of it, both closed after the test. */
import { startProxy, type ProxyOptions, type RunningProxy } from './proxy.js';
import { startUpstream, type RecordingUpstream, type UpstreamHandler } from './upstreams.js';

export interface Rig {
  readonly proxy: RunningProxy;
  readonly upstream: RecordingUpstream;
}

/** A recording upstream and a proxy in front of it (reverse mode), both closed after the test. */
export async function startRig(
  t: { after: (fn: () => Promise<void>) => void },
  options: { readonly handler?: UpstreamHandler; readonly env?: Readonly<Record<string, string>>; readonly proxy?: ProxyOptions } = {},
): Promise<Rig> {
  const upstream = await startUpstream(options.handler);
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({ UPSTREAM_URL: upstream.origin, ...options.env }, options.proxy);
  } catch (error) {
    await upstream.close();
    throw error;
  }
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  return { proxy, upstream };
}
