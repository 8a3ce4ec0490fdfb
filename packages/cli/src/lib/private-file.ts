/**
 * Internal: reading a file that holds a secret, or that says where credentials go, with the checks ssh makes on
 * its own files — through one open handle, so the file that is checked is the file that is read (no
 * check-then-read race). POSIX only: on Windows, modes and owners say nothing about other users.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { UsageError } from '../exit-codes.js';

/** A file read through one handle, with the mode and owner of that same handle. */
export interface ReadFile {
  /** The content. */
  bytes: Buffer;
  /** `st_mode`. */
  mode: number;
  /** `st_uid`. */
  uid: number;
}

/** Whether modes and owners are meaningful here (POSIX). */
function posix(): boolean {
  return process.platform !== 'win32' && typeof process.getuid === 'function';
}

/**
 * Reads a file and the mode and owner of the same open handle.
 * @param file - the path.
 * @returns its bytes, mode and owner.
 * @throws Error from node:fs when it cannot be opened or read (callers turn it into a UsageError).
 */
export function readWithStat(file: string): ReadFile {
  const fd = openSync(file, 'r');
  try {
    const stat = fstatSync(fd);
    return { bytes: readFileSync(fd), mode: stat.mode, uid: stat.uid };
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses a file holding a secret that group or others may read or write (`mode & 0o077`), as ssh refuses a
 * private key with an open mode. The message names the file, never its content.
 * @param file - the path, for the message.
 * @param read - what {@link readWithStat} returned.
 * @param what - what the file holds, for the message (e.g. `key`, `password`).
 * @throws UsageError when other users can access it.
 */
export function assertPrivate(file: string, read: ReadFile, what: string): void {
  if (!posix()) return;
  if ((read.mode & 0o077) !== 0) {
    throw new UsageError(`The ${what} file ${file} holds a secret and other users can access it: run chmod 600 ${file}`);
  }
}

/**
 * Refuses a file that decides where credentials are sent unless the current user (or root) owns it and no one
 * else may write it, as ssh does for its config: someone who can change it could send the credentials taken from
 * the environment to a server of theirs.
 * @param file - the path, for the message.
 * @param read - what {@link readWithStat} returned.
 * @param what - what the file is, for the message (e.g. `config`).
 * @throws UsageError when another user owns it, or group or others may write it.
 */
export function assertTrusted(file: string, read: ReadFile, what: string): void {
  if (!posix()) return;
  const uid = (process.getuid as () => number)();
  if (read.uid !== uid && read.uid !== 0) {
    throw new UsageError(`The ${what} file ${file} is owned by another user (uid ${read.uid}): only your own files are trusted`);
  }
  if ((read.mode & 0o022) !== 0) {
    throw new UsageError(`The ${what} file ${file} can be changed by other users: run chmod go-w ${file}`);
  }
}
