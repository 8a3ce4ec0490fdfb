/** `httpsig verify --scheme rfc9421`: check an RFC 9421 signature of a raw HTTP request and explain a failure. */
import { isHttpSignatureError, type Rfc9421Algorithm, type Rfc9421KeyLookup, type VerifyRfc9421Options } from '@httpsig/core';
import type { FetchGuardOptions } from '@httpsig/keys';
import { DEFAULT_REQUIRED_REQUEST_COMPONENTS, RFC9421_ALGORITHMS, verifyRfc9421 } from '@httpsig/core/rfc9421';
import { EXIT_CODES, UsageError, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../lib/io.js';
import { printJson } from '../lib/output.js';
import type { RawRequest } from '../lib/raw-request.js';
import { isKeyFetchCode, keyFetchCause, remoteRfc9421Lookup } from '../lib/remote-key.js';
import { splitComponents } from '../lib/signing-args.js';

/** The options of `verify` that the RFC 9421 check reads. */
export interface Rfc9421VerifyValues {
  'key-id'?: string | undefined;
  algorithm?: string | undefined;
  label?: string | undefined;
  'required-components'?: string | undefined;
  tag?: string | undefined;
  'max-age'?: string | undefined;
  https?: boolean | undefined;
  json?: boolean | undefined;
}

/**
 * Where the verification key comes from: an HMAC secret, a PEM key file, or the keyId URL (`--remote-key`) fetched
 * under a guard.
 */
export type VerifyKey =
  | { type: 'secret' | 'file'; key: string }
  | { type: 'remote'; guard: FetchGuardOptions };

/**
 * Verify the RFC 9421 signature of a parsed raw request.
 *
 * @param io - streams.
 * @param values - the options.
 * @param raw - the request.
 * @param source - the HMAC secret, the PEM key, or the guard of a remote key.
 * @param clockSkew - allowed clock difference, seconds.
 * @param now - check as of this time (ms), if given.
 * @returns the exit code: OK, VERIFY_FAILED, or KEY_UNAVAILABLE when a remote key could not be fetched.
 * @throws UsageError for a key file without `--algorithm`, or bad option values.
 */
export async function verifyRfc9421Request(
  io: CliIo,
  values: Rfc9421VerifyValues,
  raw: RawRequest,
  source: VerifyKey,
  clockSkew: number,
  now: number | undefined,
): Promise<ExitCode> {
  let algorithms: Rfc9421Algorithm[] = [];
  if (source.type === 'remote') {
    const named = values.algorithm?.toLowerCase();
    if (named !== undefined && !(RFC9421_ALGORITHMS as readonly string[]).includes(named)) throw new UsageError(`Unknown RFC 9421 algorithm "${named.slice(0, 30)}"`);
    if (named !== undefined) algorithms = [named as Rfc9421Algorithm];
  } else if (source.type === 'secret') {
    if (values.algorithm !== undefined && values.algorithm.toLowerCase() !== 'hmac-sha256') throw new UsageError('An RFC 9421 HMAC secret verifies hmac-sha256 only');
    algorithms = ['hmac-sha256'];
  } else {
    const named = values.algorithm?.toLowerCase();
    if (named === undefined) throw new UsageError(`With a key file, name its RFC 9421 algorithm (--algorithm ${RFC9421_ALGORITHMS.filter((a) => a !== 'hmac-sha256').join('|')}): it comes from the key, never from the message`);
    if (!(RFC9421_ALGORITHMS as readonly string[]).includes(named) || named === 'hmac-sha256') throw new UsageError(`Unknown RFC 9421 public-key algorithm "${named.slice(0, 30)}"`);
    algorithms = [named as Rfc9421Algorithm];
  }
  let maxAge: number | undefined;
  if (values['max-age'] !== undefined) {
    maxAge = Number(values['max-age']);
    if (!Number.isFinite(maxAge) || maxAge <= 0) throw new UsageError('--max-age needs a number of seconds');
  }
  const required = values['required-components'] === undefined ? [...DEFAULT_REQUIRED_REQUEST_COMPONENTS] : splitComponents(values['required-components']);
  const message = { method: raw.method, url: raw.target, headers: raw.headers, scheme: values.https === true ? 'https' : 'http' };
  const options: VerifyRfc9421Options = {
    keyLookup: keyLookupFor(source, values['key-id'], algorithms),
    requiredComponents: required,
    clockSkew,
    body: raw.body,
    ...(values.label === undefined ? {} : { label: values.label }),
    ...(values.tag === undefined ? {} : { tag: values.tag }),
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(now === undefined ? {} : { now }),
  };
  try {
    const result = await verifyRfc9421(message, options);
    if (values.json === true) {
      printJson(io, { ok: true, scheme: 'rfc9421', label: result.label, keyId: result.keyId, algorithm: result.algorithm, components: result.components, signatureBase: result.signatureBase });
    } else {
      io.stdout.write(`OK: the RFC 9421 signature ${result.label} verifies (keyid ${result.keyId ?? '(none)'}, ${result.algorithm}, components ${result.components.join(' ')})\n`);
    }
    return EXIT_CODES.OK;
  } catch (error) {
    if (!isHttpSignatureError(error)) throw error;
    const code: string = error.code;
    const cause = isKeyFetchCode(code) ? keyFetchCause(code) : likelyCause(code);
    if (values.json === true) {
      printJson(io, { ok: false, scheme: 'rfc9421', code, message: error.message, cause });
    } else {
      io.stdout.write(`FAILED: ${code}: ${error.message}\n\nLikely cause: ${cause}\n`);
    }
    return isKeyFetchCode(code) ? EXIT_CODES.KEY_UNAVAILABLE : EXIT_CODES.VERIFY_FAILED;
  }
}

/** The key lookup of a key source, keeping `--key-id` (and, for a remote key, narrowing to `--algorithm`). */
function keyLookupFor(source: VerifyKey, keyId: string | undefined, algorithms: readonly Rfc9421Algorithm[]): Rfc9421KeyLookup {
  if (source.type === 'remote') return remoteRfc9421Lookup(source.guard, keyId, algorithms[0]);
  const { key } = source;
  return (id) => (keyId !== undefined && id !== keyId ? null : { key, algorithms });
}

function likelyCause(code: string): string {
  switch (code) {
    case 'ERR_SIGNATURE_MISMATCH':
      return 'the key differs from the signer\'s, or a covered component changed after signing (path, query, a header, the authority: pass --https when the request was sent over https and @scheme or @target-uri is covered).';
    case 'ERR_SIGNATURE_MISSING':
      return 'no Signature-Input/Signature pair (with this --label, if given).';
    case 'ERR_HEADER_NOT_SIGNED':
      return 'a required component is not covered (see --required-components; default @method @authority @path).';
    case 'ERR_SIGNATURE_EXPIRED':
    case 'ERR_SIGNATURE_NOT_YET_VALID':
      return 'created/expires is outside the allowed clock skew or --max-age: an old capture (use --now) or differing clocks.';
    case 'ERR_DIGEST_MISMATCH':
    case 'ERR_DIGEST_MISSING':
      return 'the body does not match its Content-Digest: it changed after signing, or the file has other line endings than what was sent.';
    case 'ERR_UNKNOWN_KEY':
      return 'the keyid is not the one given with --key-id.';
    case 'ERR_ALGORITHM_NOT_ALLOWED':
      return 'the alg parameter is not the algorithm of the key (--algorithm).';
    default:
      return 'see the error code.';
  }
}
