import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_ACCESS_KEY, startEmulator, type RunningEmulator } from '@httpsig/jumpserver/emulator';

/** The result of one `httpsig` run. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const bin = join(__dirname, '..', 'bin', 'httpsig.mjs');
/** A HOME without any config file, so the user's own settings never leak into tests. */
export const home: string = mkdtempSync(join(tmpdir(), 'httpsig-cli-home-'));

/**
 * Run `node bin/httpsig.mjs …` as a real child process with a clean environment and piped (non-TTY) stdin.
 */
export function httpsig(args: string[], env: Record<string, string> = {}, input?: string | Uint8Array): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: home, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Write a temporary file and return its path. */
export function tempFile(name: string, content: string | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'httpsig-cli-'));
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

/**
 * Run `node bin/httpsig.mjs …` in a pseudo-terminal (stdin, stdout and stderr are the terminal), answering
 * prompts from `script` ([prompt text, answer] pairs). `out` is everything the terminal showed.
 */
export function inTerminal(args: string[], script: Array<[string, string]>, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const python = process.env['HTTPSIG_PYTHON'] ?? '/usr/bin/python3';
  const driver = join(__dirname, 'fixtures', 'pty-run.py');
  return new Promise((resolve, reject) => {
    const child = spawn(python, [driver, process.execPath, bin, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: home, ...env, PTY_SCRIPT: script.map(([p, a]) => `${p}\x1e${a}`).join('\x1f') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

/**
 * Starts one JumpServer emulator for the test file (closed after it).
 * @returns the emulator, usable inside tests and hooks (it forwards to the emulator `beforeAll` started).
 */
export function useEmulator(): RunningEmulator {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => { emulator = await startEmulator(); });
  afterAll(async () => { await emulator?.close(); });
  return new Proxy({} as RunningEmulator, {
    get(_target, property) {
      if (emulator === undefined) throw new Error('the emulator is not running yet (use it inside a test)');
      const value: unknown = Reflect.get(emulator, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(emulator) : value;
    },
  });
}

/** The environment that points the CLI at an emulator with its access key. */
export function accessKeyEnv(emulator: RunningEmulator): Record<string, string> {
  return { JMS_URL: emulator.url, JMS_ACCESS_KEY_ID: EMULATOR_ACCESS_KEY.keyId, JMS_ACCESS_KEY_SECRET: EMULATOR_ACCESS_KEY.secret };
}
