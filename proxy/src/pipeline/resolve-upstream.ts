/**
 * The request pass that decides where a request goes (resolve-target.ts holds the rules):
 * reverse or forward mode and the exact request-target, or the error that refuses it.
 */
import type { HostPattern } from '../http/host-patterns.js';
import type { UpstreamTarget } from '../config/config.js';
import type { RequestPass } from './exchange.js';
import { refuse } from './outcome.js';
import type { ListenerIdentity } from './resolve-target.js';
import { resolveTarget, reverseTarget } from './resolve-target.js';

export interface ResolveUpstreamOptions {
  /** UPSTREAM_URL: reverse mode's target and path prefix. */
  readonly upstream: UpstreamTarget;
  /** PROXY_ALLOWED_HOSTS: forward mode's targets. */
  readonly allowedHosts: readonly HostPattern[];
}

/**
 * Request pass: reverse or forward target and the exact request-target to send, or 400/403/508.
 * `listener` is where the server listens (for loop detection); undefined before listen.
 */
export function createResolveUpstream(
  options: ResolveUpstreamOptions,
  listener: () => ListenerIdentity | undefined,
): RequestPass {
  const { allowedHosts } = options;
  const reverse = reverseTarget(options.upstream);
  const pathPrefix = options.upstream.pathPrefix;
  return (exchange) => {
    const { req } = exchange;
    const resolution = resolveTarget(req.url as string, req.method as string, reverse, pathPrefix, allowedHosts, listener());
    if ('error' in resolution) return refuse(exchange, resolution.error);
    exchange.resolved = resolution;
    return false;
  };
}
