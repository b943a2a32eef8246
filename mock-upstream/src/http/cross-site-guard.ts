/**
 * The /__mock API answers its own origin only (issue #21, item 1). A web page on another origin
 * (`http://127.0.0.2:9999`, or any dev server on `localhost:3000`, which is *same-site* with
 * `localhost:8081`) could otherwise POST a stub as a `no-cors` "simple" request (`text/plain`
 * body) and plant a page on the mock's own origin that reads the journal and its signed tokens.
 *
 * What is refused (403 CROSS_SITE_REFUSED), using the browser's own word on where a request
 * came from (Fetch Metadata, https://www.w3.org/TR/fetch-metadata/; Origin, RFC 6454 §7):
 *   - `Sec-Fetch-Site: cross-site` or `same-site` (or repeated, or unknown), except a plain top-level navigation (GET or
 *     HEAD, `Sec-Fetch-Mode: navigate`, `Sec-Fetch-Dest: document`): following a link to the page
 *     is harmless, the page it opens is the mock's own and nothing reads it but the person;
 *   - an `Origin` that is not `http://<Host>` (including `null`: sandboxed documents, such as a
 *     stub's answer), on any method.
 * What passes: `Sec-Fetch-Site: same-origin` or `none` (typed URL, bookmark), and clients that
 * send neither header (curl, suites, the proxy): no browser leaves both out of a cross-origin
 * POST, since Origin is sent on every POST. A body must be `application/json` (isJsonBody), which
 * a cross-origin page can only send after a CORS preflight that the mock never grants (it sends
 * no Access-Control-* header anywhere).
 */
import type { IncomingMessage } from 'node:http';

/** Any other value (cross-site, same-site, repeated or unknown) is refused. */
const ALLOWED_SITES = new Set(['same-origin', 'none']);

/** Why the request is refused, or undefined when it comes from the mock's own origin or no browser. */
export function crossSiteProblem(req: IncomingMessage, method: string): string | undefined {
  const site = single(req.headers['sec-fetch-site']);
  if (site !== undefined && !ALLOWED_SITES.has(site.trim().toLowerCase()) && !isNavigation(req, method)) {
    return `Sec-Fetch-Site: ${site} is refused: the /__mock API answers pages of its own origin only`;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, req.headers.host)) {
    return `Origin ${JSON.stringify(origin)} is not this mock's origin (http://${req.headers.host ?? ''})`;
  }
  return undefined;
}

/** True when the body's media type is application/json (parameters such as charset allowed; RFC 9110 §8.3.1). */
export function isJsonBody(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && type.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

function isNavigation(req: IncomingMessage, method: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  return single(req.headers['sec-fetch-mode'])?.toLowerCase() === 'navigate' && single(req.headers['sec-fetch-dest'])?.toLowerCase() === 'document';
}

/** Origin is `scheme://host[:port]`; the mock serves plain HTTP, so its origin is `http://` + Host. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  return origin.trim().toLowerCase() === `http://${host.trim().toLowerCase()}`;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
