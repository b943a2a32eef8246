/**
 * "Copy as curl" (issue 13, mitmproxy #3457): a bash command that sends the
 * recorded request again with the same method, target, headers (in order,
 * casing kept) and body bytes.
 *
 * curl adds headers of its own (User-Agent, Accept, a form Content-Type for a
 * body, Expect for a large one); each is removed with `-H 'Name:'` when the
 * original did not carry it. `--path-as-is` keeps `..` and `%2e` in the target as
 * recorded. A body that is not UTF-8 (or holds NUL) is piped in from base64.
 */
import type { JournalEntry } from '../record/journal.js';
import { requestUrl } from './export-har.js';

/** Headers curl sends unless told not to (by `-H 'Name:'`). */
const CURL_DEFAULT_HEADERS = ['user-agent', 'accept', 'expect'] as const;

/** Quotes for bash: single quotes, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** The curl command; `url` overrides the target (default: the request's Host and raw target). */
export function toCurl(entry: JournalEntry, fallbackOrigin: string, url?: string): string {
  const args: string[] = ['curl', '--http1.1', '--path-as-is', '--silent', '--show-error'];
  args.push(entry.method === 'HEAD' ? '--head' : `--request ${shellQuote(entry.method)}`);
  args.push(shellQuote(url ?? requestUrl(entry, fallbackOrigin)));
  const sent = new Set<string>();
  for (let i = 0; i + 1 < entry.rawHeaders.length; i += 2) {
    const name = entry.rawHeaders[i] ?? '';
    const value = entry.rawHeaders[i + 1] ?? '';
    sent.add(name.toLowerCase());
    // curl's syntax for a header with an empty value is `Name;`.
    args.push(`-H ${shellQuote(value === '' ? `${name};` : `${name}: ${value}`)}`);
  }
  const hasBody = entry.body.bytes > 0 && !entry.body.truncated;
  const defaults: string[] = [...CURL_DEFAULT_HEADERS, ...(hasBody ? ['content-type'] : [])];
  for (const name of defaults) if (!sent.has(name)) args.push(`-H ${shellQuote(`${name}:`)}`);
  let prefix = '';
  if (hasBody) {
    const text = entry.body.text;
    if (text !== undefined && !text.includes('\0')) {
      args.push(`--data-raw ${shellQuote(text)}`);
    } else {
      const base64 = entry.body.base64 ?? Buffer.from(text ?? '', 'utf8').toString('base64');
      prefix = `printf %s ${shellQuote(base64)} | base64 -d | `;
      args.push('--data-binary @-');
    }
  }
  const note = entry.body.truncated ? `# the body (${entry.body.bytes} bytes) was over MOCK_BODY_LIMIT and was not kept\n` : '';
  return `${note}${prefix}${args.join(' \\\n  ')}\n`;
}
