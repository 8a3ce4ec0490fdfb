// Misskey's library, @misskey-dev/node-http-message-signatures 0.0.10, as a test peer. It runs on this Node
// (engines: >= 18.4), in-process.
//
// draft-cavage: its own entry points — signAsDraftToRequest to sign; parseRequestSignature + verifyDraftSignature
// (and verifyDigestHeader) on a node:http request to verify, as Misskey's inbox does.
// RFC 9421: 0.0.10 has no signing or verifying entry point (parseRequestSignature throws "Not implemented" on a
// Signature-Input), only RFC9421SignatureBaseFactory, the signature base; so its RFC 9421 side here is that factory,
// its Signature-Input serializer (convertSignatureParamsDictionary), its key import (importPrivateKey,
// parseAndImportPublicKey) and WebCrypto's sign/verify over the base it built.
import {
  RFC9421SignatureBaseFactory, convertSignatureParamsDictionary, genAlgorithmForSignAndVerify, genDigestHeaderBothRFC3230AndRFC9530,
  importPrivateKey, parseAndImportPublicKey, parseRequestSignature, signAsDraftToRequest, verifyDigestHeader, verifyDraftSignature,
} from '@misskey-dev/node-http-message-signatures';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { listenOnLoopback, type Listening } from '../../../../../test-support/loopback.mjs';

/** The installed version of Misskey's library (its package.json is not in its exports: read beside its entry). */
export function misskeyVersion(): string {
  const entry = require.resolve('@misskey-dev/node-http-message-signatures');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** A request for Misskey to sign, as its RequestLike: `url` absolute (as Misskey's deliverer passes it) or a path. */
export interface MisskeyRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Signs draft-cavage with Misskey: Digest and Content-Digest for a body (genDigestHeaderBothRFC3230AndRFC9530),
 * then signAsDraftToRequest over `includeHeaders`. The algorithm is named from the key: `rsa-sha256`, or
 * `ed25519-sha512` for Ed25519.
 * @returns the request's headers, signed.
 */
export async function misskeySignDraft(request: MisskeyRequest, key: { keyId: string; privateKeyPem: string }, includeHeaders: string[]): Promise<Record<string, string>> {
  const like = { method: request.method, url: request.url, headers: { ...request.headers } };
  if (request.body !== undefined) await genDigestHeaderBothRFC3230AndRFC9530(like, request.body, 'SHA-256');
  await signAsDraftToRequest(like, key, includeHeaders);
  return like.headers;
}

/** An RFC 9421 signature's parameters, for Misskey's Signature-Input serializer. */
export interface MisskeyRfc9421Params {
  keyId: string;
  alg: string;
  created?: number;
  label?: string;
}

/**
 * Signs RFC 9421 with Misskey's parts: its serializer writes `Signature-Input`, its factory builds the signature
 * base from the request, its key import and WebCrypto sign it.
 * @returns the request's headers with `signature-input` and `signature`.
 */
export async function misskeySignRfc9421(request: MisskeyRequest, privateKeyPem: string, components: string[], params: MisskeyRfc9421Params): Promise<Record<string, string>> {
  const label = params.label ?? 'sig1';
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) await genDigestHeaderBothRFC3230AndRFC9530({ method: request.method, url: request.url, headers }, request.body, 'SHA-256');
  headers['signature-input'] = convertSignatureParamsDictionary({
    [label]: [components.map((name) => [name, {}]), { keyid: params.keyId, alg: params.alg, created: params.created ?? Math.floor(Date.now() / 1000) }],
  });
  const base = new RFC9421SignatureBaseFactory({ method: request.method, url: request.url, headers }).generate(label);
  const key = await importPrivateKey(privateKeyPem);
  const signature = await crypto.subtle.sign(genAlgorithmForSignAndVerify(key.algorithm, 'SHA-256'), key, new TextEncoder().encode(base));
  headers.signature = `${label}=:${Buffer.from(signature).toString('base64')}:`;
  return headers;
}

/** What Misskey's verifying server answered. */
export interface MisskeyVerdict {
  status: number;
  verified: boolean;
  keyId?: string;
  /** Why it failed: Misskey's error message, `digest`, `unknown key` or `signature`. */
  reason?: string;
}

/** Where Misskey's verifying server finds public keys (Misskey's inbox resolves them from the actor). */
export type MisskeyKeys = Map<string, string>;

async function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** The value of `label` in an RFC 9421 `Signature` dictionary (`label=:base64:`). */
function signatureOf(header: string, label: string): Uint8Array<ArrayBuffer> | undefined {
  for (const member of header.split(',')) {
    const match = /^\s*([a-z*][a-z0-9_.*-]*)=:([A-Za-z0-9+/=]*):\s*$/.exec(member);
    if (match?.[1] === label) return new Uint8Array(Buffer.from(match[2] ?? '', 'base64'));
  }
  return undefined;
}

async function verifyDraft(req: IncomingMessage, body: Uint8Array<ArrayBuffer>, keys: MisskeyKeys, requiredHeaders: string[]): Promise<Omit<MisskeyVerdict, 'status'>> {
  if (body.length > 0 && !await verifyDigestHeader(req, body, true)) return { verified: false, reason: 'digest' };
  const parsed = parseRequestSignature(req, { requiredComponents: { draft: requiredHeaders } });
  if (parsed.version !== 'draft') return { verified: false, reason: 'not draft' };
  const pem = keys.get(parsed.value.keyId);
  if (pem === undefined) return { verified: false, reason: 'unknown key' };
  return await verifyDraftSignature(parsed.value, pem) ? { verified: true, keyId: parsed.value.keyId } : { verified: false, reason: 'signature' };
}

async function verifyRfc9421(req: IncomingMessage, body: Uint8Array<ArrayBuffer>, keys: MisskeyKeys): Promise<Omit<MisskeyVerdict, 'status'>> {
  if (body.length > 0 && !await verifyDigestHeader(req, body, true)) return { verified: false, reason: 'digest' };
  const factory = new RFC9421SignatureBaseFactory(req, 'http');
  const [label, input] = [...factory.requestSignatureInput ?? []][0] ?? [];
  if (label === undefined || input === undefined) return { verified: false, reason: 'no signature' };
  const base = factory.generate(label);
  const keyId = String(input[1].get('keyid'));
  const alg = input[1].get('alg');
  const pem = keys.get(keyId);
  if (pem === undefined) return { verified: false, reason: 'unknown key' };
  const signature = signatureOf(String(req.headers.signature ?? ''), label);
  if (signature === undefined) return { verified: false, reason: 'no signature' };
  const { publicKey, algorithm } = await parseAndImportPublicKey(pem, ['verify'], typeof alg === 'string' ? alg : undefined);
  return await crypto.subtle.verify(algorithm, publicKey, signature, new TextEncoder().encode(base)) ? { verified: true, keyId } : { verified: false, reason: 'signature' };
}

/**
 * A node:http server on loopback verifying every request with Misskey's library: draft-cavage, or RFC 9421 when
 * the request has a Signature-Input. Answers `{ verified, keyId }` (200) or `{ verified: false, reason }` (401).
 * @param keys - keyId → SPKI PEM.
 * @param requiredHeaders - what a draft signature must cover (Misskey's option `requiredComponents.draft`).
 */
export async function misskeyServer(keys: MisskeyKeys, requiredHeaders: string[] = ['(request-target)', 'date', 'host']): Promise<Listening> {
  return listenOnLoopback(createServer((req, res) => {
    readBody(req)
      .then((body) => (req.headers['signature-input'] === undefined ? verifyDraft(req, body, keys, requiredHeaders) : verifyRfc9421(req, body, keys)))
      .catch((error: unknown) => ({ verified: false, reason: error instanceof Error ? error.message : String(error) }))
      .then((verdict) => {
        res.writeHead(verdict.verified ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(verdict));
      }, () => { res.destroy(); });
  }));
}

/** Reads Misskey's verdict from a response. */
export async function misskeyVerdict(response: Response): Promise<MisskeyVerdict> {
  return { status: response.status, ...await response.json() as Omit<MisskeyVerdict, 'status'> };
}
