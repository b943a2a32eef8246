/**
 * Runs the contract CLI (contracts/bin/jwt-proxy-contract.js) as a user would, for its tests:
 * stdout and stderr collected, the process killed after `killAfterMs` so a CLI that ignores its
 * own deadline fails the test instead of hanging it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CONTRACT_CLI = fileURLToPath(new URL('../../../contracts/bin/jwt-proxy-contract.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runContractCli(args: readonly string[], killAfterMs: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONTRACT_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
