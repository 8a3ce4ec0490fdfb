/** Internal: the signing options shared by `sign`, `request` and `explain`. */
import type { CavageAlgorithm, DigestAlgorithm, KeyInput, Rfc9421Algorithm, SignOptions } from '@httpsig/core';
import { CAVAGE_ALGORITHMS } from '@httpsig/core/cavage';
import { RFC9421_ALGORITHMS } from '@httpsig/core/rfc9421';
import {
  DEFAULT_WEB_BOT_AUTH_EXPIRES_IN, WEB_BOT_AUTH_NONCE_BYTES, webBotAuth, type SignatureAgentForm, type WebBotAuthAlgorithm,
} from '@httpsig/core/web-bot-auth';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from './io.js';
import { parseHeaderOptions, readData, normalizeUrl, type RequestInput } from './request-input.js';
import { findSecret, readSecretFile } from './secrets.js';

/** parseArgs option definitions shared by the signing commands. */
export const SIGNING_OPTIONS = {
  'key-id': { type: 'string' },
  'secret-file': { type: 'string' },
  'secret-env': { type: 'string' },
  'key-file': { type: 'string' },
  'passphrase-file': { type: 'string' },
  'passphrase-env': { type: 'string' },
  algorithm: { type: 'string' },
  headers: { type: 'string' },
  scheme: { type: 'string' },
  components: { type: 'string' },
  label: { type: 'string' },
  nonce: { type: 'string' },
  tag: { type: 'string' },
  digest: { type: 'string' },
  created: { type: 'boolean' },
  expires: { type: 'string' },
  jumpserver: { type: 'boolean' },
  org: { type: 'string' },
  'web-bot-auth': { type: 'boolean' },
  'signature-agent': { type: 'string' },
  'signature-agent-form': { type: 'string' },
  'random-nonce': { type: 'boolean' },
  method: { type: 'string', short: 'X' },
  header: { type: 'string', short: 'H', multiple: true },
  data: { type: 'string', short: 'd' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Help text of the shared signing options. */
export const SIGNING_HELP: string = `Request:
  -X, --method METHOD     HTTP method (default GET, or POST with --data)
  -H, --header "N: v"     a request header (repeatable)
  -d, --data TEXT|@FILE   the body; @- reads stdin
Signing:
  --key-id ID             the keyId (default env HTTPSIG_KEY_ID)
  --secret-file FILE      HMAC secret from a file (mode 600: others must not read it)
  --secret-env NAME       HMAC secret from env NAME (default: env HTTPSIG_SECRET)
  --key-file FILE         PEM private key (rsa-*, ecdsa-sha256, ed25519, hs2019; mode 600)
                          An encrypted key's passphrase: --passphrase-file FILE (mode 600),
                          --passphrase-env NAME (default env HTTPSIG_KEY_PASSPHRASE), else
                          asked on the terminal (no echo)
                          A secret (--secret-file/--secret-env) with --algorithm hs2019 is
                          HMAC-SHA512; a key file never is.
                          With none of these, the secret is asked on the terminal (no echo).
  --algorithm ALG         default hmac-sha256 (draft-cavage: ${CAVAGE_ALGORITHMS.join(', ')};
                          RFC 9421: ${RFC9421_ALGORITHMS.join(', ')})
  --headers "a b c"       header names to sign (default "(request-target) host date")
  --scheme authorization|signature|rfc9421
                          draft-cavage in Authorization (default) or Signature, or an RFC 9421
                          Signature-Input + Signature pair
  --components "a b c"    RFC 9421 covered components (default "@method @authority @path",
                          plus @query when there is a query), e.g. '@method @target-uri
                          content-digest "@query-param";name="id"'
  --label NAME            RFC 9421 signature label (default sig1)
  --nonce TEXT, --tag TEXT  RFC 9421 nonce and tag parameters
  --digest SHA-256|SHA-512           add and sign a Digest (RFC 9421: Content-Digest) of the body
  --created               add created=now;  --expires SECONDS  add expires=now+SECONDS
  --jumpserver            JumpServer preset: sign "(request-target) accept date" (+ x-jms-org),
                          send Accept: application/json; --org UUID sends X-JMS-ORG
Web Bot Auth (sign as a bot; RFC 9421):
  --web-bot-auth          with --key-file (Ed25519, or RSA: rsa-pss-sha512): keyid = the key's
                          JWK thumbprint, tag "web-bot-auth", alg, created, expires=created+${DEFAULT_WEB_BOT_AUTH_EXPIRES_IN}
                          (--expires SECONDS), covering @authority (--components to add more)
  --signature-agent URL   send and cover Signature-Agent: the https origin of your key directory
  --signature-agent-form dictionary|string
                          sig1="URL" (default, the draft's) or the legacy "URL" (Cloudflare 0.1.3)
  --random-nonce          add a nonce of ${WEB_BOT_AUTH_NONCE_BYTES} random bytes (or --nonce TEXT)`;

/** The values parseArgs gives for {@link SIGNING_OPTIONS}. */
export interface SigningValues {
  'key-id'?: string | undefined;
  'secret-file'?: string | undefined;
  'secret-env'?: string | undefined;
  'key-file'?: string | undefined;
  'passphrase-file'?: string | undefined;
  'passphrase-env'?: string | undefined;
  algorithm?: string | undefined;
  headers?: string | undefined;
  scheme?: string | undefined;
  components?: string | undefined;
  label?: string | undefined;
  nonce?: string | undefined;
  tag?: string | undefined;
  digest?: string | undefined;
  created?: boolean | undefined;
  expires?: string | undefined;
  jumpserver?: boolean | undefined;
  org?: string | undefined;
  'web-bot-auth'?: boolean | undefined;
  'signature-agent'?: string | undefined;
  'signature-agent-form'?: string | undefined;
  'random-nonce'?: boolean | undefined;
  method?: string | undefined;
  header?: string[] | undefined;
  data?: string | undefined;
  json?: boolean | undefined;
}

/**
 * Build the request from the options and the URL.
 *
 * @param io - streams.
 * @param values - the options.
 * @param url - the URL argument.
 * @param allowPath - accept a path instead of an absolute URL.
 * @returns the request.
 * @throws UsageError for bad input.
 */
export async function requestFromOptions(io: CliIo, values: SigningValues, url: string | undefined, allowPath: boolean): Promise<RequestInput> {
  const body = await readData(io, values.data);
  const headers = parseHeaderOptions(values.header);
  if (values.jumpserver === true) {
    if (!headers.some(([n]) => n.toLowerCase() === 'accept')) headers.push(['Accept', 'application/json']);
    if (values.org !== undefined && !headers.some(([n]) => n.toLowerCase() === 'x-jms-org')) headers.push(['X-JMS-ORG', values.org]);
  } else if (values.org !== undefined) {
    throw new UsageError('--org needs --jumpserver (or pass -H "X-JMS-ORG: …")');
  }
  let target = normalizeUrl(url, allowPath);
  if (values.jumpserver === true && !target.startsWith('/')) {
    const parsed = new URL(target);
    if (!parsed.pathname.endsWith('/')) {
      parsed.pathname += '/';
      target = parsed.href;
    }
  }
  const method = (values.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError('The method must be letters only');
  return { method, url: target, headers, body };
}

/**
 * Build core sign options from the command-line options, reading the key from a file, the environment or
 * a prompt.
 *
 * @param io - streams and environment.
 * @param values - the options.
 * @param body - the body, for a digest.
 * @param keyOptional - return undefined instead of asking when no key is available (for `explain`).
 * @returns the options, or undefined when `keyOptional` and no key is available.
 * @throws UsageError for bad input or a missing key id.
 */
export async function signOptionsFrom(
  io: CliIo,
  values: SigningValues,
  body: Uint8Array | undefined,
  keyOptional = false,
): Promise<SigningChoice> {
  if (values['web-bot-auth'] === true) return webBotAuthOptions(io, values, body);
  for (const name of ['signature-agent', 'signature-agent-form', 'random-nonce'] as const) {
    if (values[name] !== undefined) throw new UsageError(`--${name} is a Web Bot Auth option: add --web-bot-auth`);
  }
  const keyId = values['key-id'] ?? io.env['HTTPSIG_KEY_ID'];
  if (keyId === undefined || keyId === '') throw new UsageError('No key id: pass --key-id or set HTTPSIG_KEY_ID');
  if (values.scheme === 'rfc9421') return rfc9421Options(io, values, body, keyOptional, keyId);
  for (const name of ['components', 'label', 'nonce', 'tag'] as const) {
    if (values[name] !== undefined) throw new UsageError(`--${name} is an RFC 9421 option: add --scheme rfc9421`);
  }
  const algorithm = (values.algorithm ?? 'hmac-sha256').toLowerCase();
  if (!(CAVAGE_ALGORITHMS as readonly string[]).includes(algorithm)) throw new UsageError(`Unknown algorithm "${algorithm.slice(0, 30)}"`);
  const headers = values.headers !== undefined
    ? values.headers.split(/[\s,]+/).filter((h) => h !== '').map((h) => h.toLowerCase())
    : values.jumpserver === true
      ? ['(request-target)', 'accept', 'date', ...(values.org !== undefined ? ['x-jms-org'] : [])]
      : ['(request-target)', 'host', 'date'];
  if (values.scheme !== undefined && values.scheme !== 'authorization' && values.scheme !== 'signature') {
    throw new UsageError('--scheme must be authorization, signature or rfc9421');
  }
  if (values.digest !== undefined && values.digest !== 'SHA-256' && values.digest !== 'SHA-512') throw new UsageError('--digest must be SHA-256 or SHA-512');
  if (values.digest !== undefined && !headers.includes('digest')) headers.push('digest');
  const { key, isSecret } = await keyFrom(io, values, keyOptional, keyId);
  if (key === undefined) return { scheme: 'cavage', options: undefined, keyId, algorithm: algorithm as CavageAlgorithm, headers };
  const now = Math.floor(Date.now() / 1000);
  const expires = expiresFrom(values, now);
  const options: SignOptions = {
    keyId,
    key,
    algorithm: algorithm as CavageAlgorithm,
    headers,
    ...(isSecret && algorithm === 'hs2019' ? { hs2019: 'hmac-sha512' as const } : {}),
    ...(values.scheme === undefined ? {} : { scheme: values.scheme }),
    ...(values.digest === undefined ? {} : { digest: values.digest as DigestAlgorithm }),
    ...(values.created === true ? { created: now } : {}),
    ...(expires === undefined ? {} : { expires }),
    ...(body === undefined ? {} : { body }),
  };
  return { scheme: 'cavage', options, keyId, algorithm: algorithm as CavageAlgorithm, headers };
}

/** What {@link signOptionsFrom} decided: the scheme, the options (undefined without a key) and what is covered. */
export interface SigningChoice {
  /** `cavage` (Authorization or Signature header) or `rfc9421` (Signature-Input + Signature). */
  scheme: 'cavage' | 'rfc9421';
  /** Core sign options, or undefined when no key was available and it was optional. */
  options: SignOptions | undefined;
  /** The key id. */
  keyId: string;
  /** The algorithm name. */
  algorithm: string;
  /** draft-cavage: the signed header names; RFC 9421: the covered components given (empty for the default). */
  headers: string[];
}

/** An encrypted PKCS#8 PEM, or a traditional OpenSSL one (`Proc-Type: 4,ENCRYPTED`). */
const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type:\s*4,ENCRYPTED/m;

/** The key: `--key-file` (PEM; an encrypted one with its passphrase), else an HMAC secret from `--secret-file`, the environment or a prompt. */
async function keyFrom(io: CliIo, values: SigningValues, keyOptional: boolean, keyId: string): Promise<{ key: KeyInput | undefined; isSecret: boolean }> {
  if (values['key-file'] === undefined && (values['passphrase-file'] !== undefined || values['passphrase-env'] !== undefined)) {
    throw new UsageError('A passphrase goes with an encrypted --key-file');
  }
  if (values['key-file'] !== undefined) {
    const pem = readSecretFile(values['key-file'], 'key');
    if (!ENCRYPTED_PEM.test(pem)) return { key: pem, isSecret: false };
    const passphrase = await findSecret(io, {
      file: values['passphrase-file'],
      envNames: [values['passphrase-env'] ?? 'HTTPSIG_KEY_PASSPHRASE'],
      promptText: `Passphrase for ${values['key-file']}: `,
    }, 'passphrase');
    if (passphrase === undefined) throw new UsageError('No passphrase for the encrypted key');
    return { key: { pem, passphrase }, isSecret: false };
  }
  const envNames = values['secret-env'] !== undefined ? [values['secret-env']] : ['HTTPSIG_SECRET'];
  const key = await findSecret(io, {
    file: values['secret-file'],
    envNames,
    ...(keyOptional ? {} : { promptText: `Secret for key ${keyId}: ` }),
  }, 'secret');
  // Whether the key was named as an HMAC secret: only then does hs2019 mean HMAC-SHA512.
  return { key, isSecret: true };
}

function expiresFrom(values: SigningValues, now: number): number | undefined {
  if (values.expires === undefined) return undefined;
  const seconds = Number(values.expires);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new UsageError('--expires needs a positive number of seconds');
  return now + seconds;
}

/**
 * Split `--components`: whitespace-separated component identifiers, where a quoted name or parameter value
 * may hold spaces (`"@query-param";name="a b"`).
 *
 * @param text - the option value.
 * @returns the identifiers.
 * @throws UsageError for an unterminated quote.
 */
export function splitComponents(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (!quoted && /\s/.test(char)) {
      if (current !== '') out.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (quoted) throw new UsageError('--components has an unterminated quote');
  if (current !== '') out.push(current);
  return out;
}

async function rfc9421Options(
  io: CliIo,
  values: SigningValues,
  body: Uint8Array | undefined,
  keyOptional: boolean,
  keyId: string,
): Promise<SigningChoice> {
  if (values.jumpserver === true) throw new UsageError('JumpServer reads only draft-cavage signatures: drop --scheme rfc9421 or --jumpserver');
  if (values.headers !== undefined) throw new UsageError('--headers is draft-cavage: with --scheme rfc9421 use --components');
  if (values.created === true) throw new UsageError('--created is implied by --scheme rfc9421 (created is always added)');
  const algorithm = (values.algorithm ?? 'hmac-sha256').toLowerCase();
  if (!(RFC9421_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new UsageError(`Unknown RFC 9421 algorithm "${algorithm.slice(0, 30)}" (${RFC9421_ALGORITHMS.join(', ')})`);
  }
  if (values.digest !== undefined && values.digest !== 'SHA-256' && values.digest !== 'SHA-512') throw new UsageError('--digest must be SHA-256 or SHA-512');
  if (values.digest !== undefined && body === undefined) throw new UsageError('--digest needs a body (--data)');
  if (values.label !== undefined && !/^[a-z*][a-z0-9_.*-]{0,63}$/.test(values.label)) throw new UsageError('--label must be a lower-case structured-field key (e.g. sig1)');
  const components = values.components === undefined ? [] : splitComponents(values.components);
  const { key } = await keyFrom(io, values, keyOptional, keyId);
  if (key === undefined) return { scheme: 'rfc9421', options: undefined, keyId, algorithm, headers: components };
  const now = Math.floor(Date.now() / 1000);
  const expires = expiresFrom(values, now);
  const options: SignOptions = {
    scheme: 'rfc9421',
    keyId,
    key,
    algorithm: algorithm as Rfc9421Algorithm,
    created: now,
    ...(components.length === 0 ? {} : { components }),
    ...(values.label === undefined ? {} : { label: values.label }),
    ...(values.nonce === undefined ? {} : { nonce: values.nonce }),
    ...(values.tag === undefined ? {} : { tag: values.tag }),
    ...(values.digest === undefined ? {} : { digest: values.digest as DigestAlgorithm }),
    ...(expires === undefined ? {} : { expires }),
    ...(body === undefined ? {} : { body }),
  };
  return { scheme: 'rfc9421', options, keyId, algorithm, headers: components };
}

/**
 * `--web-bot-auth`: core's `webBotAuth` preset from a private key file; keyid is the key's thumbprint, so
 * `--key-id` and the options the preset fixes (tag, created, headers, an HMAC secret) are refused.
 */
async function webBotAuthOptions(io: CliIo, values: SigningValues, body: Uint8Array | undefined): Promise<SigningChoice> {
  const fixed = { 'key-id': 'keyid is the key\'s JWK thumbprint', tag: 'the tag is web-bot-auth', created: 'created is always added',
    headers: 'use --components', jumpserver: 'JumpServer reads only draft-cavage', 'secret-file': 'Web Bot Auth forbids shared secrets',
    'secret-env': 'Web Bot Auth forbids shared secrets' } as const;
  for (const [name, why] of Object.entries(fixed)) {
    if (values[name as keyof typeof fixed] !== undefined) throw new UsageError(`--${name} does not go with --web-bot-auth (${why})`);
  }
  if (values.scheme !== undefined && values.scheme !== 'rfc9421') throw new UsageError('--web-bot-auth signs with RFC 9421');
  if (values['key-file'] === undefined) throw new UsageError('--web-bot-auth needs --key-file (an Ed25519 or RSA private key)');
  if (values.algorithm !== undefined && values.algorithm !== 'ed25519' && values.algorithm !== 'rsa-pss-sha512') {
    throw new UsageError('--web-bot-auth signs with ed25519 or rsa-pss-sha512');
  }
  const form = values['signature-agent-form'];
  if (form !== undefined && form !== 'dictionary' && form !== 'string') throw new UsageError('--signature-agent-form must be dictionary or string');
  if (form !== undefined && values['signature-agent'] === undefined) throw new UsageError('--signature-agent-form needs --signature-agent');
  if (values.nonce !== undefined && values['random-nonce'] === true) throw new UsageError('--nonce and --random-nonce do not go together');
  if (values.digest !== undefined && values.digest !== 'SHA-256' && values.digest !== 'SHA-512') throw new UsageError('--digest must be SHA-256 or SHA-512');
  if (values.digest !== undefined && body === undefined) throw new UsageError('--digest needs a body (--data)');
  let expiresIn: number | undefined;
  if (values.expires !== undefined) {
    expiresIn = Number(values.expires);
    if (!Number.isInteger(expiresIn) || expiresIn <= 0) throw new UsageError('--expires needs a positive number of seconds');
  }
  const { key } = await keyFrom(io, values, false, 'web-bot-auth');
  let preset;
  try {
    preset = await webBotAuth({
      key: key as KeyInput,
      algorithm: values.algorithm as WebBotAuthAlgorithm | undefined,
      signatureAgent: values['signature-agent'],
      signatureAgentForm: form as SignatureAgentForm | undefined,
      label: values.label,
      components: values.components === undefined ? undefined : splitComponents(values.components),
      expiresIn,
      nonce: values['random-nonce'] === true,
    });
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  const options: SignOptions = {
    ...preset,
    ...(values.nonce === undefined ? {} : { nonce: values.nonce }),
    ...(values.digest === undefined ? {} : { digest: values.digest as DigestAlgorithm }),
    ...(body === undefined ? {} : { body }),
  };
  return { scheme: 'rfc9421', options, keyId: preset.keyId as string, algorithm: preset.algorithm, headers: [...(preset.components ?? [])] };
}
