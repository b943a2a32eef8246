/** A bounded node:http client for requests the proxy must accept as they are (fresh connection each time). */
import http from 'node:http';
import { EXCHANGE_TIMEOUT_MS, LOOPBACK } from '../../../contracts/testing/raw-http.js';
import { within } from '../../../contracts/testing/wait.js';

export interface SimpleResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly text: string;
  json<T = unknown>(): T;
}

export interface SimpleRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  readonly timeoutMs?: number;
}

/** One request with a fresh connection (no agent reuse between tests), bounded in time. */
export async function request(port: number, options: SimpleRequest = {}, host = LOOPBACK): Promise<SimpleResponse> {
  const response = new Promise<SimpleResponse>((resolve, reject) => {
    const req = http.request(
      { host, port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
  return within(response, options.timeoutMs ?? EXCHANGE_TIMEOUT_MS, `${options.method ?? 'GET'} ${options.path ?? '/'}`);
}
