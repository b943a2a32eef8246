/** Reading what arrived: body bytes as streamed, headers from rawHeaders in order. */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { BodyRecord } from './journal.js';

/** Streams the body: hashes every byte, keeps bytes only while the total fits the limit. */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyRecord> {
  const hash = createHash('sha256');
  let kept: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    hash.update(chunk);
    if (bytes <= limit) kept.push(chunk);
    else kept = [];
  }
  return describeBody(bytes, hash.digest('hex'), bytes <= limit ? Buffer.concat(kept) : undefined);
}

/** Reads a small body whole (a stub definition); undefined when it is over `limit`. */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= limit) chunks.push(chunk);
  }
  return bytes <= limit ? Buffer.concat(chunks) : undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body record: text when the kept bytes are UTF-8, base64 otherwise, neither when truncated. */
export function describeBody(bytes: number, sha256: string, content: Buffer | undefined): BodyRecord {
  if (content === undefined) return { bytes, sha256, truncated: true };
  try {
    return { bytes, sha256, text: UTF8.decode(content), truncated: false };
  } catch {
    return { bytes, sha256, base64: content.toString('base64'), truncated: false };
  }
}

/** The recorded body's bytes, when they were kept. */
export function bodyBytes(body: BodyRecord): Buffer | undefined {
  if (body.text !== undefined) return Buffer.from(body.text, 'utf8');
  if (body.base64 !== undefined) return Buffer.from(body.base64, 'base64');
  return undefined;
}

/** Lower-case name -> value, or every value in arrival order when a name was repeated. */
export function collectHeaders(rawHeaders: readonly string[]): Record<string, string | string[]> {
  const grouped = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = rawHeaders[i + 1] as string;
    const values = grouped.get(name);
    if (values === undefined) grouped.set(name, [value]);
    else values.push(value);
  }
  return Object.fromEntries([...grouped].map(([name, values]) => [name, values.length === 1 ? (values[0] as string) : values]));
}

/** Every value of a header (lower-case name), in arrival order. */
export function valuesOf(rawHeaders: readonly string[], lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === lowerName) values.push(rawHeaders[i + 1] as string);
  }
  return values;
}
