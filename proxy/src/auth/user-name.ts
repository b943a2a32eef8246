/**
 * The checks a name passes before it is signed into `payload.user` (issue #24): whatever
 * vouched for it (a users file, a certificate's CN, a trusted header), the upstream reads it
 * as the client's identity and people read it in logs, so it is bounded and printable.
 */

/** At most this many UTF-8 bytes. */
export const MAX_USER_BYTES = 256;

// C0 controls, DEL and C1 controls (U+0080–U+009F): they can forge log lines and terminal output.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// A lone surrogate has no UTF-8 form: JSON would carry it as an escape no verifier expects.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True for a name that may be signed: not empty, ≤ 256 bytes, no control character, no lone surrogate. */
export function isValidUserName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_USER_BYTES) return false;
  if (CONTROL.test(name) || LONE_SURROGATE.test(name)) return false;
  return Buffer.byteLength(name, 'utf8') <= MAX_USER_BYTES;
}
