/**
 * Start the local JumpServer emulator (a Python process built on `python3-httpsig`) from Node, for tests.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The line the emulator prints on stdout when it is ready, followed by a space and its base URL. */
export const EMULATOR_READY_PREFIX = 'JUMPSERVER_EMULATOR_LISTENING';

/** The access key the emulator accepts when none is configured (a test key, never a real one). */
export const EMULATOR_ACCESS_KEY: { readonly keyId: string; readonly secret: string } = Object.freeze({
  keyId: 'b5fd8a7c-1111-4e6b-9a1f-0123456789ab',
  secret: 'jms-test-secret-0123456789abcdefghij',
});

/** A second emulator access key, of a user who only belongs to the Default organisation. */
export const EMULATOR_LIMITED_ACCESS_KEY: { readonly keyId: string; readonly secret: string } = Object.freeze({
  keyId: 'a11ce000-2222-4e6b-9a1f-0123456789ab',
  secret: 'alice-secret-0123456789abcdefghijkl',
});

/** The private token the emulator accepts (for user `admin`) when none is configured. */
export const EMULATOR_PRIVATE_TOKEN = '937b38011acf499eb474e2fecb424ab3';

/**
 * The emulator's built-in users: `admin`/`admin-password` (superuser, no MFA), `alice`/`alice-password`
 * (Default organisation only), `mfa-user`/`mfa-password` (TOTP, SHA-1), `mfa-sha256`/`mfa-password`
 * (TOTP, SHA-256), `mfa-unset`/`mfa-password` (MFA enforced, nothing bound: `choices: []`), `mfa-sms`/`mfa-password`
 * (SMS codes sent through `mfa/select/`, read with `control('GET', 'outbox')`), `confirm-user`/`confirm-password`
 * (a login-review ACL: `login_confirm_wait` until the ticket is approved with `control('POST', 'tickets', …)`)
 * and `expired-user`/`expired-password` (password expired). The TOTP secret of the MFA users is
 * {@link EMULATOR_TOTP_SECRET}.
 */
export const EMULATOR_USERS: Readonly<Record<string, string>> = Object.freeze({
  admin: 'admin-password',
  alice: 'alice-password',
  'mfa-user': 'mfa-password',
  'mfa-sha256': 'mfa-password',
  'mfa-unset': 'mfa-password',
  'mfa-sms': 'mfa-password',
  'confirm-user': 'confirm-password',
  'expired-user': 'expired-password',
});

/** The base32 TOTP secret of the emulator's MFA users. */
export const EMULATOR_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

/** The organisations the emulator knows. */
export const EMULATOR_ORGS: { readonly root: string; readonly default: string; readonly system: string; readonly engineering: string } =
  Object.freeze({
    root: '00000000-0000-0000-0000-000000000000',
    default: '00000000-0000-0000-0000-000000000002',
    system: '00000000-0000-0000-0000-000000000004',
    engineering: '7d4f2c1e-3b5a-4c6d-8e9f-0a1b2c3d4e5f',
  });

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; default 0 (any free port). */
  port?: number | undefined;
  /** Access keys as `{ keyId, secret, user? }`; default {@link EMULATOR_ACCESS_KEY} for `admin`. */
  accessKeys?: ReadonlyArray<{ keyId: string; secret: string; user?: string | undefined }> | undefined;
  /** Extra users: name, password and an optional base32 TOTP secret (which enables MFA). */
  users?: ReadonlyArray<{ username: string; password: string; totpSecret?: string | undefined }> | undefined;
  /** Bearer token lifetime in seconds; default 86400. */
  tokenTtl?: number | undefined;
  /** The Python interpreter; default env `HTTPSIG_PYTHON`, else `/usr/bin/python3`. */
  python?: string | undefined;
  /** The emulator script; default the `emulator/jumpserver_emulator.py` shipped with this package. */
  script?: string | undefined;
  /** How long to wait for the ready line, in ms; default 15000. */
  startTimeout?: number | undefined;
  /** Log every request to stderr. */
  verbose?: boolean | undefined;
  /**
   * The JumpServer version to mirror where answers differ (search parameter, throttling, 401 challenge, page cap,
   * expired-password answer), e.g. `'4.9'` or `'2.23'`; default `'4.10.19'`.
   */
  jmsVersion?: string | undefined;
  /** The server's time zone offset for `date_expired`, e.g. `'+0800'` (the default, Asia/Shanghai) or `'-0500'`. */
  timeZone?: string | undefined;
  /** The host written into pagination links, as an upstream behind a proxy would (default: the Host header). */
  linkHost?: string | undefined;
  /** `SESSION_COOKIE_NAME_PREFIX`: the session cookie is this plus `sessionid`; default `jms_`. */
  sessionCookiePrefix?: string | undefined;
}

/** A running emulator. */
export interface RunningEmulator {
  /** The base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The process id of the Python process. */
  readonly pid: number | undefined;
  /**
   * Make the next `count` requests whose path starts with `prefix` fail with `status` (a test hook).
   *
   * @param failure - status (default 503), count (default 1), path prefix (default `/`), method (any).
   * @returns once the emulator has taken the instruction.
   */
  injectFailure(failure: { status?: number; count?: number; prefix?: string; method?: string }): Promise<void>;
  /**
   * The requests the emulator has answered, oldest first (method, path, status, authorization scheme, org).
   *
   * @returns the log entries.
   */
  requests(): Promise<EmulatorLogEntry[]>;
  /**
   * Clear the request log and pending injected failures.
   *
   * @returns once done.
   */
  reset(): Promise<void>;
  /**
   * Make every bearer token issued so far expired.
   *
   * @returns once done.
   */
  expireTokens(): Promise<void>;
  /**
   * Call a test hook under `/__emulator__/` (`tickets`, `outbox`, `throttle`, `access-key-ips`, …).
   *
   * @param method - `GET` or `POST`.
   * @param path - the hook name, e.g. `'tickets'`.
   * @param body - a JSON body for `POST`.
   * @returns the hook's JSON answer.
   * @throws Error when the hook answers an error status.
   */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /**
   * Stop the emulator.
   *
   * @returns once the process has exited.
   */
  close(): Promise<void>;
}

/** One request seen by the emulator. */
export interface EmulatorLogEntry {
  /** The request method. */
  method: string;
  /** The request target (path and query) as received. */
  path: string;
  /** The status answered. */
  status: number;
  /** The scheme word of the Authorization header (`Signature`, `Bearer`, `Token`) or `''`. */
  authorization: string;
  /** The `X-JMS-ORG` header, or null. */
  org: string | null;
  /** The organisation the request ran in (after `?oid=`, header, cookie and fallback), or null. */
  effectiveOrg: string | null;
  /** Whether the request carried a Cookie header. */
  cookie: boolean;
}

/**
 * Where the emulator script shipped with this package is.
 *
 * @returns the absolute path of `jumpserver_emulator.py`.
 * @throws Error when the script cannot be found next to the package.
 */
export function emulatorScriptPath(): string {
  const starts: string[] = [];
  if (typeof __dirname === 'string') starts.push(__dirname);
  // In the ESM build there is no __dirname: find this file in a stack trace instead (no import.meta, so
  // that the same source also compiles to CommonJS).
  const stack = new Error().stack ?? '';
  for (const match of stack.matchAll(/(file:\/\/[^\s)]+?|\/[^\s):]+?)(?::\d+){1,2}\)?$/gm)) {
    const location = match[1] ?? '';
    if (!/emulator\.(?:[cm]?js|ts)$/.test(location)) continue;
    starts.push(dirname(location.startsWith('file:') ? fileURLToPath(location) : location));
  }
  for (const start of starts) {
    let dir = resolve(start);
    for (let i = 0; i < 5; i++) {
      const candidate = join(dir, 'emulator', 'jumpserver_emulator.py');
      if (existsSync(candidate)) return candidate;
      dir = dirname(dir);
    }
  }
  throw new Error('jumpserver_emulator.py was not found; pass the script option');
}

/**
 * Start the JumpServer emulator on a free loopback port and wait until it is ready.
 *
 * @param options - port, keys, users, interpreter.
 * @returns the running emulator, with its URL, test hooks and `close()`.
 * @throws Error when Python or `python3-httpsig` is missing or the emulator does not start in time.
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * const client = new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY) });
 * await client.get('/api/v1/users/profile/');
 * await emulator.close();
 * ```
 */
export function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const python = options.python ?? (process.env['HTTPSIG_PYTHON'] || '/usr/bin/python3');
  const args = [options.script ?? emulatorScriptPath(), '--port', String(options.port ?? 0), '--credentials-stdin'];
  // Credentials go through stdin, not the command line, which any local user can read in the process list.
  let credentials = '';
  for (const key of options.accessKeys ?? []) {
    credentials += `access-key ${key.keyId}:${key.secret}${key.user === undefined ? '' : `:${key.user}`}\n`;
  }
  for (const user of options.users ?? []) {
    credentials += `user ${user.username}:${user.password}${user.totpSecret === undefined ? '' : `:${user.totpSecret}`}\n`;
  }
  if (options.tokenTtl !== undefined) args.push('--token-ttl', String(options.tokenTtl));
  if (options.verbose === true) args.push('--verbose');
  if (options.jmsVersion !== undefined) args.push('--jms-version', options.jmsVersion);
  if (options.timeZone !== undefined) args.push('--time-zone', options.timeZone);
  if (options.linkHost !== undefined) args.push('--link-host', options.linkHost);
  if (options.sessionCookiePrefix !== undefined) args.push('--session-cookie-prefix', options.sessionCookiePrefix);
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined); // an emulator that failed to start closes stdin; the exit is reported below
  child.stdin.end(credentials);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise<RunningEmulator>((resolvePromise, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error('The JumpServer emulator did not start in time')), options.startTimeout ?? 15000);
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill();
      reject(error);
    }
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (options.verbose === true) process.stderr.write(chunk);
      else if (err.length < 4096) err += chunk;
    });
    child.once('error', (e) => fail(new Error(`Cannot run ${python}`, { cause: e })));
    const onEarlyExit = (code: number | null): void => {
      fail(new Error(`The JumpServer emulator exited with code ${String(code)}: ${err.trim()}`));
    };
    child.once('exit', onEarlyExit);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', function onData(chunk: string) {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith(`${EMULATOR_READY_PREFIX} `));
      if (line === undefined) return;
      child.stdout.off('data', onData);
      child.off('exit', onEarlyExit);
      clearTimeout(timer);
      child.stdout.resume();
      const url = line.slice(EMULATOR_READY_PREFIX.length + 1).trim();
      const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
        const response = await fetch(`${url}/__emulator__/${path}`, {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        });
        if (!response.ok) throw new Error(`Emulator control ${path} failed with ${response.status}`);
        return response.json();
      };
      resolvePromise({
        url,
        pid: child.pid,
        injectFailure: async (failure) => { await control('POST', 'fail', failure); },
        requests: async () => (await control('GET', 'log')) as EmulatorLogEntry[],
        reset: async () => { await control('POST', 'reset'); },
        expireTokens: async () => { await control('POST', 'expire-tokens'); },
        control,
        close: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill();
          await exited;
        },
      });
    });
  });
}
