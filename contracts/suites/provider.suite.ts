/**
 * Provider suite (issue #4): the proxy keeps its promises. Each case is one
 * request sent through the proxy and the expectations on what the mock
 * upstream recorded. Runs against PROXY_URL / MOCK_URL (and PROXY_PUT_URL,
 * a proxy with JWT_METHODS=POST,PUT), or starts them natively when unset.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { checkClaims } from '../src/token-claims.js';
import { JWT_PROTECTED_HEADER } from '../src/token-contract.js';
import { base64url, craftToken, decodeToken, hasValidHs512Signature } from '../testing/craft-token.js';
import { buildClaims } from '../src/token-contract.js';
import { describeRequest, requestBodyBytes, sendRaw, sha256Hex, type HeaderLine, type RawRequest, type RawResponse } from '../testing/raw-http.js';
import { CASE_ID_HEADER, describeEntry, findRecorded, headerValues, type MockEntry } from './mock-journal.js';
import { startStack, type Stack } from './stack.js';
import { casingsOf, readSuiteTokenConfig } from './suite-config.js';

const tokenConfig = readSuiteTokenConfig();
const TOKEN = tokenConfig.header;
/** Seconds of slack between the suite's clock and the proxy's when checking `iat`. */
const CLOCK_TOLERANCE_S = 5;
const EXPECTED_HEADER_SEGMENT = base64url(JSON.stringify(JWT_PROTECTED_HEADER));

let stack: Stack;
before(async () => {
  stack = await startStack({ proxy: true, putProxy: true });
});
after(async () => {
  await stack?.stop();
});

// ---------------------------------------------------------------------------
// Expectations: each names what the contract requires and, given what the
// mock recorded, says how it differs (undefined when it holds).

interface Sent {
  readonly request: RawRequest;
  readonly startedMs: number;
  readonly endedMs: number;
}

interface Check {
  readonly expectation: string;
  mismatch(entry: MockEntry, sent: Sent): string | undefined;
}

/** Every jti the mock recorded on a signed case, to check uniqueness at the end. */
const recordedJtis: { jti: string; title: string }[] = [];

const check = (expectation: string, mismatch: Check['mismatch']): Check => ({ expectation, mismatch });
const show = (value: unknown): string => JSON.stringify(value);

const methodIs = (method: string): Check =>
  check(`method ${method}`, (e) => (e.method === method ? undefined : `recorded method ${show(e.method)}`));

/** The request-target the upstream received, byte for byte (origin-form). */
const targetIs = (target: string): Check =>
  check(`request-target ${show(target.length > 200 ? `${target.slice(0, 200)}…(${target.length} chars)` : target)} byte for byte`, (e) => {
    if (e.url === target) return undefined;
    let at = 0;
    while (at < target.length && target[at] === e.url[at]) at += 1;
    return `recorded url ${show(e.url.length > 300 ? `${e.url.slice(0, 300)}…` : e.url)} (${e.url.length} chars; first difference at index ${at}: expected ${show(target.slice(at, at + 20))}, got ${show(e.url.slice(at, at + 20))})`;
  });

const pathAndQueryAre = (path: string, query: string): Check =>
  check(`path ${show(path.length > 120 ? `${path.slice(0, 120)}…` : path)} and query ${show(query)}`, (e) =>
    e.path === path && e.query === query ? undefined : `recorded path ${show(e.path.slice(0, 300))}, query ${show(e.query)}`,
  );

const bodyIs = (bytes: Buffer): Check =>
  check(`body of ${bytes.length} bytes with sha256 ${sha256Hex(bytes)}`, (e) =>
    e.body.bytes === bytes.length && e.body.sha256 === sha256Hex(bytes)
      ? undefined
      : `recorded ${e.body.bytes} bytes with sha256 ${e.body.sha256}`,
  );

const headerAbsent = (name: string): Check =>
  check(`no ${name} header`, (e) => {
    const values = headerValues(e, name);
    return values.length === 0 ? undefined : `recorded ${name}: ${show(values)}`;
  });

/** The header arrives exactly once with this value. */
const headerIs = (name: string, value: string): Check =>
  check(`${name}: ${show(value)} unchanged`, (e) => {
    const values = headerValues(e, name);
    return values.length === 1 && values[0] === value ? undefined : `recorded ${name}: ${show(values)}`;
  });

/**
 * Repeated field lines keep their values and order. RFC 9110 §5.3 lets an
 * intermediary combine them into one comma-separated line, so the values are
 * compared after splitting each recorded line on commas (the suite's values
 * contain none).
 */
const valuesInOrder = (name: string, values: readonly string[]): Check =>
  check(`${name} values ${show(values)} in this order`, (e) => {
    const recorded = headerValues(e, name).flatMap((line) => line.split(',').map((v) => v.trim()));
    return show(recorded) === show(values) ? undefined : `recorded ${name} values ${show(recorded)} (raw lines ${show(headerValues(e, name))})`;
  });

/** No Connection header the upstream received names one of these (they were the client's hop-by-hop names). */
const connectionDoesNotList = (names: readonly string[]): Check =>
  check(`no Connection header listing ${names.join(', ')}`, (e) => {
    const listed = headerValues(e, 'connection').flatMap((v) => v.split(',').map((n) => n.trim().toLowerCase()));
    const leaked = names.filter((n) => listed.includes(n.toLowerCase()));
    return leaked.length === 0 ? undefined : `recorded connection: ${show(headerValues(e, 'connection'))}`;
  });

const unsigned = (): Check =>
  check(`no ${TOKEN} header (the method is not signed) and token.present false`, (e) => {
    const values = headerValues(e, TOKEN);
    if (values.length > 0) return `recorded ${values.length} ${TOKEN} line(s): ${show(values)}`;
    return e.token.present ? `token.present is true (${e.token.code})` : undefined;
  });

/**
 * Exactly one token, the proxy's: valid for the mock (TOKEN_VALID, not a
 * replay), none of the client's forged values, and, checked here
 * independently, HS512 over the configured key with the contract's header
 * bytes and claims, `iat` when the request was sent, `payload.user` as configured.
 */
const signed = (forged: readonly string[] = []): Check =>
  check(`exactly one ${TOKEN} header, the proxy's own valid HS512 token (mock verdict TOKEN_VALID)`, (e, sent) => {
    const values = headerValues(e, TOKEN);
    if (values.length !== 1) return `recorded ${values.length} ${TOKEN} line(s): ${show(values)}`;
    const token = values[0]!;
    if (forged.includes(token)) return `the client's forged value reached the upstream: ${show(token)}`;
    const problems: string[] = [];
    if (!e.token.present || !e.token.valid || e.token.code !== 'TOKEN_VALID') {
      problems.push(`mock verdict ${show({ present: e.token.present, valid: e.token.valid, code: e.token.code, message: e.token.message })}`);
    }
    if (e.replayed) problems.push('mock flagged the token as replayed');
    if (!token.startsWith(`${EXPECTED_HEADER_SEGMENT}.`)) problems.push(`header segment is not base64url(${JSON.stringify(JWT_PROTECTED_HEADER)})`);
    if (!hasValidHs512Signature(token, tokenConfig.key)) problems.push('signature is not HS512 over the configured key');
    const decoded = decodeToken(token);
    if (decoded === undefined) return [...problems, `not a compact JWS: ${show(token)}`].join('; ');
    const claims = checkClaims(decoded.claims);
    if (!claims.ok) problems.push(`claims violate the contract: ${show(claims.violations)}`);
    const keys = Object.keys(decoded.claims as object);
    if (show(keys) !== show(['iat', 'jti', 'payload'])) problems.push(`claims are not exactly iat, jti, payload: ${show(keys)}`);
    if (claims.ok) {
      const { iat, jti, payload } = claims.claims;
      const earliest = Math.floor(sent.startedMs / 1000) - CLOCK_TOLERANCE_S;
      const latest = Math.ceil(sent.endedMs / 1000) + CLOCK_TOLERANCE_S;
      if (iat < earliest || iat > latest) problems.push(`iat ${iat} is outside the request's time [${earliest}, ${latest}]`);
      if (payload.user !== tokenConfig.user) problems.push(`payload.user ${show(payload.user)}, expected ${show(tokenConfig.user)}`);
      recordedJtis.push({ jti, title: e.url });
    }
    return problems.length === 0 ? undefined : `${problems.join('; ')} (token ${token})`;
  });

const hostIs = (host: string): Check => headerIs('host', host);

// ---------------------------------------------------------------------------
// The table.

interface CaseContext {
  /** Unique per case run: also sent as x-case-id. */
  readonly marker: string;
  /** `/ct/<marker>`: a path prefix unique to this case. */
  readonly prefix: string;
  /** The mock as the proxy reaches it: forward-mode target origin. */
  readonly forward: URL;
}

interface Built {
  readonly request: RawRequest;
  readonly checks: readonly Check[];
  /** Narrows the journal query; default the case's `/ct/<marker>` prefix. Undefined-able for cases whose path cannot carry it. */
  readonly pathPrefix?: string | null;
}

interface ProviderCase {
  readonly title: string;
  /** Which proxy: the default one (JWT_METHODS default) or the POST,PUT one. */
  readonly via?: 'proxy' | 'putProxy';
  build(ctx: CaseContext): Built;
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const allByteValues = Buffer.from(Array.from({ length: 1024 }, (_v, i) => i % 256));
const fiveMegabytes = randomBytes(5 * 1024 * 1024);
const jsonBody = utf8('{"b": 1,  "a":[1,2 ],\n"s":"caf\\u00e9 é","n":1.0e0}');
const forgedWithRightKey = craftToken({ claims: buildClaims(Date.now(), 'forged-by-the-client-0001', 'mallory'), key: tokenConfig.key });

/** A plain request through the proxy in reverse (origin-form) mode. */
function reverse(method: string, target: string, extra: Partial<RawRequest> = {}, headers: readonly HeaderLine[] = []): RawRequest {
  return { method, target, ...extra, headers: [...headers, ...(extra.headers ?? [])] };
}

/** The same request in forward mode: absolute-form target at the mock, Host from that URL. */
function forwardTo(ctx: CaseContext, request: RawRequest): RawRequest {
  return { ...request, target: `${ctx.forward.origin}${request.target}`, headers: [['Host', ctx.forward.host], ...(request.headers ?? [])] };
}

const simple = (method: string, expectSigned: boolean, body?: Buffer): ((ctx: CaseContext) => Built) => (ctx) => {
  const target = `${ctx.prefix}/resource?method=${method.toLowerCase()}&x=1`;
  const request = reverse(method, target, body === undefined ? {} : { body, headers: [['Content-Type', 'application/octet-stream']] });
  return {
    request,
    checks: [
      methodIs(method),
      targetIs(target),
      expectSigned ? signed() : unsigned(),
      ...(body === undefined || method === 'HEAD' ? [] : [bodyIs(body)]),
    ],
  };
};

const postBody = (body: Buffer, contentType: string, extra: Partial<RawRequest> = {}): ((ctx: CaseContext) => Built) => (ctx) => {
  const request = reverse('POST', `${ctx.prefix}/body`, { body, ...extra }, [['Content-Type', contentType]]);
  return { request, checks: [methodIs('POST'), signed(), bodyIs(requestBodyBytes(request)), headerIs('content-type', contentType)] };
};

const forgedCopies = (): HeaderLine[] => casingsOf(TOKEN).map((name, i) => [name, i === 0 ? forgedWithRightKey : `forged-${i}`]);
const forgedValues = (lines: readonly HeaderLine[]): string[] => lines.map(([, v]) => v);

const HOP_BY_HOP_LISTED = ['X-Hop-Listed', 'x-hop-other', 'X-API-Key'];
/** Hop-by-hop lines (RFC 9110 §7.6.1) plus end-to-end lines that must survive; Upgrade without `Connection: upgrade` so it stays a plain request. */
const hopByHopHeaders: readonly HeaderLine[] = [
  ['Connection', `keep-alive, ${HOP_BY_HOP_LISTED[0]} ,${HOP_BY_HOP_LISTED[1]},  ${HOP_BY_HOP_LISTED[2]}`],
  ['X-Hop-Listed', 'must-not-arrive'],
  ['x-hop-other', 'must-not-arrive'],
  ['X-API-Key', 'listed-so-hop-by-hop'],
  ['Keep-Alive', 'timeout=5, max=100'],
  ['TE', 'trailers'],
  ['Trailer', 'X-Checksum'],
  ['Upgrade', 'h2c'],
  ['Proxy-Authorization', 'Basic dXNlcjpwYXNz'],
  ['Proxy-Connection', 'keep-alive'],
  ['X-End-To-End', 'arrives unchanged'],
  ['Authorization', 'Bearer end-to-end-credential'],
  ['Cache-Control', 'no-cache'],
  ['Accept-Language', 'fr-CH, fr;q=0.9, en;q=0.8'],
];
const hopByHopChecks = (): Check[] => [
  ...['x-hop-listed', 'x-hop-other', 'x-api-key', 'keep-alive', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-connection'].map(headerAbsent),
  connectionDoesNotList(HOP_BY_HOP_LISTED),
  headerIs('x-end-to-end', 'arrives unchanged'),
  headerIs('authorization', 'Bearer end-to-end-credential'),
  headerIs('cache-control', 'no-cache'),
  headerIs('accept-language', 'fr-CH, fr;q=0.9, en;q=0.8'),
];

const repeatedHeaders: readonly HeaderLine[] = [
  ['X-Multi', 'one'],
  ['Accept', 'text/plain'],
  ['X-Other', 'between'],
  ['x-multi', 'two'],
  ['Accept', 'application/json'],
  ['X-MULTI', 'three'],
  ['Cache-Control', 'no-store'],
  ['Cache-Control', 'max-age=0'],
];
const repeatedChecks = (): Check[] => [
  valuesInOrder('x-multi', ['one', 'two', 'three']),
  valuesInOrder('accept', ['text/plain', 'application/json']),
  valuesInOrder('cache-control', ['no-store', 'max-age=0']),
  headerIs('x-other', 'between'),
];

const ENCODED_PATH = "/a%20b/c%2Fd/e%252F/caf%C3%A9/%7e%7E/sub!$&'()*+,;=:@/-._~";
const ENCODED_QUERY = 'q=a%20b&plus=1+2&amp=%26&eq=%3D&slash=/&qm=?&utf=%E2%9C%93&empty=&flag&q=dup&at=@:';

const cases: readonly ProviderCase[] = [
  // Methods: POST signed, everything else forwarded unsigned (JWT_METHODS default).
  { title: 'POST is forwarded with exactly one valid token', build: simple('POST', true, jsonBody) },
  { title: 'GET is forwarded without a token', build: simple('GET', false) },
  { title: 'PUT is forwarded without a token under the default JWT_METHODS', build: simple('PUT', false, jsonBody) },
  { title: 'PATCH is forwarded without a token', build: simple('PATCH', false, utf8('{"op":"replace"}')) },
  { title: 'DELETE is forwarded without a token', build: simple('DELETE', false) },
  { title: 'HEAD is forwarded without a token', build: simple('HEAD', false) },
  { title: 'OPTIONS is forwarded without a token', build: simple('OPTIONS', false) },
  { title: 'PUT is signed by a proxy with JWT_METHODS=POST,PUT', via: 'putProxy', build: simple('PUT', true, jsonBody) },
  { title: 'POST stays signed by a proxy with JWT_METHODS=POST,PUT', via: 'putProxy', build: simple('POST', true, jsonBody) },
  { title: 'GET stays unsigned on a proxy with JWT_METHODS=POST,PUT', via: 'putProxy', build: simple('GET', false) },
  { title: 'PATCH stays unsigned on a proxy with JWT_METHODS=POST,PUT', via: 'putProxy', build: simple('PATCH', false, jsonBody) },

  // Paths and queries, byte for byte.
  {
    title: 'a path and query with percent-encodings, sub-delims and repeated keys arrive byte for byte',
    build: (ctx) => {
      const path = `${ctx.prefix}${ENCODED_PATH}`;
      return { request: reverse('GET', `${path}?${ENCODED_QUERY}`), checks: [targetIs(`${path}?${ENCODED_QUERY}`), pathAndQueryAre(path, ENCODED_QUERY), unsigned()] };
    },
  },
  {
    title: 'a POST to an encoded path and query arrives byte for byte and signed',
    build: (ctx) => {
      const target = `${ctx.prefix}${ENCODED_PATH}?${ENCODED_QUERY}`;
      return { request: reverse('POST', target, { body: jsonBody }), checks: [targetIs(target), signed(), bodyIs(jsonBody)] };
    },
  },
  {
    title: 'dot segments, empty segments and encoded dots are not normalised',
    build: (ctx) => {
      const target = `${ctx.prefix}/a/./b/../c//d/%2e%2E/%2F%2f/?x=./../`;
      return { request: reverse('GET', target), checks: [targetIs(target)] };
    },
  },
  {
    title: 'an empty query after "?" is kept',
    build: (ctx) => {
      const target = `${ctx.prefix}/empty-query?`;
      return { request: reverse('GET', target), checks: [targetIs(target)] };
    },
  },
  {
    title: 'the root path "/" with a query is forwarded as "/"',
    build: (ctx) => {
      const target = `/?case=${ctx.marker}`;
      return { request: reverse('POST', target, { body: utf8('root') }), checks: [targetIs(target), pathAndQueryAre('/', `case=${ctx.marker}`), signed()], pathPrefix: null };
    },
  },
  {
    title: 'a long path (8000 characters) arrives byte for byte',
    build: (ctx) => {
      const segment = 'segment-%41%42-0123456789abcdef';
      const target = `${ctx.prefix}${`/${segment}`.repeat(Math.ceil(8000 / (segment.length + 1)))}`.slice(0, 8000);
      return { request: reverse('POST', target, { body: utf8('long') }), checks: [targetIs(target), signed()] };
    },
  },

  // Bodies: streamed, identical bytes upstream.
  { title: 'an empty POST body (Content-Length: 0) arrives empty and signed', build: postBody(Buffer.alloc(0), 'text/plain') },
  {
    title: 'a POST with neither Content-Length nor a body arrives empty and signed',
    build: (ctx) => ({ request: reverse('POST', `${ctx.prefix}/no-body`), checks: [signed(), bodyIs(Buffer.alloc(0))] }),
  },
  { title: 'a JSON body arrives with identical bytes (never re-serialised)', build: postBody(jsonBody, 'application/json') },
  { title: 'a form body arrives with identical bytes', build: postBody(utf8('a=1&b=%20x+y&c=%E2%9C%93&d=&d=2'), 'application/x-www-form-urlencoded') },
  { title: 'a UTF-8 text body arrives with identical bytes', build: postBody(utf8('\uFEFFZoë Ñandú — 東京 🚀\r\nline 2\n'), 'text/plain; charset=utf-8') },
  { title: 'a binary body with every byte value arrives with identical bytes', build: postBody(allByteValues, 'application/octet-stream') },
  { title: 'invalid UTF-8 labelled as text arrives untranscoded', build: postBody(Buffer.from([0x61, 0xff, 0xfe, 0xc3, 0x28, 0x0a]), 'text/plain; charset=utf-8') },
  { title: 'a 5 MB body arrives with identical sha256 and byte count', build: postBody(fiveMegabytes, 'application/octet-stream') },
  {
    title: 'a chunked body arrives with identical bytes',
    build: postBody(Buffer.alloc(0), 'application/octet-stream', { body: undefined, chunks: [utf8('a'), utf8('{"chunk":2}'), allByteValues, utf8('é'), randomBytes(70_000)] }),
  },
  {
    title: 'a 5 MB chunked body (64 KiB chunks) arrives with identical sha256 and byte count',
    build: postBody(Buffer.alloc(0), 'application/octet-stream', {
      body: undefined,
      chunks: Array.from({ length: fiveMegabytes.length / 65_536 }, (_v, i) => fiveMegabytes.subarray(i * 65_536, (i + 1) * 65_536)),
    }),
  },
  {
    title: 'a chunked PUT arrives with identical bytes and unsigned',
    build: (ctx) => {
      const chunks = [utf8('put-'), allByteValues, utf8('-end')];
      return { request: reverse('PUT', `${ctx.prefix}/chunked-put`, { chunks }), checks: [unsigned(), bodyIs(Buffer.concat(chunks))] };
    },
  },

  // Anti-spoofing: the client's token header never reaches the upstream.
  {
    title: `a POST with a forged ${TOKEN} signed with the right key carries the proxy's token instead`,
    build: (ctx) => {
      const forged: HeaderLine[] = [[TOKEN, forgedWithRightKey]];
      return { request: reverse('POST', `${ctx.prefix}/forged-one`, { body: jsonBody }, forged), checks: [signed(forgedValues(forged)), bodyIs(jsonBody)] };
    },
  },
  {
    title: `a POST with forged ${TOKEN} copies in several casings carries exactly one token, the proxy's`,
    build: (ctx) => {
      const forged = forgedCopies();
      return { request: reverse('POST', `${ctx.prefix}/forged-copies`, { body: jsonBody }, forged), checks: [signed(forgedValues(forged))] };
    },
  },
  {
    title: `a GET with forged ${TOKEN} copies reaches the upstream with none`,
    build: (ctx) => ({ request: reverse('GET', `${ctx.prefix}/forged-get`, {}, forgedCopies()), checks: [unsigned()] }),
  },
  {
    title: `a PUT with forged ${TOKEN} copies reaches the upstream with none under the default JWT_METHODS`,
    build: (ctx) => ({ request: reverse('PUT', `${ctx.prefix}/forged-put`, { body: jsonBody }, forgedCopies()), checks: [unsigned(), bodyIs(jsonBody)] }),
  },
  {
    title: `a DELETE with a forged ${TOKEN} reaches the upstream with none`,
    build: (ctx) => ({ request: reverse('DELETE', `${ctx.prefix}/forged-delete`, {}, [[TOKEN, forgedWithRightKey]]), checks: [unsigned()] }),
  },
  {
    title: `an empty forged ${TOKEN} on a GET never arrives`,
    build: (ctx) => ({ request: reverse('GET', `${ctx.prefix}/forged-empty`, {}, [[TOKEN, ''], [TOKEN.toUpperCase(), '']]), checks: [unsigned()] }),
  },
  {
    title: `an empty forged ${TOKEN} on a POST leaves exactly the proxy's token`,
    build: (ctx) => ({ request: reverse('POST', `${ctx.prefix}/forged-empty-post`, { body: jsonBody }, [[TOKEN, '']]), checks: [signed([''])] }),
  },
  {
    title: `a PUT with forged ${TOKEN} copies carries exactly the proxy's token on the POST,PUT proxy`,
    via: 'putProxy',
    build: (ctx) => {
      const forged = forgedCopies();
      return { request: reverse('PUT', `${ctx.prefix}/forged-put-signed`, { body: jsonBody }, forged), checks: [signed(forgedValues(forged))] };
    },
  },
  {
    title: `a POST whose Connection header lists ${TOKEN} still carries the proxy's token (client headers stripped before the token is added)`,
    build: (ctx) => {
      const forged: HeaderLine[] = [['Connection', `keep-alive, ${TOKEN}`], [TOKEN, 'forged-and-listed']];
      return { request: reverse('POST', `${ctx.prefix}/connection-lists-token`, { body: jsonBody }, forged), checks: [signed(['forged-and-listed'])] };
    },
  },

  // Hop-by-hop and end-to-end headers.
  {
    title: 'hop-by-hop headers and the names Connection lists are dropped on a POST; end-to-end ones arrive unchanged',
    build: (ctx) => ({ request: reverse('POST', `${ctx.prefix}/hop`, { body: jsonBody }, hopByHopHeaders), checks: [...hopByHopChecks(), signed(), bodyIs(jsonBody)] }),
  },
  {
    title: 'hop-by-hop headers and the names Connection lists are dropped on a GET; end-to-end ones arrive unchanged',
    build: (ctx) => ({ request: reverse('GET', `${ctx.prefix}/hop`, {}, hopByHopHeaders), checks: [...hopByHopChecks(), unsigned()] }),
  },
  {
    title: 'repeated end-to-end headers keep their values and order on a POST',
    build: (ctx) => ({ request: reverse('POST', `${ctx.prefix}/repeated`, { body: jsonBody }, repeatedHeaders), checks: [...repeatedChecks(), signed()] }),
  },
  {
    title: 'repeated end-to-end headers keep their values and order on a GET',
    build: (ctx) => ({ request: reverse('GET', `${ctx.prefix}/repeated`, {}, repeatedHeaders), checks: [...repeatedChecks(), unsigned()] }),
  },
  {
    title: 'ordinary end-to-end headers arrive unchanged (user-agent, content-type, custom casing)',
    build: (ctx) => {
      const headers: HeaderLine[] = [['User-Agent', 'contract-suite/1.0 (+x)'], ['Content-Type', 'application/json; charset=utf-8'], ['X-Request-ID', 'Req-ABC-123'], ['If-None-Match', '"etag-1"']];
      return {
        request: reverse('POST', `${ctx.prefix}/e2e-headers`, { body: jsonBody }, headers),
        checks: [headerIs('user-agent', 'contract-suite/1.0 (+x)'), headerIs('content-type', 'application/json; charset=utf-8'), headerIs('x-request-id', 'Req-ABC-123'), headerIs('if-none-match', '"etag-1"'), signed()],
      };
    },
  },

  // Expect: 100-continue (http-proxy skips proxyReq for these: the token must not be lost).
  {
    title: 'an Expect: 100-continue POST carries a valid token and its body',
    build: (ctx) => {
      const request = reverse('POST', `${ctx.prefix}/expect`, { body: jsonBody, expectContinue: true }, [['Expect', '100-continue'], ['Content-Type', 'application/json']]);
      return { request, checks: [signed(), bodyIs(jsonBody)] };
    },
  },
  {
    title: `an Expect: 100-continue POST with forged ${TOKEN} copies and a 1 MB body carries exactly the proxy's token`,
    build: (ctx) => {
      const forged = forgedCopies();
      const body = fiveMegabytes.subarray(0, 1024 * 1024);
      const request = reverse('POST', `${ctx.prefix}/expect-forged`, { body, expectContinue: true }, [['Expect', '100-continue'], ...forged]);
      return { request, checks: [signed(forgedValues(forged)), bodyIs(body)] };
    },
  },
  {
    title: 'an Expect: 100-continue chunked POST carries a valid token and its body',
    build: (ctx) => {
      const chunks = [utf8('first'), allByteValues, utf8('last')];
      const request = reverse('POST', `${ctx.prefix}/expect-chunked`, { chunks, expectContinue: true }, [['Expect', '100-continue']]);
      return { request, checks: [signed(), bodyIs(Buffer.concat(chunks))] };
    },
  },
  {
    title: 'an Expect: 100-continue PUT is signed by the POST,PUT proxy',
    via: 'putProxy',
    build: (ctx) => {
      const request = reverse('PUT', `${ctx.prefix}/expect-put`, { body: jsonBody, expectContinue: true }, [['Expect', '100-continue']]);
      return { request, checks: [signed(), bodyIs(jsonBody)] };
    },
  },

  // Forward mode: absolute-form requests through the proxy as an HTTP proxy.
  {
    title: 'forward mode: an absolute-form POST goes to the URL origin in origin-form, Host from the URL, signed',
    build: (ctx) => {
      const path = `${ctx.prefix}/forward?x=1&y=%20`;
      return { request: forwardTo(ctx, reverse('POST', path, { body: jsonBody })), checks: [methodIs('POST'), targetIs(path), hostIs(ctx.forward.host), signed(), bodyIs(jsonBody)] };
    },
  },
  {
    title: 'forward mode: an absolute-form GET with an encoded path and query is forwarded byte for byte, unsigned',
    build: (ctx) => {
      const path = `${ctx.prefix}${ENCODED_PATH}?${ENCODED_QUERY}`;
      return { request: forwardTo(ctx, reverse('GET', path)), checks: [targetIs(path), hostIs(ctx.forward.host), unsigned()] };
    },
  },
  {
    title: 'forward mode: dot segments in an absolute-form target are not normalised',
    build: (ctx) => {
      const path = `${ctx.prefix}/a/./b/../c//%2e%2e/`;
      return { request: forwardTo(ctx, reverse('GET', path)), checks: [targetIs(path)] };
    },
  },
  {
    title: 'forward mode: an absolute-form target with an empty path is sent upstream as "/"',
    build: (ctx) => ({ request: { method: 'GET', target: ctx.forward.origin, headers: [['Host', ctx.forward.host]] }, checks: [targetIs('/'), unsigned()], pathPrefix: null }),
  },
  {
    title: 'forward mode: an absolute-form target with an empty path and a query is sent upstream as "/?query"',
    build: (ctx) => {
      const query = `case=${ctx.marker}`;
      return { request: { method: 'POST', target: `${ctx.forward.origin}?${query}`, headers: [['Host', ctx.forward.host]], body: jsonBody }, checks: [targetIs(`/?${query}`), signed()], pathPrefix: null };
    },
  },
  {
    title: "forward mode: an absolute-form GET for /status is forwarded, not answered by the proxy's own endpoint",
    build: (ctx) => ({ request: { method: 'GET', target: `${ctx.forward.origin}/status?case=${ctx.marker}`, headers: [['Host', ctx.forward.host]] }, checks: [targetIs(`/status?case=${ctx.marker}`)], pathPrefix: '/status' }),
  },
  {
    title: `forward mode: forged ${TOKEN} copies on a POST are replaced by exactly one proxy token`,
    build: (ctx) => {
      const forged = forgedCopies();
      return { request: forwardTo(ctx, reverse('POST', `${ctx.prefix}/forward-forged`, { body: jsonBody }, forged)), checks: [signed(forgedValues(forged))] };
    },
  },
  {
    title: `forward mode: forged ${TOKEN} copies on a GET never arrive`,
    build: (ctx) => ({ request: forwardTo(ctx, reverse('GET', `${ctx.prefix}/forward-forged-get`, {}, forgedCopies())), checks: [unsigned()] }),
  },
  {
    title: 'forward mode: Proxy-Authorization, Proxy-Connection and the other hop-by-hop headers are dropped',
    build: (ctx) => ({ request: forwardTo(ctx, reverse('POST', `${ctx.prefix}/forward-hop`, { body: jsonBody }, hopByHopHeaders)), checks: [...hopByHopChecks(), signed()] }),
  },
  {
    title: 'forward mode: repeated end-to-end headers keep their order',
    build: (ctx) => ({ request: forwardTo(ctx, reverse('GET', `${ctx.prefix}/forward-repeated`, {}, repeatedHeaders)), checks: repeatedChecks() }),
  },
  {
    title: 'forward mode: a chunked POST body arrives with identical bytes',
    build: (ctx) => {
      const chunks = [utf8('fwd'), allByteValues, randomBytes(100_000)];
      return { request: forwardTo(ctx, reverse('POST', `${ctx.prefix}/forward-chunked`, { chunks })), checks: [signed(), bodyIs(Buffer.concat(chunks))] };
    },
  },
  {
    title: 'forward mode: an Expect: 100-continue POST carries a valid token',
    build: (ctx) => ({
      request: forwardTo(ctx, reverse('POST', `${ctx.prefix}/forward-expect`, { body: jsonBody, expectContinue: true }, [['Expect', '100-continue']])),
      checks: [signed(), bodyIs(jsonBody)],
    }),
  },
  {
    title: 'forward mode: a PUT stays unsigned under the default JWT_METHODS',
    build: (ctx) => ({ request: forwardTo(ctx, reverse('PUT', `${ctx.prefix}/forward-put`, { body: jsonBody })), checks: [unsigned(), bodyIs(jsonBody)] }),
  },
  {
    title: 'forward mode: PUT is signed by the POST,PUT proxy',
    via: 'putProxy',
    build: (ctx) => ({ request: forwardTo(ctx, reverse('PUT', `${ctx.prefix}/forward-put-signed`, { body: jsonBody })), checks: [signed(), bodyIs(jsonBody)] }),
  },
];

// ---------------------------------------------------------------------------
// The runner.

let caseNumber = 0;

function shortResponse(response: RawResponse): string {
  const text = response.body.toString('utf8');
  return `${response.status}${response.interim.length > 0 ? ` (after interim ${response.interim.join(', ')})` : ''} ${text.length > 400 ? `${text.slice(0, 400)}…` : text}`;
}

for (const providerCase of cases) {
  test(providerCase.title, async (t) => {
    const via = providerCase.via ?? 'proxy';
    const origin = via === 'putProxy' ? stack.proxyPutUrl : stack.proxyUrl;
    if (origin === undefined) {
      t.skip('PROXY_PUT_URL is unset: point it at a proxy started with JWT_METHODS=POST,PUT to run this case');
      return;
    }
    caseNumber += 1;
    const marker = `c${String(caseNumber).padStart(2, '0')}-${randomBytes(6).toString('hex')}`;
    const ctx: CaseContext = { marker, prefix: `/ct/${marker}`, forward: stack.mockUrlFromProxy };
    const built = providerCase.build(ctx);
    const request: RawRequest = { ...built.request, headers: [...(built.request.headers ?? []), [CASE_ID_HEADER, marker]] };
    const startedMs = Date.now();
    let response: RawResponse;
    try {
      response = await sendRaw(origin, request);
    } catch (error) {
      assert.fail(`Request:\n${describeRequest(origin, request)}\nfailed: ${(error as Error).message}\n${stack.logTails()}`);
    }
    const sent: Sent = { request, startedMs, endedMs: Date.now() };
    const prefix = built.pathPrefix === null ? undefined : (built.pathPrefix ?? ctx.prefix);
    let entries = await findRecorded(stack.mockUrl, marker, prefix);
    // Not under the expected path: look for it anywhere, so the report shows where it went.
    if (entries.length === 0 && prefix !== undefined) entries = await findRecorded(stack.mockUrl, marker);
    const problems: string[] = [];
    if (response.status !== 200) problems.push(`the mock's 200 is relayed to the client: got ${shortResponse(response)}`);
    if (entries.length !== 1) problems.push(`exactly one request recorded with ${CASE_ID_HEADER}: ${marker}: found ${entries.length}`);
    const entry = entries[0];
    if (entry !== undefined) {
      for (const c of built.checks) {
        const mismatch = c.mismatch(entry, sent);
        if (mismatch !== undefined) problems.push(`${c.expectation}: ${mismatch}`);
      }
    }
    if (problems.length > 0) {
      assert.fail(
        [
          `Request (via ${via} ${origin.host}):`,
          describeRequest(origin, request),
          'The contract expects upstream:',
          ...built.checks.map((c) => `  - ${c.expectation}`),
          'Broken:',
          ...problems.map((p) => `  ✗ ${p}`),
          `The proxy answered: ${shortResponse(response)}`,
          'The mock recorded:',
          describeEntry(entry),
        ].join('\n'),
      );
    }
  });
}

test('every token the proxy sent carries a jti unique across the suite', () => {
  assert.ok(recordedJtis.length > 0, 'no signed request was recorded');
  const seen = new Map<string, string>();
  const duplicates: string[] = [];
  for (const { jti, title } of recordedJtis) {
    const first = seen.get(jti);
    if (first !== undefined) duplicates.push(`${jti} (${first} and ${title})`);
    seen.set(jti, title);
  }
  assert.deepEqual(duplicates, [], `jtis repeated across ${recordedJtis.length} signed requests`);
});
