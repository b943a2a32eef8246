/** The inspection page's static files, read once at start and served with a strict CSP. */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { sendError } from '../http/errors.js';

export interface Asset {
  readonly type: string;
  readonly content: Buffer;
}

export const ASSET_TYPES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/**
 * Reads the page's files once. They live in mock-upstream/web (no build step);
 * from dist/mock-upstream/src/web that is ../../../../mock-upstream/web, or ../../web
 * when an image copies them next to the build.
 */
export function loadAssets(webDir: URL | undefined, warn: (details: object, message: string) => void): Map<string, Asset> {
  const candidates = webDir
    ? [webDir]
    : [new URL('../../web/', import.meta.url), new URL('../../../../mock-upstream/web/', import.meta.url)];
  for (const dir of candidates) {
    try {
      const assets = new Map<string, Asset>();
      for (const [name, type] of Object.entries(ASSET_TYPES)) {
        assets.set(name, { type, content: readFileSync(new URL(name, dir)) });
      }
      return assets;
    } catch {
      // try the next candidate
    }
  }
  warn({ candidates: candidates.map(String) }, 'inspection page files not found; GET /__mock/ answers 503');
  return new Map();
}

export function serveAsset(res: ServerResponse, assets: ReadonlyMap<string, Asset>, name: string): void {
  const asset = assets.get(name);
  if (asset === undefined) {
    sendError(res, 'PAGE_UNAVAILABLE');
    return;
  }
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': asset.content.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    // The page loads only its own files; the favicon is a data: URI.
    'content-security-policy': "default-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  });
  res.end(asset.content);
}
