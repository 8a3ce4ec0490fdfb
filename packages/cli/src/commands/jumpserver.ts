/** `httpsig jumpserver login|api`: JumpServer from the shell. */
import { JumpServerClient, isJumpServerError, login, type JumpServerError, type OtpInput, type TotpAlgorithm } from '@httpsig/jumpserver';
import { saveToken } from '../lib/jumpserver-save.js';
import { EXIT_CODES, UsageError, type ExitCode } from '../exit-codes.js';
import { parseOptions } from '../lib/args.js';
import { readAll, type CliIo } from '../lib/io.js';
import { readConfig, resolveConnection } from '../lib/jumpserver-config.js';
import { printJson } from '../lib/output.js';
import { prompt } from '../lib/prompt.js';
import { readData } from '../lib/request-input.js';
import { findSecret, readSecretFile } from '../lib/secrets.js';

/** Help of `httpsig jumpserver`. */
export const JUMPSERVER_HELP: string = `Usage: httpsig jumpserver <command> [options]

Commands:
  login                   log in with user name + password (+ MFA), print the token as JSON
  api METHOD PATH         call the REST API with an access key or a token

Run "httpsig jumpserver <command> --help" for the options of each.
`;

/** Help of `httpsig jumpserver login`. */
export const LOGIN_HELP: string = `Usage: httpsig jumpserver login [options]

Log in and print {"token", "keyword", "expiresAt", "user"} as JSON. MFA is completed
when the server asks (v2+: session-cookie challenge, SMS/e-mail codes sent through
mfa/select/; v1: seed), and a login-review ticket can be waited for.

  --url URL               JumpServer base URL (default env JMS_URL)
  --username NAME         default env JMS_USERNAME, else asked
  --password-file FILE    the password from a file (else env JMS_PASSWORD, else
  --password-stdin        asked without echo; or read from stdin with --password-stdin)
  --totp-secret-file FILE base32 TOTP secret to compute the code (else env JMS_TOTP_SECRET)
  --totp-algorithm ALG    SHA-1 (default), SHA-256 or SHA-512
                          A code can be given in env JMS_OTP; otherwise it is asked on the
                          terminal only when the server requires MFA.
  --mfa-type TYPE         otp, sms, email or radius when the server offers several
                          (default otp when offered)
  --api-version V         auto (default), v2 or v1
  --login-path P          auth (default) or tokens (the same view, older name)
  --wait-confirm          wait while a login-review ticket is open (progress on stderr)
  --confirm-timeout SEC   how long to wait for the approval (default 300)
  --token-only            print only the token (for TOKEN=$(…))
  --save                  also write url, username, token and its expiry to the config
                          file (--config FILE, else the default), created with mode 600
  --config FILE           the config file for --save

Exit codes: 0 ok, 2 usage, 4 login, MFA or review refused, 5 server unreachable, 1 other.
`;

/** Help of `httpsig jumpserver api`. */
export const API_HELP: string = `Usage: httpsig jumpserver api [options] METHOD PATH

Call JumpServer's API and print the JSON answer. The trailing slash is added to PATH;
failures print the server's message and a hint.

  -d, --data JSON|@FILE   the JSON body (@- reads stdin)
  -q, --query NAME=VALUE  a query parameter (repeatable)
  --org ORG               X-JMS-ORG: an org id, an org name, or default/root/system
                          (default env JMS_ORG / config "org"). An unknown org silently
                          runs in the Default org; --confirm-org checks it first.
  --confirm-org           ask orgs/orgs/current/ which org the server uses; exit 4 if it
                          is not the one given
  --paginate              follow "next" links; print one JSON item per line (NDJSON)
                          as they arrive (progress on stderr when it is a terminal)
  --limit N               page size with --paginate (default 100)
  --max-items N           stop after N items with --paginate
  --url URL               base URL (default env JMS_URL / config "url")
  --config FILE           config file (default env HTTPSIG_JUMPSERVER_CONFIG, else
                          ~/.config/httpsig/jumpserver.json)
Credentials, first found: env JMS_ACCESS_KEY_ID + JMS_ACCESS_KEY_SECRET (or
JMS_ACCESS_KEY_SECRET_FILE), env JMS_TOKEN (bearer), env JMS_PRIVATE_TOKEN, then the
config file fields accessKeyId + accessKeySecret|accessKeySecretFile, token, privateToken.

Exit codes: 0 ok, 1 HTTP error, 2 usage, 4 401/403 (hint printed), 5 unreachable.

Example:
  JMS_URL=https://jms.example.com JMS_ACCESS_KEY_ID=… JMS_ACCESS_KEY_SECRET=… \\
    httpsig jumpserver api GET /api/v1/assets/assets --paginate
`;

/** The options of `httpsig jumpserver login`. */
export const LOGIN_OPTIONS = {
  url: { type: 'string' },
  username: { type: 'string' },
  'password-file': { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'totp-secret-file': { type: 'string' },
  'totp-algorithm': { type: 'string' },
  'mfa-type': { type: 'string' },
  'api-version': { type: 'string' },
  'login-path': { type: 'string' },
  'wait-confirm': { type: 'boolean' },
  'confirm-timeout': { type: 'string' },
  'token-only': { type: 'boolean' },
  save: { type: 'boolean' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The options of `httpsig jumpserver api`. */
export const API_OPTIONS = {
  data: { type: 'string', short: 'd' },
  query: { type: 'string', short: 'q', multiple: true },
  org: { type: 'string' },
  'confirm-org': { type: 'boolean' },
  paginate: { type: 'boolean' },
  limit: { type: 'string' },
  'max-items': { type: 'string' },
  url: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Run `httpsig jumpserver …`.
 *
 * @param args - the arguments after `jumpserver`.
 * @param io - streams and environment.
 * @returns the exit code.
 */
export async function jumpserverCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'login') return await loginCommand(rest, io);
    if (sub === 'api') return await apiCommand(rest, io);
  } catch (error) {
    if (isJumpServerError(error)) return reportJumpServerError(error, io);
    throw error;
  }
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(JUMPSERVER_HELP);
    return sub === undefined ? EXIT_CODES.USAGE : EXIT_CODES.OK;
  }
  throw new UsageError(`Unknown jumpserver command "${sub.slice(0, 30)}" (login, api)`);
}

/** The codes that exit with {@link EXIT_CODES.AUTH_FAILED}. */
const AUTH_CODES: readonly string[] = [
  'ERR_JMS_AUTHENTICATION', 'ERR_JMS_PERMISSION', 'ERR_JMS_LOGIN_FAILED', 'ERR_JMS_MFA_REQUIRED', 'ERR_JMS_MFA_FAILED',
  'ERR_JMS_MFA_UNSET', 'ERR_JMS_PASSWORD_EXPIRED', 'ERR_JMS_LOGIN_CONFIRM_WAIT', 'ERR_JMS_LOGIN_CONFIRM_REJECTED',
  'ERR_JMS_LOGIN_CONFIRM_TIMEOUT', 'ERR_JMS_IP_NOT_ALLOWED', 'ERR_JMS_ORG_MISMATCH',
];

function reportJumpServerError(error: JumpServerError, io: CliIo): ExitCode {
  io.stderr.write(`httpsig: ${error.code}: ${error.message}${error.detail === undefined ? '' : ` (server: ${error.detail})`}\n`);
  io.stderr.write(`hint: ${error.hint}\n`);
  if (error.code === 'ERR_JMS_NETWORK') return EXIT_CODES.NETWORK;
  if (AUTH_CODES.includes(error.code)) return EXIT_CODES.AUTH_FAILED;
  return EXIT_CODES.HTTP_ERROR;
}

async function loginCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseOptions(args, LOGIN_OPTIONS);
  if (values.help === true) {
    io.stdout.write(LOGIN_HELP);
    return EXIT_CODES.OK;
  }
  const url = values.url ?? io.env['JMS_URL'];
  if (url === undefined || url === '') throw new UsageError('No JumpServer URL: pass --url or set JMS_URL');
  const version = values['api-version'] ?? 'auto';
  if (version !== 'auto' && version !== 'v1' && version !== 'v2') throw new UsageError('--api-version must be auto, v2 or v1');
  const loginPath = values['login-path'] ?? 'auth';
  if (loginPath !== 'auth' && loginPath !== 'tokens') throw new UsageError('--login-path must be auth or tokens');
  const confirmTimeout = values['confirm-timeout'] === undefined ? 300 : Number(values['confirm-timeout']);
  if (!Number.isFinite(confirmTimeout) || confirmTimeout < 0) throw new UsageError('--confirm-timeout needs a number of seconds');
  const algorithm = (values['totp-algorithm'] ?? 'SHA-1').toUpperCase().replace(/^SHA(\d)/, 'SHA-$1') as TotpAlgorithm;
  if (!['SHA-1', 'SHA-256', 'SHA-512'].includes(algorithm)) throw new UsageError('--totp-algorithm must be SHA-1, SHA-256 or SHA-512');
  const username = values.username ?? nonEmpty(io.env['JMS_USERNAME']) ?? await prompt(io, 'Username: ', false, 'user name (--username or JMS_USERNAME)');
  let password: string | undefined;
  if (values['password-stdin'] === true) {
    password = new TextDecoder().decode(await readAll(io.stdin)).replace(/\r?\n$/, '');
    if (password === '') throw new UsageError('No password on stdin');
  } else {
    password = await findSecret(io, { file: values['password-file'], envNames: ['JMS_PASSWORD'], promptText: `Password for ${username}: ` }, 'password');
  }
  if (password === undefined) throw new UsageError('No password');
  const totpSecret = values['totp-secret-file'] !== undefined ? readSecretFile(values['totp-secret-file'], 'TOTP secret') : nonEmpty(io.env['JMS_TOTP_SECRET']);
  const code = nonEmpty(io.env['JMS_OTP']);
  const otp: OtpInput = totpSecret !== undefined
    ? { secret: totpSecret, algorithm }
    : code !== undefined
      ? code
      : () => prompt(io, 'MFA code: ', true, 'MFA code (JMS_OTP, JMS_TOTP_SECRET or --totp-secret-file)');
  let result;
  try {
    result = await login({
      baseUrl: url, username, password, otp, apiVersion: version, loginPath, mfaType: values['mfa-type'],
      waitForConfirm: values['wait-confirm'] === true ? { timeout: confirmTimeout } : false,
      onConfirmWait: (ticketId) => {
        io.stderr.write(`Waiting for an approver to accept login ticket ${ticketId} (up to ${String(confirmTimeout)} s)…\n`);
      },
    });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
  if (values.save === true) {
    const file = saveToken(io, values.config, { url, username, token: result.token, tokenExpiresAt: result.expiresAt.toISOString() });
    io.stderr.write(`Saved the token to ${file} (mode 600).\n`);
  }
  if (values['token-only'] === true) {
    io.stdout.write(`${result.token}\n`);
  } else {
    printJson(io, { token: result.token, keyword: result.keyword, expiresAt: result.expiresAt.toISOString(), user: result.user });
  }
  return EXIT_CODES.OK;
}

async function apiCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, API_OPTIONS, true);
  if (values.help === true) {
    io.stdout.write(API_HELP);
    return EXIT_CODES.OK;
  }
  const [method, path, ...extra] = positionals;
  if (method === undefined || path === undefined || extra.length > 0) throw new UsageError('Usage: httpsig jumpserver api METHOD PATH');
  const verb = method.toUpperCase();
  if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(verb)) throw new UsageError(`Unknown method "${method.slice(0, 20)}"`);
  const connection = resolveConnection(io, readConfig(io, values.config), values.url, values.org);
  const query: Record<string, string> = {};
  for (const pair of values.query ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError('--query needs NAME=VALUE');
    query[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const bytes = await readData(io, values.data);
  let body: unknown;
  if (bytes !== undefined) {
    const text = new TextDecoder().decode(bytes);
    try {
      body = JSON.parse(text);
    } catch {
      throw new UsageError('--data must be JSON');
    }
  }
  let client: JumpServerClient;
  try {
    client = new JumpServerClient({ baseUrl: connection.url, auth: connection.auth, org: connection.org, confirmOrg: values['confirm-org'] === true });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
  if (values.paginate !== true && (values['max-items'] !== undefined || values.limit !== undefined)) {
    throw new UsageError('--limit and --max-items go with --paginate (or pass -q limit=N)');
  }
  if (values.paginate === true) {
    if (verb !== 'GET') throw new UsageError('--paginate works with GET only');
    const requested = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(requested) || requested < 1) throw new UsageError('--limit needs a positive integer');
    const maxItems = values['max-items'] === undefined ? Number.POSITIVE_INFINITY : Number(values['max-items']);
    if (values['max-items'] !== undefined && (!Number.isInteger(maxItems) || maxItems < 1)) throw new UsageError('--max-items needs a positive integer');
    const limit = Math.min(requested, maxItems);
    const progress = io.stderr.isTTY === true;
    let count = 0;
    try {
      for await (const item of client.paginate(path, { limit, query })) {
        io.stdout.write(`${JSON.stringify(item)}\n`);
        count++;
        if (progress && count % limit === 0) io.stderr.write(`\r${String(count)} items…`);
        if (count >= maxItems) break;
      }
    } finally {
      if (progress) io.stderr.write(`\r${String(count)} items${' '.repeat(8)}\n`);
    }
    return EXIT_CODES.OK;
  }
  const answer = await client.request(verb, path, { query, ...(body === undefined ? {} : { body }) });
  if (answer !== undefined) printJson(io, answer);
  return EXIT_CODES.OK;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
