/**
 * Issue #21, item 2: "copy as curl", pasted into a real interactive bash on a pseudo-terminal, with
 * and without bracketed paste, sends exactly one request and runs nothing else. The terminal is
 * where the attack lives: the tty driver turns a recorded Ctrl-C (0x03) into SIGINT, which drops the
 * curl line, and the rest of the paste runs as commands. Node has no pty, so python3's pty module
 * drives bash (skipped, saying so, where python3, bash or curl is missing).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from '../../contracts/testing/wait.js';
import type { JournalEntry } from '../src/record/journal.js';
import { getJson, rawRequest, startMock } from './helpers.js';
import type { Mock } from './helpers.js';

/**
 * Starts `bash --norc --noprofile -i` on a pty, waits for its prompt, sets bracketed paste on or off,
 * pastes stdin (wrapped in ESC[200~ ... ESC[201~ when on) as a person would, then types `exit`.
 * Prints the transcript. Each step waits for the prompt, never for wall time; an alarm kills a bash that
 * never exits (the unfixed command leaves it inside an open quote), so the test reports what ran.
 */
const PASTE_PY = String.raw`
import os, pty, signal, sys
mode = sys.argv[1]
text = sys.stdin.buffer.read()
os.environ.update({'PS1': 'READY> ', 'PS2': '', 'TERM': 'xterm', 'HISTFILE': '/dev/null', 'LC_ALL': 'C.UTF-8'})
pid, fd = pty.fork()
if pid == 0:
    os.execvp('bash', ['bash', '--norc', '--noprofile', '-i'])
out = b''
def give_up(signum, frame):
    # A paste that broke the command can leave bash inside an open quote, deaf to 'exit'.
    os.kill(pid, signal.SIGKILL)
    sys.stdout.buffer.write(out + b'\n[bash did not exit; killed]\n')
    sys.exit(0)
signal.signal(signal.SIGALRM, give_up)
signal.alarm(int(sys.argv[2]))
def read_until_prompt(count):
    global out
    while out.count(b'READY> ') < count:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        out += chunk
read_until_prompt(1)
os.write(fd, ("bind 'set enable-bracketed-paste %s'\n" % mode).encode())
read_until_prompt(2)
if mode == 'on':
    os.write(fd, b'\x1b[200~' + text + b'\x1b[201~\r')
else:
    os.write(fd, text)
read_until_prompt(3)
os.write(fd, b'exit\n')
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
`;

/** Seconds a pasted command may take before bash is killed (a deadline for a broken paste, not a pace). */
const BASH_DEADLINE_S = 8;

const missing = ['python3', 'bash', 'curl'].filter((tool) => spawnSync(tool, ['--version']).error !== undefined);
const skip = missing.length > 0 ? `needs ${missing.join(', ')} to paste into a real bash on a pty` : false;

function paste(text: string, mode: 'on' | 'off'): Promise<string> {
  return within(
    new Promise<string>((resolve, reject) => {
      const child = execFile('python3', ['-c', PASTE_PY, mode, String(BASH_DEADLINE_S)], { encoding: 'utf8', timeout: 2 * BASH_DEADLINE_S * 1000, killSignal: 'SIGKILL' }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
      child.stdin?.end(text);
    }),
    3 * BASH_DEADLINE_S * 1000,
    `bash to take the pasted command (bracketed paste ${mode}) and exit`,
  );
}

describe('copy as curl, pasted into an interactive bash', { skip }, () => {
  let mock: Mock;
  let dir: string;
  before(async () => {
    mock = await startMock();
    dir = mkdtempSync(join(tmpdir(), 'mock-curl-paste-'));
  });
  after(async () => {
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const entries = async (path: string): Promise<JournalEntry[]> =>
    (await getJson<{ requests: JournalEntry[] }>(`${mock.base}/__mock/requests?path=${encodeURIComponent(path)}`)).body.requests;
  const curlOf = async (id: string): Promise<string> => (await fetch(`${mock.base}/__mock/requests/${id}/curl`)).text();

  for (const mode of ['on', 'off'] as const) {
    it(`a body with Ctrl-C, spaces and a command sends one request and runs nothing (bracketed paste ${mode})`, async () => {
      const pwned = join(dir, `pwned-${mode}`);
      const path = `/paste/${mode}`;
      const body = `{"note":"hi"}\x03  touch ${pwned}\n`;
      const recorded = await fetch(`${mock.base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      const id = recorded.headers.get('x-mock-entry-id') ?? '';
      const command = await curlOf(id);
      const transcript = await paste(command, mode);
      assert.equal(existsSync(pwned), false, `the touch in the body never ran; transcript:\n${transcript}`);
      const arrived = await entries(path);
      assert.equal(arrived.length, 2, `the original and exactly one replay; transcript:\n${transcript}`);
      assert.equal(arrived[0]?.body.sha256, arrived[1]?.body.sha256, 'the replay carries the same body bytes');
      // eslint-disable-next-line no-control-regex -- looking for raw control bytes is the point
      assert.doesNotMatch(command, /[\x00-\x08\x0b-\x1f\x7f]/, 'no raw control byte in the command');
    });

    it(`a path /glob[1-20]/{a,b} sends one request, not 40 (bracketed paste ${mode})`, async () => {
      const target = `/glob-${mode}[1-20]/{a,b}`;
      const recorded = await rawRequest(mock.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${mock.port}\r\nConnection: close\r\n\r\n`);
      assert.equal(recorded.status, 200);
      const [entry] = await entries(`/glob-${mode}`);
      const command = await curlOf(entry?.id ?? '');
      const transcript = await paste(command, mode);
      const arrived = await entries(`/glob-${mode}`);
      assert.deepEqual(arrived.map((e) => e.url), [target, target], `transcript:\n${transcript}`);
      assert.match(command, /--globoff/);
    });
  }
});
