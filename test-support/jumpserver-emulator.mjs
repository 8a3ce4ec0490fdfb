// Starts the JumpServer emulator (packages/jumpserver/emulator/jumpserver_emulator.py, owned by the JumpServer
// package) as a child process on loopback, for the adapter suites. The interpreter is HTTPSIG_PYTHON or
// /usr/bin/python3 (Debian's python, which has python3-httpsig).
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
 * Starts the JumpServer emulator through `@httpsig/jumpserver`'s own launcher (its built dist), in the shape the
 * adapter tests use.
 * @param {{ accessKeys?: { id: string, secret: string }[], script?: string, timeoutMs?: number }} [options]
 * @returns {Promise<{ origin: string, port: number, close(): Promise<void> }>}
 */
export async function startJumpServerEmulator(options = {}) {
  const { startEmulator } = await import(join(repoRoot(), 'packages/jumpserver/dist/cjs/emulator.js'));
  const running = await startEmulator({
    ...(options.script === undefined ? {} : { script: options.script }),
    ...(options.timeoutMs === undefined ? {} : { startTimeout: options.timeoutMs }),
    ...(options.accessKeys === undefined ? {} : { accessKeys: options.accessKeys.map((k) => ({ keyId: k.id, secret: k.secret })) }),
  });
  return { origin: running.url, port: Number(new URL(running.url).port), close: () => running.close() };
}
