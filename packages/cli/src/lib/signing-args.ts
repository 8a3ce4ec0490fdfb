/** Internal: the signing options shared by `sign`, `request` and `explain`. */
import type { CavageAlgorithm, DigestAlgorithm, KeyInput, SignOptions } from '@httpsig/core';
import { CAVAGE_ALGORITHMS } from '@httpsig/core/cavage';
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
  algorithm: { type: 'string' },
  headers: { type: 'string' },
  scheme: { type: 'string' },
  digest: { type: 'string' },
  created: { type: 'boolean' },
  expires: { type: 'string' },
  jumpserver: { type: 'boolean' },
  org: { type: 'string' },
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
                          A secret (--secret-file/--secret-env) with --algorithm hs2019 is
                          HMAC-SHA512; a key file never is.
                          With none of these, the secret is asked on the terminal (no echo).
  --algorithm ALG         default hmac-sha256 (${CAVAGE_ALGORITHMS.join(', ')})
  --headers "a b c"       header names to sign (default "(request-target) host date")
  --scheme authorization|signature   where the signature goes (default authorization)
  --digest SHA-256|SHA-512           add and sign a Digest of the body
  --created               add created=now;  --expires SECONDS  add expires=now+SECONDS
  --jumpserver            JumpServer preset: sign "(request-target) accept date" (+ x-jms-org),
                          send Accept: application/json; --org UUID sends X-JMS-ORG`;

/** The values parseArgs gives for {@link SIGNING_OPTIONS}. */
export interface SigningValues {
  'key-id'?: string | undefined;
  'secret-file'?: string | undefined;
  'secret-env'?: string | undefined;
  'key-file'?: string | undefined;
  algorithm?: string | undefined;
  headers?: string | undefined;
  scheme?: string | undefined;
  digest?: string | undefined;
  created?: boolean | undefined;
  expires?: string | undefined;
  jumpserver?: boolean | undefined;
  org?: string | undefined;
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
): Promise<{ options: SignOptions | undefined; keyId: string; algorithm: CavageAlgorithm; headers: string[] }> {
  const keyId = values['key-id'] ?? io.env['HTTPSIG_KEY_ID'];
  if (keyId === undefined || keyId === '') throw new UsageError('No key id: pass --key-id or set HTTPSIG_KEY_ID');
  const algorithm = (values.algorithm ?? 'hmac-sha256').toLowerCase();
  if (!(CAVAGE_ALGORITHMS as readonly string[]).includes(algorithm)) throw new UsageError(`Unknown algorithm "${algorithm.slice(0, 30)}"`);
  const headers = values.headers !== undefined
    ? values.headers.split(/[\s,]+/).filter((h) => h !== '').map((h) => h.toLowerCase())
    : values.jumpserver === true
      ? ['(request-target)', 'accept', 'date', ...(values.org !== undefined ? ['x-jms-org'] : [])]
      : ['(request-target)', 'host', 'date'];
  if (values.scheme !== undefined && values.scheme !== 'authorization' && values.scheme !== 'signature') {
    throw new UsageError('--scheme must be authorization or signature');
  }
  if (values.digest !== undefined && values.digest !== 'SHA-256' && values.digest !== 'SHA-512') throw new UsageError('--digest must be SHA-256 or SHA-512');
  if (values.digest !== undefined && !headers.includes('digest')) headers.push('digest');
  let key: KeyInput | undefined;
  // Whether the key was named as an HMAC secret: only then does hs2019 mean HMAC-SHA512.
  let isSecret = false;
  if (values['key-file'] !== undefined) {
    key = readSecretFile(values['key-file'], 'key');
  } else {
    isSecret = true;
    const envNames = values['secret-env'] !== undefined ? [values['secret-env']] : ['HTTPSIG_SECRET'];
    key = await findSecret(io, {
      file: values['secret-file'],
      envNames,
      ...(keyOptional ? {} : { promptText: `Secret for key ${keyId}: ` }),
    }, 'secret');
  }
  if (key === undefined) return { options: undefined, keyId, algorithm: algorithm as CavageAlgorithm, headers };
  const now = Math.floor(Date.now() / 1000);
  let expires: number | undefined;
  if (values.expires !== undefined) {
    const seconds = Number(values.expires);
    if (!Number.isInteger(seconds) || seconds <= 0) throw new UsageError('--expires needs a positive number of seconds');
    expires = now + seconds;
  }
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
  return { options, keyId, algorithm: algorithm as CavageAlgorithm, headers };
}
