/**
 * Finding the key a keyId names in a fetched document: ActivityPub actors and key documents (`publicKey` with
 * `publicKeyPem` and `owner`), FEP-521a Multikey entries of `assertionMethod`, JWK sets, and resolver hooks for
 * other formats. The document must vouch for the key: read from the keyId's origin, its `id` the URL it was read
 * from, the key's `id` the keyId, the key's owner the actor (or, for a key served on its own, confirmed by its
 * owner's document listing it).
 *
 * @packageDocumentation
 */
import type { JsonWebKeyInput } from '@httpsig/core';
import { KeyFetchBadDocumentError, KeyFetchOwnerMismatchError } from './errors.js';
import { keyFromJwk, keyFromMultibase, keyFromPem, type KeyMaterial } from './key-material.js';

/** What a {@link KeyDocumentResolver} is told about the document. */
export interface KeyDocumentContext {
  /** The keyId being resolved. */
  keyId: string;
  /** The URL the document was read from, after redirects. */
  url: string;
}

/** A key a {@link KeyDocumentResolver} found. */
export interface ResolvedKey {
  /** The public key: a PEM (SPKI or PKCS#1), a Multikey `publicKeyMultibase` (`z…`), or a public JWK. */
  key: string | JsonWebKeyInput;
  /** The actor (or other identity) that owns the key, when the format names one; it must be on the keyId's origin. */
  owner?: string | undefined;
}

/**
 * Reads a document format this package does not know. Returns the key for `context.keyId`, `null` when the
 * document is of the resolver's format but has no such key, or `undefined` when the format is not its own (the
 * next resolver is asked). It may throw a {@link KeyFetchBadDocumentError}.
 */
export type KeyDocumentResolver = (document: unknown, context: KeyDocumentContext) => ResolvedKey | null | undefined;

/** The key found in a document, normalised. */
export interface ExtractedKey {
  /** The key kind and SPKI PEM. */
  material: KeyMaterial;
  /** The owner (ActivityPub `owner`, Multikey `controller`), when the document names one. */
  owner: string | undefined;
  /**
   * Whether the key came from a document of its own (not from its owner's actor document): the owner's claim is
   * then to be confirmed with {@link ownerListsKey} against the owner's document.
   */
  standalone: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch { return undefined; }
}

/** The URL without its fragment, normalised; undefined when it is not an http(s) URL. */
function withoutFragment(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    parsed.hash = '';
    return parsed.href;
  } catch { return undefined; }
}

/**
 * The `id` a document claims, without fragment and normalised, for a document that has one (an ActivityPub object;
 * a JWK set has none). When it is not the URL the document was read from, the document is only a claim: it is to be
 * fetched again by that id (see {@link extractKey}, which refuses a document whose id is not its URL).
 *
 * @param document - the parsed JSON.
 * @returns the id as a URL without fragment, or undefined when the document has no usable id.
 */
export function documentIdOf(document: unknown): string | undefined {
  if (!isObject(document) || (Array.isArray(document['keys']) && document['id'] === undefined)) return undefined;
  return withoutFragment(document['id']);
}

function material(entry: Json, keyId: string): KeyMaterial {
  let found: KeyMaterial | undefined;
  if (entry['publicKeyPem'] !== undefined) found = keyFromPem(entry['publicKeyPem']);
  else if (entry['publicKeyMultibase'] !== undefined) found = keyFromMultibase(entry['publicKeyMultibase']);
  else if (entry['publicKeyJwk'] !== undefined) found = keyFromJwk(entry['publicKeyJwk']);
  if (found === undefined) throw new KeyFetchBadDocumentError('The key in the document is not an accepted public key', { keyId });
  return found;
}

/** The fragment of a keyId, decoded; undefined when there is none. */
function fragmentOf(keyId: string): string | undefined {
  const hash = keyId.indexOf('#');
  if (hash === -1 || hash === keyId.length - 1) return undefined;
  try { return decodeURIComponent(keyId.slice(hash + 1)); } catch { return undefined; }
}

function fromJwks(keys: unknown[], keyId: string): ExtractedKey | null {
  const fragment = fragmentOf(keyId);
  const matches = keys.filter((k) => isObject(k) && typeof k['kid'] === 'string' && (k['kid'] === keyId || k['kid'] === fragment));
  if (matches.length === 0) return null;
  if (matches.length > 1) throw new KeyFetchBadDocumentError('The key set names the key more than once', { keyId });
  const found = keyFromJwk(matches[0]);
  if (found === undefined) throw new KeyFetchBadDocumentError('The key in the document is not an accepted public key', { keyId });
  return { material: found, owner: undefined, standalone: false };
}

function isKeyNode(node: Json): boolean {
  return node['publicKeyPem'] !== undefined || node['publicKeyMultibase'] !== undefined || node['publicKeyJwk'] !== undefined;
}

/** A key object's owner: `owner` (security vocabulary) or `controller` (Multikey). */
function ownerOf(node: Json): unknown {
  return node['owner'] ?? node['controller'];
}

function fromActivityPub(doc: Json, keyId: string, url: string): ExtractedKey | null {
  const documentId = doc['id'];
  if (typeof documentId !== 'string') throw new KeyFetchBadDocumentError('The document has no id', { keyId });
  const keyOrigin = originOf(keyId);
  if (originOf(documentId) !== keyOrigin) throw new KeyFetchOwnerMismatchError('The document id is on another origin than the keyId', { keyId });
  // A document only speaks for the URL it was read from: one whose id is another URL (an open redirect, an
  // uploaded file on the same host) is a claim, to be fetched again by its id.
  if (withoutFragment(documentId) !== url) throw new KeyFetchOwnerMismatchError('The document id is not the URL it was read from', { keyId });

  // A key document of its own: it is the key, and names its owner.
  if (isKeyNode(doc)) {
    if (documentId !== keyId) return null;
    const owner = ownerOf(doc);
    if (typeof owner !== 'string' || originOf(owner) !== keyOrigin) {
      throw new KeyFetchOwnerMismatchError('The key owner is not on the keyId\'s origin', { keyId });
    }
    return { material: material(doc, keyId), owner, standalone: true };
  }

  // An actor: the key is one of its `publicKey` or `assertionMethod` entries, owned by the actor itself.
  const entries = [...asList(doc['publicKey']), ...asList(doc['assertionMethod'])].filter(isObject);
  let match = entries.filter((entry) => entry['id'] === keyId);
  if (match.length === 0 && keyId === documentId) {
    // Some servers give the actor id as keyId: then the actor must have exactly one key.
    match = entries.filter(isKeyNode);
    if (match.length !== 1) return null;
  }
  if (match.length === 0) return null;
  if (match.length > 1) throw new KeyFetchBadDocumentError('The document names the key more than once', { keyId });
  const entry = match[0] as Json;
  if (ownerOf(entry) !== documentId) throw new KeyFetchOwnerMismatchError('The key owner is not the actor of the document', { keyId });
  return { material: material(entry, keyId), owner: documentId, standalone: false };
}

function fromResolver(resolved: ResolvedKey, keyId: string): ExtractedKey {
  const { key, owner } = resolved;
  const found = typeof key === 'string' ? (key.startsWith('z') ? keyFromMultibase(key) : keyFromPem(key)) : keyFromJwk(key);
  if (found === undefined) throw new KeyFetchBadDocumentError('The key in the document is not an accepted public key', { keyId });
  if (owner !== undefined && originOf(owner) !== originOf(keyId)) {
    throw new KeyFetchOwnerMismatchError('The key owner is not on the keyId\'s origin', { keyId });
  }
  // The format only claims the owner: like a key document of its own, the owner's document must list the key.
  return { material: found, owner, standalone: owner !== undefined };
}

/**
 * Finds the key named by `keyId` in a fetched document.
 *
 * Every kind of document must have been read (after redirects) from the keyId's origin; an ActivityPub document's
 * `id` must be the URL it was read from ({@link documentIdOf}: fetch it again by its id otherwise).
 *
 * @param document - the parsed JSON.
 * @param context - the keyId and the URL the document came from (without fragment).
 * @param resolvers - hooks for other formats, asked when the document is none of the built-in ones.
 * @returns the key, or `null` when the document is readable but holds no key with that id.
 * @throws {@link KeyFetchBadDocumentError} — unknown format, unreadable key, a key named twice.
 * @throws {@link KeyFetchOwnerMismatchError} — document read from another origin, a document id that is not its
 *   URL, an owner on another origin, or an owner that is not the actor.
 */
export function extractKey(document: unknown, context: KeyDocumentContext, resolvers: readonly KeyDocumentResolver[] = []): ExtractedKey | null {
  const { keyId } = context;
  const url = withoutFragment(context.url);
  // Whatever the format, a document read from another origin (after redirects) says nothing about the keyId.
  if (url === undefined || originOf(url) !== originOf(keyId)) throw new KeyFetchOwnerMismatchError('The document was read from another origin than the keyId', { keyId });
  if (isObject(document)) {
    if (Array.isArray(document['keys']) && document['id'] === undefined) return fromJwks(document['keys'], keyId);
    if (isKeyNode(document) || document['publicKey'] !== undefined || document['assertionMethod'] !== undefined) {
      return fromActivityPub(document, keyId, url);
    }
  }
  for (const resolver of resolvers) {
    const resolved = resolver(document, context);
    if (resolved === null) return null;
    if (resolved !== undefined) return fromResolver(resolved, keyId);
  }
  throw new KeyFetchBadDocumentError('The document is not a key document this verifier reads', { keyId });
}

/**
 * Whether an owner's document (an actor) is the owner and lists the key: its `id` is `owner`, and one of its
 * `publicKey` or `assertionMethod` entries is the keyId (an object with that `id`, or the id itself); an entry
 * that carries key material must carry the same key. The caller makes sure the document was read from `owner`.
 *
 * @param document - the owner's parsed document.
 * @param owner - the owner the key document named.
 * @param keyId - the key.
 * @param expected - the key found in the key document: an owner entry with other material does not list it.
 * @returns true when the owner vouches for the key.
 */
export function ownerListsKey(document: unknown, owner: string, keyId: string, expected?: KeyMaterial): boolean {
  if (!isObject(document) || document['id'] !== owner) return false;
  return [...asList(document['publicKey']), ...asList(document['assertionMethod'])].some((entry) => {
    if (entry === keyId) return true;
    if (!isObject(entry) || entry['id'] !== keyId) return false;
    if (expected === undefined || !isKeyNode(entry)) return true;
    try { return material(entry, keyId).pem === expected.pem; } catch { return false; }
  });
}
