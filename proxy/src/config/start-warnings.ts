/**
 * What the proxy warns about once at start (issue #16): settings that are
 * allowed but make the token promise less than an operator may think.
 */
import type { ProxyConfig } from './config.js';

export interface StartWarning {
  readonly code: 'PUBLISHED_SECRET' | 'ANY_FORWARD_HOST' | 'CLIENT_CA_UNUSED';
  readonly msg: string;
}

export function startWarnings(config: ProxyConfig): readonly StartWarning[] {
  const warnings: StartWarning[] = [];
  if (config.publishedKey) {
    warnings.push({
      code: 'PUBLISHED_SECRET',
      msg: 'signing with the published assignment key (JWT_SECRET unset or equal to it): anyone can forge these tokens; set a key of your own on the proxy and its verifier: JWT_SECRET=$(openssl rand -hex 64)',
    });
  }
  if (config.allowAnyHost) {
    warnings.push({
      code: 'ANY_FORWARD_HOST',
      msg: 'PROXY_ALLOWED_HOSTS admits any host: any client can get a signed request sent to any host and port',
    });
  }
  if (config.clientCaUnused) {
    warnings.push({
      code: 'CLIENT_CA_UNUSED',
      msg: 'TLS_CLIENT_CA_FILE is set but PROXY_AUTH does not include mtls: client certificates are asked for and verified, but name no one and admit nothing (issue #24)',
    });
  }
  return warnings;
}
