/**
 * Key import with a cache: passing the same PEM string (or key object) on every request parses it once.
 * @packageDocumentation
 */
import { backend } from '#backend';
import { InvalidKeyError } from './errors.js';
import type { AsymmetricKey, AsymmetricKeyInput } from './runtime/backend.js';
import type { KeyInput } from './types.js';

/** Most string-keyed entries kept; the cache is emptied when it is full (keys rarely number in hundreds). */
const MAX_STRING_ENTRIES = 512;

interface Entry {
  value: AsymmetricKey | undefined;
  promise: Promise<AsymmetricKey>;
}

const byString = { sign: new Map<string, Entry>(), verify: new Map<string, Entry>() };
const byObject = new WeakMap<object, { sign?: Entry; verify?: Entry }>();

/** Whether a key input is the HMAC secret form (a string that is not PEM, or bytes). */
export function looksLikeSecret(input: KeyInput): input is string | Uint8Array {
  if (input instanceof Uint8Array) return true;
  return typeof input === 'string' && !input.includes('-----BEGIN ');
}

/**
 * Refuses a key that is not one of the accepted forms (a string, bytes or an object) before it reaches a parser,
 * so a lookup or option holding `undefined`, `null` or a number fails as a typed error, not a `TypeError`.
 * @param input - the key as given by the caller or the key lookup.
 * @param keyId - the keyId, carried by the error.
 * @throws {@link InvalidKeyError} when the key has none of the accepted forms.
 */
export function assertKeyInput(input: unknown, keyId?: string): asserts input is KeyInput {
  if (typeof input === 'string' || input instanceof Uint8Array) return;
  if (typeof input === 'object' && input !== null) return;
  throw new InvalidKeyError('The key must be a string, bytes or a key object', { keyId });
}

/**
 * Refuses an HMAC secret that is empty or that is PEM text (an HMAC keyed with a public key's PEM can be forged
 * by anyone holding that public key).
 * @param secret - the HMAC secret.
 * @param keyId - the keyId, carried by the error.
 * @throws {@link InvalidKeyError} when the secret is empty or PEM text.
 */
export function assertUsableSecret(secret: string | Uint8Array, keyId?: string): void {
  if (secret.length === 0) throw new InvalidKeyError('An HMAC secret cannot be empty', { keyId });
  if (typeof secret === 'string' && secret.includes('-----BEGIN ')) {
    throw new InvalidKeyError('A PEM key cannot be used as an HMAC secret', { keyId });
  }
}

function load(input: AsymmetricKeyInput, use: 'sign' | 'verify', keyId: string | undefined): Entry {
  const entry: Entry = { value: undefined, promise: undefined as unknown as Promise<AsymmetricKey> };
  entry.promise = backend.importKey(input, use).then(
    (key) => { entry.value = key; return key; },
    (cause: unknown) => { throw new InvalidKeyError(`The ${use === 'sign' ? 'signing' : 'verification'} key cannot be imported`, { keyId, cause: sanitise(cause) }); },
  );
  return entry;
}

/** Keeps only the error's class name: parser messages can quote key bytes. */
function sanitise(cause: unknown): Error {
  return new Error(cause instanceof Error ? cause.name : 'Error');
}

/**
 * Imports an asymmetric key for signing or verification, from the cache when it was seen before. Returns
 * the key itself when it is ready (no extra microtask on the hot path), else a promise.
 * @throws {@link InvalidKeyError} (through the promise) when the key cannot be read.
 */
export function importAsymmetricKey(input: AsymmetricKeyInput, use: 'sign' | 'verify', keyId?: string): AsymmetricKey | Promise<AsymmetricKey> {
  assertKeyInput(input, keyId);
  let entry: Entry | undefined;
  if (typeof input === 'string' || ('pem' in input && 'passphrase' in input && typeof input.pem === 'string')) {
    const cache = byString[use];
    const id = typeof input === 'string' ? input : `${input.pem}\u0000${input.passphrase}`;
    entry = cache.get(id);
    if (entry === undefined) {
      if (cache.size >= MAX_STRING_ENTRIES) cache.clear();
      entry = load(input, use, keyId);
      cache.set(id, entry);
      entry.promise.catch(() => cache.delete(id));
    }
  } else {
    let slots = byObject.get(input);
    if (slots === undefined) byObject.set(input, (slots = {}));
    entry = slots[use];
    if (entry === undefined) {
      const created = load(input, use, keyId);
      slots[use] = created;
      created.promise.catch(() => { if (slots !== undefined) delete slots[use]; });
      entry = created;
    }
  }
  return entry.value ?? entry.promise;
}

/** Empties the key cache (e.g. after rotating keys held in long-lived strings). */
export function clearKeyCache(): void {
  byString.sign.clear();
  byString.verify.clear();
}
