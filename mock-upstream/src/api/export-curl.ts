/**
 * "Copy as curl" (issue 13, mitmproxy #3457): a bash command that sends the
 * recorded request again with the same method, target, headers (in order,
 * casing kept) and body bytes.
 *
 * curl adds headers of its own (User-Agent, Accept, a form Content-Type for a
 * body, Expect for a large one); each is removed with `-H 'Name:'` when the
 * original did not carry it. `--path-as-is` keeps `..` and `%2e` in the target as
 * recorded; `--globoff` keeps `[1-20]` and `{a,b}` literal (issue #21: a recorded
 * `/glob[1-20]/{a,b}` made curl send 40 requests, each with the token). A body
 * that is not UTF-8 (or holds NUL) is piped in from base64.
 *
 * The command is pasted into an interactive shell, where the terminal acts on
 * control bytes before bash sees them: a recorded Ctrl-C (0x03) drops the curl
 * line and the rest of the paste runs as commands (issue #21), ESC can end a
 * bracketed paste, a tab completes. So any value holding a control character is
 * written in bash's ANSI-C form `$'…'` with every such byte escaped (`\x03`), as
 * browser devtools' "Copy as cURL (bash)" does; other values in plain '…'.
 */
import type { JournalEntry } from '../record/journal.js';
import { requestUrl } from './export-har.js';

/** Headers curl sends unless told not to (by `-H 'Name:'`). */
const CURL_DEFAULT_HEADERS = ['user-agent', 'accept', 'expect'] as const;

/** C0 controls (TAB, LF, CR, ^C, ESC...), DEL and C1 controls (U+0080..U+009F, which some terminals obey). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\', "'": "\\'" };

/**
 * How the string holds bytes: `utf8` for text (the body, a URL given by the caller), `latin1` for
 * what Node decoded byte for byte (the request-target and header values), so that each of those
 * chars from U+0080 is written as the one byte that arrived, not as its UTF-8 encoding.
 */
export type ByteForm = 'utf8' | 'latin1';

/** Quotes one word for bash: plain single quotes, or `$'…'` when it holds a control (or, latin1, a non-ASCII) char. */
export function shellQuote(value: string, form: ByteForm = 'utf8'): string {
  const ansi = CONTROL.test(value) || (form === 'latin1' && /[\u0080-\u00ff]/.test(value));
  if (!ansi) return `'${value.replaceAll("'", "'\\''")}'`;
  let quoted = '';
  for (const char of value) quoted += escapeChar(char, form);
  return `$'${quoted}'`;
}

/** One char inside `$'…'`. `!` too: interactive bash may history-expand it there. */
function escapeChar(char: string, form: ByteForm): string {
  const named = NAMED_ESCAPES[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x21 || code === 0x7f) return hexByte(code);
  if (code >= 0x80 && code <= 0xff && form === 'latin1') return hexByte(code);
  // A C1 control in text: its UTF-8 bytes, C2 80..C2 9F, so no raw C1 reaches the terminal.
  if (code >= 0x80 && code <= 0x9f) return `${hexByte(0xc2)}${hexByte(code)}`;
  return char;
}

function hexByte(code: number): string {
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

/** The curl command; `url` overrides the target (default: the request's Host and raw target). */
export function toCurl(entry: JournalEntry, fallbackOrigin: string, url?: string): string {
  const args: string[] = ['curl', '--http1.1', '--path-as-is', '--globoff', '--silent', '--show-error'];
  args.push(entry.method === 'HEAD' ? '--head' : `--request ${shellQuote(entry.method, 'latin1')}`);
  args.push(url === undefined ? shellQuote(requestUrl(entry, fallbackOrigin), 'latin1') : shellQuote(url));
  const sent = new Set<string>();
  for (let i = 0; i + 1 < entry.rawHeaders.length; i += 2) {
    const name = entry.rawHeaders[i] ?? '';
    const value = entry.rawHeaders[i + 1] ?? '';
    sent.add(name.toLowerCase());
    // curl's syntax for a header with an empty value is `Name;`.
    args.push(`-H ${shellQuote(value === '' ? `${name};` : `${name}: ${value}`, 'latin1')}`);
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
