/**
 * TLS on the proxy's own port (issue #24): TLS_CERT_FILE + TLS_KEY_FILE make the
 * proxy serve HTTPS, TLS_CLIENT_CA_FILE makes it ask for a client certificate.
 * This file parses the variables and reads and checks the PEM files, at start
 * (synchronously, each problem naming its variable) and on SIGHUP (off the event
 * loop, server/tls-reload.ts). The files are read like the key file
 * (contracts/src/jwk-set-file.ts): regular files only, never a FIFO waited on, at
 * most MAX_TLS_FILE_BYTES. A problem never quotes a file's content.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readKeyFileText, readKeyFileTextSync } from '../../../contracts/src/jwk-set-file.js';
import type { KeyFileText } from '../../../contracts/src/jwk-set-file.js';
import type { EnvReader } from '../../../contracts/src/index.js';

/** The shared interface with the authentication half (issue #24): file paths only. */
export interface TlsSetting {
  readonly certFile: string;
  readonly keyFile: string;
  /** Set: the server requests (never requires) a client certificate verified against these CAs. */
  readonly clientCaFile?: string;
}

/** What tls.createSecureContext takes: the PEM texts as read and checked. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
}

export interface TlsProblem {
  readonly variable: 'TLS_CERT_FILE' | 'TLS_KEY_FILE' | 'TLS_CLIENT_CA_FILE';
  readonly constraint: string;
}

export type TlsLoad = { readonly material: TlsMaterial } | { readonly problems: readonly TlsProblem[] };

/**
 * Largest certificate, key or CA file read: 1 MiB. Mozilla's whole root bundle is
 * about 220 KB; the cap bounds what one start or one SIGHUP may allocate.
 */
export const MAX_TLS_FILE_BYTES = 1_048_576;

/** TLS 1.2 at least (issue #24); HTTP/1.1 is the only protocol the proxy speaks (ALPN, RFC 7301). */
export const TLS_MIN_VERSION = 'TLSv1.2';
export const TLS_ALPN_PROTOCOLS: readonly string[] = Object.freeze(['http/1.1']);

const CERT_BEGIN = /-----BEGIN CERTIFICATE-----/;
const KEY_BEGIN = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/** TLS_CERT_FILE and TLS_KEY_FILE both or neither; TLS_CLIENT_CA_FILE only with them. */
export function readTlsSetting(reader: EnvReader): TlsSetting | undefined {
  const certFile = reader.raw('TLS_CERT_FILE')?.trim();
  const keyFile = reader.raw('TLS_KEY_FILE')?.trim();
  const clientCaFile = reader.raw('TLS_CLIENT_CA_FILE')?.trim();
  if (certFile === undefined || keyFile === undefined) {
    if (certFile !== undefined) reader.problem('TLS_KEY_FILE', 'must be set with TLS_CERT_FILE (the certificate\'s private key, PEM)', '/etc/jwt-proxy/tls/key.pem');
    if (keyFile !== undefined) reader.problem('TLS_CERT_FILE', 'must be set with TLS_KEY_FILE (the server certificate, PEM, chain allowed)', '/etc/jwt-proxy/tls/cert.pem');
    if (clientCaFile !== undefined) reader.problem('TLS_CLIENT_CA_FILE', 'needs TLS_CERT_FILE and TLS_KEY_FILE: client certificates are asked for over TLS only', '/etc/jwt-proxy/tls/clients-ca.pem');
    return undefined;
  }
  return Object.freeze(clientCaFile === undefined ? { certFile, keyFile } : { certFile, keyFile, clientCaFile });
}

/** Reads and checks the three files at start; every problem names its variable. */
export function loadTlsMaterialSync(setting: TlsSetting): TlsLoad {
  const read = (path: string): KeyFileText => readKeyFileTextSync(path, MAX_TLS_FILE_BYTES);
  return checkTlsTexts(setting, read(setting.certFile), read(setting.keyFile), setting.clientCaFile === undefined ? undefined : read(setting.clientCaFile));
}

/** The same on SIGHUP, on the libuv pool so the proxy keeps answering while it reads. */
export async function loadTlsMaterial(setting: TlsSetting): Promise<TlsLoad> {
  const read = (path: string): Promise<KeyFileText> => readKeyFileText(path, MAX_TLS_FILE_BYTES);
  const [cert, key, ca] = await Promise.all([
    read(setting.certFile),
    read(setting.keyFile),
    setting.clientCaFile === undefined ? undefined : read(setting.clientCaFile),
  ]);
  return checkTlsTexts(setting, cert, key, ca);
}

/** One line for a log or an error: `TLS_KEY_FILE: …; TLS_CERT_FILE: …`. */
export function describeTlsProblems(problems: readonly TlsProblem[]): string {
  return problems.map((p) => `${p.variable}: ${p.constraint}`).join('; ');
}

function parseCertificate(path: string, text: string): X509Certificate | string {
  if (!CERT_BEGIN.test(text)) return `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
  try {
    // The first certificate is the server's; the rest is its chain.
    return new X509Certificate(text);
  } catch {
    return `${path} holds no readable PEM certificate`;
  }
}

function parseKey(path: string, text: string): KeyObject | string {
  if (!KEY_BEGIN.test(text)) return `${path} holds no PEM private key (-----BEGIN PRIVATE KEY-----)`;
  try {
    return createPrivateKey(text);
  } catch {
    // Most often an encrypted key: the proxy has no passphrase to give (it would sit beside the key anyway).
    return `${path} holds no readable unencrypted PEM private key`;
  }
}

const PEM_CERTIFICATES = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate of the bundle must parse: OpenSSL skips a bad one silently and trusts the rest. */
function checkCa(path: string, text: string): string | undefined {
  const blocks = text.match(PEM_CERTIFICATES);
  if (blocks === null) return `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
  try {
    for (const block of blocks) new X509Certificate(block);
    return undefined;
  } catch {
    return `${path} is not a readable PEM bundle of CA certificates`;
  }
}

function checkTlsTexts(setting: TlsSetting, cert: KeyFileText, key: KeyFileText, ca: KeyFileText | undefined): TlsLoad {
  const problems: TlsProblem[] = [];
  const certificate = 'problem' in cert ? cert.problem : parseCertificate(setting.certFile, cert.text);
  if (typeof certificate === 'string') problems.push({ variable: 'TLS_CERT_FILE', constraint: certificate });
  const privateKey = 'problem' in key ? key.problem : parseKey(setting.keyFile, key.text);
  if (typeof privateKey === 'string') problems.push({ variable: 'TLS_KEY_FILE', constraint: privateKey });
  if (typeof certificate !== 'string' && typeof privateKey !== 'string' && !certificate.checkPrivateKey(privateKey)) {
    problems.push({ variable: 'TLS_KEY_FILE', constraint: `${setting.keyFile} is not the private key of the certificate in TLS_CERT_FILE (${setting.certFile})` });
  }
  const caProblem = ca === undefined ? undefined : 'problem' in ca ? ca.problem : checkCa(setting.clientCaFile as string, ca.text);
  if (caProblem !== undefined) problems.push({ variable: 'TLS_CLIENT_CA_FILE', constraint: caProblem });
  if (problems.length > 0 || 'problem' in cert || 'problem' in key) return { problems };
  const material = ca === undefined || 'problem' in ca ? { cert: cert.text, key: key.text } : { cert: cert.text, key: key.text, ca: ca.text };
  return { material: Object.freeze(material) };
}

/**
 * TLS_CLIENT_CA_FILE without `mtls` in PROXY_AUTH (issue #24): accepted, since a CA
 * can be rolled out before the method is switched on, but warned about at start:
 * the certificates asked for name no one. Reads PROXY_AUTH's raw list only; its
 * parsing and checks are auth-config.ts's.
 */
export function clientCaUnused(reader: EnvReader, setting: TlsSetting | undefined): boolean {
  if (setting?.clientCaFile === undefined) return false;
  const methods = (reader.raw('PROXY_AUTH') ?? '').split(',').map((method) => method.trim().toLowerCase());
  return !methods.includes('mtls');
}
