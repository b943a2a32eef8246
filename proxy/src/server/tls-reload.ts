/**
 * What a SIGHUP does to TLS (issue #24): re-read TLS_CERT_FILE, TLS_KEY_FILE and
 * TLS_CLIENT_CA_FILE off the event loop and hand them to server.setSecureContext.
 * Node builds one secure context per call and gives it to each handshake that starts
 * afterwards, so new connections get the new certificate and open ones keep theirs.
 * A file that is missing, not PEM, or a key that is not the certificate's keeps the old
 * context and logs one error line with the reason (never a file's content).
 */
import { X509Certificate } from 'node:crypto';
import type http from 'node:http';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { describeTlsProblems, loadTlsMaterial } from '../config/tls-config.js';
import type { TlsSetting } from '../config/tls-config.js';

export type TlsReloadOutcome =
  | { readonly result: 'reloaded'; readonly fingerprint256: string; readonly validTo: string }
  | { readonly result: 'failed'; readonly reason: string }
  | { readonly result: 'no-tls' };

/** Resolves once the files are read and the outcome logged; never rejects. */
export type TlsReloader = () => Promise<TlsReloadOutcome>;

export function createTlsReloader(server: http.Server, setting: TlsSetting | undefined, logger: Logger): TlsReloader {
  return async () => {
    if (setting === undefined || !(server instanceof tls.Server)) return { result: 'no-tls' };
    const loaded = await loadTlsMaterial(setting);
    if ('problems' in loaded) return failed(logger, describeTlsProblems(loaded.problems));
    const { cert, key, ca } = loaded.material;
    try {
      server.setSecureContext(ca === undefined ? { cert, key } : { cert, key, ca });
    } catch (error) {
      /* c8 ignore next */ return failed(logger, error instanceof Error ? error.message : String(error));
    }
    const certificate = new X509Certificate(cert);
    logger.info({ msg: 'tls reloaded', fingerprint256: certificate.fingerprint256, validTo: certificate.validTo });
    return { result: 'reloaded', fingerprint256: certificate.fingerprint256, validTo: certificate.validTo };
  };
}

function failed(logger: Logger, reason: string): TlsReloadOutcome {
  logger.error({ msg: 'tls reload failed, keeping the old certificate', reason });
  return { result: 'failed', reason };
}
