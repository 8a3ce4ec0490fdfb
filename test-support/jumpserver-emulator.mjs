// Starts the JumpServer emulator (packages/jumpserver/emulator/jumpserver_emulator.py, owned by the JumpServer
// package) as a child process on loopback, for the adapter suites. The interpreter is HTTPSIG_PYTHON or
// /usr/bin/python3 (Debian's python, which has python3-httpsig).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The documented default access key of the emulator. */
export const EMULATOR_KEY_ID = 'b5fd8a7c-1111-4e6b-9a1f-0123456789ab';
/** The secret of {@link EMULATOR_KEY_ID}. */
export const EMULATOR_KEY_SECRET = 'jms-test-secret-0123456789abcdefghij';
/** JumpServer's Default organisation. */
export const ORG_DEFAULT = '00000000-0000-0000-0000-000000000002';

/** The workspace root: the nearest directory above `from` holding pnpm-workspace.yaml. */
export function repoRoot(from = process.cwd()) {
  let dir = resolve(from);
  for (let i = 0; i < 20; i++) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('pnpm-workspace.yaml not found above ' + from);
}

/**
 * @param {{ accessKeys?: { id: string, secret: string }[], script?: string, timeoutMs?: number }} [options]
 * @returns {Promise<{ origin: string, port: number, close(): Promise<void> }>}
 */
export function startJumpServerEmulator(options = {}) {
  const script = options.script ?? join(repoRoot(), 'packages/jumpserver/emulator/jumpserver_emulator.py');
  const python = process.env.HTTPSIG_PYTHON || '/usr/bin/python3';
  const args = [script, '--port', '0'];
  for (const key of options.accessKeys ?? []) args.push('--access-key', `${key.id}:${key.secret}`);
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { if (stderr.length < 4000) stderr += d; });
  const exited = new Promise((resolveExit) => child.once('exit', () => resolveExit(undefined)));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolveStart, rejectStart) => {
    let buffer = '';
    const timer = setTimeout(() => { void close(); rejectStart(new Error('emulator did not start: ' + stderr)); },
      options.timeoutMs ?? 15000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buffer += d;
      const match = /^JUMPSERVER_EMULATOR_LISTENING (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(buffer);
      if (match && match[1] && match[2]) {
        clearTimeout(timer);
        resolveStart({ origin: match[1], port: Number(match[2]), close });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`emulator exited with ${code}: ${stderr}`));
    });
  });
}
