/**
 * Certificates for tests, suites, e2e and the bench (issue #24), made with the
 * `openssl` CLI into a fresh temporary folder: a CA, server certificates for
 * 127.0.0.1/localhost signed by it and client certificates with a given CN. P-256
 * keys (fast to make), valid for a day. Never committed, never for real use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate's PEM text. */
  readonly cert: string;
  /** The private key's PEM text. */
  readonly key: string;
}

export interface TlsFixtures {
  readonly dir: string;
  /** The CA that signs every certificate made here. */
  readonly ca: CertificateFiles;
  /** A server certificate for 127.0.0.1, ::1 and localhost (each call a new key pair); `name` names its files. */
  server(name?: string): CertificateFiles;
  /** A client certificate (clientAuth) whose subject CN is `cn`. */
  client(cn: string, name?: string): CertificateFiles;
}

function openssl(args: readonly string[], cwd: string): void {
  const run = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${run.error?.message ?? run.stderr}`);
}

function filesOf(dir: string, name: string): CertificateFiles {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'];

/** A subject component for -subj: `/` and `\` escaped, as openssl's parser wants. */
const subjectValue = (value: string): string => value.replace(/[\\/]/g, '\\$&');

export function createTlsFixtures(dir: string = mkdtempSync(join(tmpdir(), 'jwt-tls-'))): TlsFixtures {
  openssl(
    ['req', '-x509', ...NEW_KEY, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-subj', '/CN=jwt-proxy test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  const ca = filesOf(dir, 'ca');
  let serial = 0;
  // OpenSSL 3's `req -x509 -CA` signs the new certificate with the CA in one step.
  const issue = (name: string, subject: string, extensions: readonly string[]): CertificateFiles => {
    openssl(
      ['req', '-x509', ...NEW_KEY, '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-subj', subject,
        '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-set_serial', String(1000 + ++serial),
        '-addext', 'basicConstraints=critical,CA:FALSE', ...extensions.flatMap((e) => ['-addext', e])],
      dir,
    );
    return filesOf(dir, name);
  };
  return {
    dir,
    ca,
    server: (name = `server-${serial + 1}`) =>
      issue(name, '/CN=localhost', ['subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost', 'extendedKeyUsage=serverAuth']),
    client: (cn, name = `client-${serial + 1}`) => issue(name, `/CN=${subjectValue(cn)}`, ['extendedKeyUsage=clientAuth']),
  };
}

/** Writes `text` to `name` in the fixtures' folder (a broken or swapped file for a reload test). */
export function writeFixtureFile(fixtures: TlsFixtures, name: string, text: string): string {
  const path = join(fixtures.dir, name);
  writeFileSync(path, text);
  return path;
}
