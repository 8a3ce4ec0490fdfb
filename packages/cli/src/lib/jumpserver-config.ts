/** Internal: JumpServer connection settings from the environment and a config file. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { accessKey, bearer, privateToken, type JumpServerAuth } from '@httpsig/jumpserver';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from './io.js';
import { assertPrivate, assertTrusted, readWithStat, type ReadFile } from './private-file.js';
import { readSecretFile } from './secrets.js';

/** The config file: every field optional; environment variables win. */
export interface JumpServerConfigFile {
  url?: string;
  org?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  accessKeySecretFile?: string;
  token?: string;
  /** When `token` expires (ISO 8601), as `jumpserver login --save` writes it. */
  tokenExpiresAt?: string;
  privateToken?: string;
  username?: string;
}

/** The fields that hold a credential itself (a file path to one is not a credential). */
const SECRET_FIELDS = ['accessKeySecret', 'token', 'privateToken'] as const;

/** Refuses a config file holding a credential itself that other users can read. */
function assertUsable(file: string, read: ReadFile, data: JumpServerConfigFile): void {
  const holdsSecret = SECRET_FIELDS.some((field) => typeof data[field] === 'string' && data[field] !== '');
  if (holdsSecret) assertPrivate(file, read, 'config');
}

/**
 * Read the config file: `--config`, else env `HTTPSIG_JUMPSERVER_CONFIG`, else `~/.config/httpsig/jumpserver.json`
 * when it exists.
 *
 * @param io - environment.
 * @param path - the `--config` value.
 * @returns the settings (empty when there is no file).
 * @throws UsageError when an explicitly named file cannot be read or is not a JSON object; when the file is owned by
 *   another user (not root) or writable by group/others (POSIX: it names the URL the environment's credentials go
 *   to); or when it holds `accessKeySecret`, `token` or `privateToken` and other users can read it.
 */
export function readConfig(io: CliIo, path: string | undefined): JumpServerConfigFile {
  const explicit = path ?? io.env['HTTPSIG_JUMPSERVER_CONFIG'];
  const file = explicit ?? join(io.env['HOME'] ?? homedir(), '.config', 'httpsig', 'jumpserver.json');
  let read: ReadFile;
  try {
    read = readWithStat(file);
  } catch {
    if (explicit !== undefined) throw new UsageError(`Cannot read the config file ${file}`);
    return {};
  }
  // Checked before anything is taken from it: it names the URL the environment's credentials are sent to.
  assertTrusted(file, read, 'config');
  let data: unknown;
  try {
    data = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    throw new UsageError(`The config file ${file} is not valid JSON`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`The config file ${file} must hold a JSON object`);
  assertUsable(file, read, data as JumpServerConfigFile);
  return data as JumpServerConfigFile;
}

/** What `jumpserver api` connects with. */
export interface Connection {
  url: string;
  org: string | undefined;
  auth: JumpServerAuth;
}

/**
 * Resolve URL, organisation and credentials: env `JMS_URL`, `JMS_ORG`, `JMS_ACCESS_KEY_ID` +
 * `JMS_ACCESS_KEY_SECRET` (or `JMS_ACCESS_KEY_SECRET_FILE`), `JMS_TOKEN`, `JMS_PRIVATE_TOKEN`, then the config file.
 *
 * @param io - environment.
 * @param config - the config file.
 * @param urlOption - `--url`.
 * @param orgOption - `--org`.
 * @returns the connection.
 * @throws UsageError when the URL or credentials are missing.
 */
export function resolveConnection(io: CliIo, config: JumpServerConfigFile, urlOption: string | undefined, orgOption: string | undefined): Connection {
  const env = (name: string): string | undefined => (io.env[name] === '' ? undefined : io.env[name]);
  const url = urlOption ?? env('JMS_URL') ?? config.url;
  if (url === undefined) throw new UsageError('No JumpServer URL: pass --url, set JMS_URL, or put "url" in the config file');
  const org = orgOption ?? env('JMS_ORG') ?? config.org;
  const keyId = env('JMS_ACCESS_KEY_ID') ?? config.accessKeyId;
  const secretFile = env('JMS_ACCESS_KEY_SECRET_FILE') ?? config.accessKeySecretFile;
  const secret = env('JMS_ACCESS_KEY_SECRET') ?? (secretFile !== undefined ? readSecretFile(secretFile, 'access key secret') : config.accessKeySecret);
  let auth: JumpServerAuth;
  try {
    if (keyId !== undefined && secret !== undefined) {
      auth = accessKey({ keyId, secret });
    } else if ((env('JMS_TOKEN') ?? config.token) !== undefined) {
      const fromEnv = env('JMS_TOKEN');
      const expiresAt = fromEnv === undefined && typeof config.tokenExpiresAt === 'string' ? new Date(config.tokenExpiresAt) : undefined;
      auth = bearer({ token: fromEnv ?? config.token, ...(expiresAt === undefined || Number.isNaN(expiresAt.getTime()) ? {} : { expiresAt }) });
    } else if ((env('JMS_PRIVATE_TOKEN') ?? config.privateToken) !== undefined) {
      auth = privateToken(env('JMS_PRIVATE_TOKEN') ?? config.privateToken ?? '');
    } else {
      throw new UsageError('No credentials: set JMS_ACCESS_KEY_ID and JMS_ACCESS_KEY_SECRET, or JMS_TOKEN, or JMS_PRIVATE_TOKEN (or the config file)');
    }
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
  return { url, org, auth };
}
