/** `httpsig verify`: check the signature of a raw HTTP request and explain a failure. */
import { readFileSync } from 'node:fs';
import { isHttpSignatureError, verify, type CavageAlgorithm, type SignatureParameters, type VerifyOptions } from '@httpsig/core';
import { originFormOf, parseHttpDate, parseRequestTarget } from '@httpsig/core/adapter';
import { buildSigningString, parseSignatureHeader } from '@httpsig/core/cavage';
import { EXIT_CODES, UsageError, type ExitCode } from '../exit-codes.js';
import { parseOptions } from '../lib/args.js';
import { readAll, type CliIo } from '../lib/io.js';
import { lintSignature } from '../lib/lint.js';
import { printJson } from '../lib/output.js';
import { parseRawRequest, type RawRequest } from '../lib/raw-request.js';
import { headerValue } from '../lib/request-input.js';
import { assertPrivate } from '../lib/private-file.js';
import { isKeyFetchCode, keyFetchCause, remoteCavageLookup, remoteKeyGuard } from '../lib/remote-key.js';
import { findSecret, keyFileText, readKeyFile } from '../lib/secrets.js';
import { verifyRfc9421Request, type VerifyKey } from './verify-rfc9421.js';

/** Help of `httpsig verify`. */
export const VERIFY_HELP: string = `Usage: httpsig verify [options] [FILE|-]

Verify the HTTP signature of a raw HTTP request (request line, headers, blank line, body)
read from FILE or stdin. On failure, print the exact signing string the request gives and
the likely cause. Exit code 0 when valid, 3 when not, 2 for bad usage, 6 when the
--remote-key could not be fetched.

Key (never on the command line):
  --secret-file FILE      HMAC secret from a file (mode 600: others must not read it)
  --secret-env NAME       HMAC secret from env NAME (default: env HTTPSIG_SECRET)
  --key-file FILE         PEM public key (rsa-*, ecdsa-sha256, ed25519, hs2019); any other
                          content is refused: an HMAC secret goes in --secret-file
  --key-id ID             only accept this keyId
  --remote-key            fetch the key of the keyId URL (ActivityPub actor or key document,
                          Multikey, JWK set) with @httpsig/keys: https only, public addresses
                          only, size and time limits
  --allow-http            with --remote-key: also fetch http: keyIds
  --allow-private-addresses  with --remote-key: also fetch from loopback and private
                          addresses (a test host; cloud metadata addresses stay refused)
Policy:
  --algorithm ALG         the algorithm allowed (default: any HMAC with a secret, the
                          signature's own asymmetric algorithm with a key file)
  --required-headers "…"  headers that must be signed (default "(request-target) date")
  --clock-skew SECONDS    allowed Date/created/expires difference (default 300)
  --now TIME              check as of TIME (Unix seconds or an HTTP date), for old captures
  --jumpserver            as JumpServer: Date not checked, (request-target) and date required
  --json                  {"ok", "keyId", "algorithm", "headers", "signingString", "code", "cause"}
RFC 9421 (chosen by --scheme rfc9421, or when the request has Signature-Input and no
Authorization: Signature):
  --label NAME            verify this signature (default: the first that meets the policy)
  --required-components "…"  components that must be covered (default "@method @authority @path")
  --tag TEXT              require this tag parameter
  --max-age SECONDS       refuse a signature created longer ago
  --https                 the request came over https (for @scheme and @target-uri)
  --algorithm ALG         with --key-file: the key's algorithm (required); a secret is hmac-sha256;
                          with --remote-key it comes from the fetched key (this narrows it)

Example:
  HTTPSIG_SECRET=… httpsig verify --jumpserver captured-request.txt
`;

/** The options of `httpsig verify`. */
export const VERIFY_OPTIONS = {
  'secret-file': { type: 'string' },
  'secret-env': { type: 'string' },
  'key-file': { type: 'string' },
  'key-id': { type: 'string' },
  'remote-key': { type: 'boolean' },
  'allow-http': { type: 'boolean' },
  'allow-private-addresses': { type: 'boolean' },
  algorithm: { type: 'string' },
  'required-headers': { type: 'string' },
  'clock-skew': { type: 'string' },
  now: { type: 'string' },
  jumpserver: { type: 'boolean' },
  json: { type: 'boolean' },
  scheme: { type: 'string' },
  label: { type: 'string' },
  'required-components': { type: 'string' },
  tag: { type: 'string' },
  'max-age': { type: 'string' },
  https: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HMAC: readonly CavageAlgorithm[] = ['hmac-sha256', 'hmac-sha1', 'hmac-sha512'];

/**
 * Run `httpsig verify`.
 *
 * @param args - the arguments after `verify`.
 * @param io - streams and environment.
 * @returns the exit code.
 */
export async function verifyCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, VERIFY_OPTIONS, true);
  if (values.help === true) {
    io.stdout.write(VERIFY_HELP);
    return EXIT_CODES.OK;
  }
  const source = positionals[0] ?? '-';
  let bytes: Uint8Array;
  if (source === '-') {
    bytes = await readAll(io.stdin);
  } else {
    try {
      bytes = new Uint8Array(readFileSync(source));
    } catch {
      throw new UsageError(`Cannot read the request file ${source}`);
    }
  }
  const raw = parseRawRequest(bytes);
  const guard = remoteKeyGuard(values);
  let key = '';
  let algorithms: CavageAlgorithm[] = [];
  // Whether the key was named as an HMAC secret (then hs2019 means HMAC-SHA512); a key file is never one.
  let isSecret = false;
  if (guard !== undefined) {
    // The key comes from the keyId URL: see remoteCavageLookup below and the RFC 9421 path.
  } else if (values['key-file'] !== undefined) {
    key = readPublicKeyFile(values['key-file']);
    algorithms = [];
  } else {
    const secret = await findSecret(io, {
      file: values['secret-file'],
      envNames: values['secret-env'] !== undefined ? [values['secret-env']] : ['HTTPSIG_SECRET'],
    }, 'secret');
    if (secret === undefined) throw new UsageError('No key: use --secret-file, --secret-env, HTTPSIG_SECRET, --key-file or --remote-key');
    key = secret;
    algorithms = [...HMAC];
    isSecret = true;
  }
  const clockSkew = values.jumpserver === true ? 1e12 : values['clock-skew'] === undefined ? 300 : Number(values['clock-skew']);
  if (!Number.isFinite(clockSkew) || clockSkew < 0) throw new UsageError('--clock-skew needs a number of seconds');
  let now: number | undefined;
  if (values.now !== undefined) {
    now = /^\d+$/.test(values.now) ? Number(values.now) * 1000 : parseHttpDate(values.now);
    if (now === undefined) throw new UsageError('--now needs Unix seconds or an HTTP date');
  }
  if (values.scheme !== undefined && !['rfc9421', 'cavage', 'authorization', 'signature'].includes(values.scheme)) {
    throw new UsageError('--scheme must be cavage or rfc9421');
  }
  const rfc9421 = values.scheme === 'rfc9421' ||
    (values.scheme === undefined && headerValue(raw.headers, 'signature-input') !== undefined && signatureParams(raw) === undefined);
  if (rfc9421) {
    if (values.jumpserver === true) throw new UsageError('JumpServer reads only draft-cavage signatures: drop --jumpserver');
    const source: VerifyKey = guard !== undefined ? { type: 'remote', guard } : { type: isSecret ? 'secret' : 'file', key };
    return verifyRfc9421Request(io, values, raw, source, clockSkew, now === undefined ? undefined : now);
  }
  for (const name of ['label', 'required-components', 'tag', 'max-age', 'https'] as const) {
    if (values[name] !== undefined) throw new UsageError(`--${name} is an RFC 9421 option: add --scheme rfc9421`);
  }
  if (values.algorithm !== undefined) algorithms = [values.algorithm.toLowerCase() as CavageAlgorithm];
  const required = values['required-headers'] !== undefined
    ? values['required-headers'].split(/[\s,]+/).filter((h) => h !== '').map((h) => h.toLowerCase())
    : ['(request-target)', 'date'];
  const params = signatureParams(raw);
  const names = params === undefined ? [] : params.headersGiven ? params.headers : ['date'];
  const request = { method: raw.method, url: raw.target, headers: raw.headers };
  const signsDigest = names.includes('digest') || names.includes('content-digest');
  const options: VerifyOptions = {
    keyLookup: guard !== undefined ? remoteCavageLookup(guard, values['key-id'], values.algorithm?.toLowerCase() as CavageAlgorithm | undefined) : (keyId, p) => {
      if (values['key-id'] !== undefined && keyId !== values['key-id']) return null;
      const allowed = algorithms.length > 0 ? algorithms : p.algorithm !== undefined && !p.algorithm.startsWith('hmac-') ? [p.algorithm as CavageAlgorithm] : ['hs2019' as const];
      return isSecret ? { key, algorithms: allowed, hs2019: 'hmac-sha512' } : { key, algorithms: allowed };
    },
    requiredHeaders: required,
    clockSkew,
    ...(now === undefined ? {} : { now }),
    ...(signsDigest ? { body: raw.body } : {}),
  };
  const warnings = params === undefined ? [] : lintSignature(pathAndQueryOf(raw.target, raw.method), names, raw.headers);
  if (!signsDigest && raw.body.length > 0) warnings.push('The body is not covered by the signature (no digest signed): it could be changed in transit.');
  try {
    const result = await verify(request, options);
    if (values.json === true) {
      printJson(io, { ok: true, keyId: result.keyId, algorithm: result.algorithm, headers: result.headers, signingString: result.signingString, warnings });
    } else {
      io.stdout.write(`OK: the signature verifies (keyId ${result.keyId}, ${result.algorithm}, headers "${result.headers.join(' ')}")\n`);
      for (const warning of warnings) io.stdout.write(`  warning: ${warning}\n`);
    }
    return EXIT_CODES.OK;
  } catch (error) {
    if (!isHttpSignatureError(error)) throw error;
    let signingString: string | undefined;
    let signingStringError: string | undefined;
    try {
      signingString = params === undefined ? undefined : buildSigningString(request, names, { created: params.created, expires: params.expires });
    } catch (e) {
      signingStringError = e instanceof Error ? e.message : String(e);
    }
    const code: string = error.code;
    const fetchFailed = isKeyFetchCode(code);
    const cause = isKeyFetchCode(code) ? keyFetchCause(code) : likelyCause(code, raw, names, values['key-id']);
    if (values.json === true) {
      printJson(io, { ok: false, code: error.code, message: error.message, keyId: params?.keyId, headers: names, signingString, cause, warnings });
    } else {
      io.stdout.write(`FAILED: ${error.code}: ${error.message}\n`);
      if (signingString !== undefined) {
        io.stdout.write(`\nSigning string this request gives (compare with the signer's):\n${signingString}\n`);
      } else if (signingStringError !== undefined) {
        io.stdout.write(`\nNo signing string: ${signingStringError}\n`);
      }
      io.stdout.write(`\nLikely cause: ${cause}\n`);
      for (const warning of warnings) io.stdout.write(`  warning: ${warning}\n`);
    }
    return fetchFailed ? EXIT_CODES.KEY_UNAVAILABLE : EXIT_CODES.VERIFY_FAILED;
  }
}

/** PEM armour of a public key (SPKI or PKCS#1), which need not be kept private. */
const PUBLIC_PEM = /^-----BEGIN (?:RSA )?PUBLIC KEY-----/;

/**
 * Reads `verify --key-file`: a PEM key. A public key may be world-readable; a private PEM is a secret and must be
 * private (mode 600). Anything that is not PEM is refused: an HMAC secret is named as one with --secret-file, so that
 * a public key in another form (DER, JWK, an OpenSSH line) is never taken for a secret.
 * @throws UsageError when it cannot be read, is not PEM, or is a private key other users can access.
 */
function readPublicKeyFile(path: string): string {
  const read = readKeyFile(path, 'key');
  const text = keyFileText(path, read, 'key');
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('-----BEGIN ')) {
    throw new UsageError(`The key file ${path} is not a PEM key: pass an HMAC secret with --secret-file (or --secret-env)`);
  }
  if (!PUBLIC_PEM.test(trimmed) || /PRIVATE KEY/i.test(text)) assertPrivate(path, read, 'key');
  return text;
}

/** The path and query of the received target (core's parser), or the target as received when it has none. */
function pathAndQueryOf(target: string, method: string): string {
  try {
    return originFormOf(parseRequestTarget(target, method));
  } catch {
    return target;
  }
}

function signatureParams(raw: RawRequest): SignatureParameters | undefined {
  const authorization = headerValue(raw.headers, 'authorization');
  const value = authorization !== undefined && /^signature\s/i.test(authorization) ? authorization : headerValue(raw.headers, 'signature');
  if (value === undefined) return undefined;
  try {
    return parseSignatureHeader(value);
  } catch {
    return undefined;
  }
}

function likelyCause(code: string, raw: RawRequest, names: readonly string[], keyId: string | undefined): string {
  switch (code) {
    case 'ERR_SIGNATURE_MISMATCH': {
      const hints = ['the secret or key differs from the signer\'s', 'or the request changed after signing'];
      const path = raw.target.split('?', 1)[0] ?? '';
      if (!path.endsWith('/')) hints.push('(this path has no trailing slash: if a server redirected to add it, the signer signed another path)');
      const host = headerValue(raw.headers, 'host');
      if (names.includes('host') && host !== undefined) hints.push(`(host "${host}" is signed: a proxy that rewrites Host or drops its port breaks it)`);
      hints.push('- compare the signing string above with the one the signer printed (path, query encoding, header values)');
      return hints.join(' ');
    }
    case 'ERR_SIGNATURE_EXPIRED':
    case 'ERR_SIGNATURE_NOT_YET_VALID':
      return 'the Date (or created/expires) is outside the allowed clock skew: the clocks differ, the request is replayed, or this is an old capture (use --now or --jumpserver, which ignores Date like JumpServer).';
    case 'ERR_MISSING_HEADER':
      return 'a header listed in headers= is not in the request: the signer listed a header it did not send, or a proxy removed it (JumpServer answers 500 for this, and for a signed content-type).';
    case 'ERR_HEADER_NOT_SIGNED':
      return 'a required header is not in headers=: JumpServer requires "(request-target)" and "date" to be signed.';
    case 'ERR_UNKNOWN_KEY':
      return keyId !== undefined ? `the keyId is not ${keyId}.` : 'the keyId is not known.';
    case 'ERR_ALGORITHM_NOT_ALLOWED':
      return 'the algorithm does not fit the key (a secret needs hmac-*, a PEM key rsa-*/ecdsa/ed25519) or is not the one allowed by --algorithm.';
    case 'ERR_SIGNATURE_MISSING':
      return 'no "Authorization: Signature …" or "Signature:" header: JumpServer reads only Authorization: Signature.';
    case 'ERR_MALFORMED_SIGNATURE':
      return 'the signature header is not valid draft-cavage syntax: keyId, algorithm, headers and signature must be quoted and comma-separated, the signature base64.';
    case 'ERR_DIGEST_MISMATCH':
    case 'ERR_DIGEST_MISSING':
      return 'the body does not match its Digest: it changed after signing, or the file has other line endings than what was sent.';
    case 'ERR_INVALID_DATE':
      return 'the Date header is not an HTTP date (RFC 1123, GMT).';
    case 'ERR_INVALID_KEY':
      return 'the key cannot be used with this algorithm: a key file that is not a key of this algorithm, an RSA key under 2048 bits, or a secret that is public-key material.';
    case 'ERR_MALFORMED_REQUEST':
      return 'the request target or Host is one a server may read differently from the verifier (a fragment, a space or non-ASCII byte, a bare "%", Host with userinfo or repeated, an absolute URL for another host): servers refuse it with 400 before checking the signature.';
    default:
      return 'see the error code.';
  }
}
