/** Internal: `jumpserver login --save` writes the token into the config file, readable by its owner only. */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from './io.js';
import { assertTrusted, readWithStat } from './private-file.js';

/** The fields `--save` writes. */
export interface SavedLogin {
  url: string;
  username: string;
  token: string;
  tokenExpiresAt: string;
}

/**
 * Merge a login into the config file (`--config`, else env `HTTPSIG_JUMPSERVER_CONFIG`, else
 * `~/.config/httpsig/jumpserver.json`): the directory is created with mode 700, the file is written to a new
 * file with mode 600 in the same directory and renamed over the old one, so it is never readable by others,
 * not even for a moment, and never half written.
 *
 * @param io - environment.
 * @param path - the `--config` value.
 * @param saved - what to write (other fields of the file are kept).
 * @returns the path written.
 * @throws UsageError when the existing file is not trusted (another owner, writable by others) or not a JSON object,
 *   or when it cannot be written.
 */
export function saveToken(io: CliIo, path: string | undefined, saved: SavedLogin): string {
  const file = path ?? io.env['HTTPSIG_JUMPSERVER_CONFIG'] ?? join(io.env['HOME'] ?? homedir(), '.config', 'httpsig', 'jumpserver.json');
  let existing: Record<string, unknown> = {};
  let read;
  try {
    read = readWithStat(file);
  } catch {
    read = undefined;
  }
  if (read !== undefined) {
    assertTrusted(file, read, 'config');
    let data: unknown;
    try {
      data = JSON.parse(read.bytes.toString('utf8'));
    } catch {
      throw new UsageError(`The config file ${file} is not valid JSON; not overwriting it`);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`The config file ${file} must hold a JSON object`);
    existing = data as Record<string, unknown>;
  }
  const merged = { ...existing, ...saved };
  const temporary = join(dirname(file), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(merged, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temporary, 0o600); // the umask may have removed bits, never added: this is only a guarantee
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was created
    }
    throw new UsageError(`Cannot write the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return file;
}
