// Loopback "actor hosts" for the key fetch tests: an https (or http) server on 127.0.0.1 that answers routes the
// test sets, records what it received, and a fetch guard that maps `*.test` names to it and allows ONLY its port.
import { sign } from '@httpsig/core';
import type { CavageAlgorithm, KeyInput } from '@httpsig/core';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenOnLoopback } from '../../../../test-support/loopback.mjs';
import type { FetchGuardOptions } from '../../src/index.js';

/** The host names every test certificate covers (all resolve to 127.0.0.1 through {@link guardFor}). */
export const TEST_HOSTS: readonly string[] = ['actor.test', 'other.test', 'keys.test'];

/**
 * A throw-away self-signed certificate for the test host names and 127.0.0.1, made with `openssl`
 * (test-support's `selfSignedCertificate` covers 127.0.0.1 only; these tests need names, for SNI and Host).
 */
export function certificateForTestHosts(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'httpsig-keys-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=actor.test', '-addext', `subjectAltName=${TEST_HOSTS.map((h) => `DNS:${h}`).join(',')},IP:127.0.0.1`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A received request. */
export interface HostRequest {
  host: string | undefined;
  path: string;
  headers: IncomingMessage['headers'];
  servername: string | undefined;
}

/** A route handler: answers one request. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface ActorHost {
  port: number;
  /** `https://<name>:<port>` (or http). */
  origin(name?: string): string;
  /** Routes by `<host name> <path>` (e.g. `actor.test /users/alice`) or by path alone. */
  routes: Map<string, Route>;
  requests: HostRequest[];
  /** Requests received for a path. */
  count(path: string): number;
  close(): Promise<void>;
}

/**
 * Starts one actor host for the test file (closed after it) and clears its routes and recorded requests before
 * every test.
 * @returns the host, usable inside tests and hooks (it forwards to the host `beforeAll` started).
 */
export function useActorHost(tls?: { key: string; cert: string }): ActorHost {
  let host: ActorHost | undefined;
  beforeAll(async () => { host = await startActorHost(tls); });
  afterAll(async () => { await host?.close(); });
  beforeEach(() => {
    host?.routes.clear();
    if (host !== undefined) host.requests.length = 0;
  });
  return new Proxy({} as ActorHost, {
    get(_target, property) {
      if (host === undefined) throw new Error('the actor host is not running yet (use it inside a test)');
      const value: unknown = Reflect.get(host, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(host) : value;
    },
  });
}

/** Starts an actor host on loopback; https with `tls`, else http. */
export async function startActorHost(tls?: { key: string; cert: string }): Promise<ActorHost> {
  const routes = new Map<string, Route>();
  const requests: HostRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const host = req.headers.host?.replace(/:\d+$/, '');
    const path = req.url ?? '/';
    const servername = (req.socket as { servername?: string | false }).servername;
    requests.push({ host, path, headers: { ...req.headers }, servername: typeof servername === 'string' ? servername : undefined });
    const route = routes.get(`${host ?? ''} ${path}`) ?? routes.get(path);
    if (route === undefined) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{}'); return; }
    route(req, res);
  };
  const server = tls === undefined ? createServer(handler) : createHttpsServer({ key: tls.key, cert: tls.cert }, handler);
  const { port, close } = await listenOnLoopback(server, tls === undefined ? 'http' : 'https');
  const scheme = tls === undefined ? 'http' : 'https';
  return {
    port,
    origin: (name = 'actor.test') => `${scheme}://${name}:${port}`,
    routes,
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    close,
  };
}

/** Answers JSON with a content type (default activity+json) and optional cache-control. */
export function json(body: unknown, options: { type?: string; cacheControl?: string; status?: number } = {}): Route {
  return (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(options.status ?? 200, {
      'content-type': options.type ?? 'application/activity+json',
      'content-length': Buffer.byteLength(text),
      ...(options.cacheControl === undefined ? {} : { 'cache-control': options.cacheControl }),
    });
    res.end(text);
  };
}

/**
 * A fetch guard for the host: `*.test` names resolve to 127.0.0.1 (other names fail), loopback is allowed only
 * for the host's own port, and its certificate is trusted.
 */
export function guardFor(host: ActorHost, cert?: string): FetchGuardOptions & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    lookup: async (name) => {
      lookups.push(name);
      if (!name.endsWith('.test')) throw new Error('unknown test host');
      return [{ address: '127.0.0.1', family: 4 }];
    },
    allowAddress: (address, _hostname, port) => address === '127.0.0.1' && port === host.port,
    ...(cert === undefined ? { allowHttp: true } : { ca: cert }),
  };
}

/** A key pair with its SPKI PEM. */
export interface TestKey {
  publicPem: string;
  privatePem: string;
  publicKey: KeyObject;
}

export function rsaKey(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export function ed25519Key(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58btc of bytes (test-side encoder, independent of the package's decoder). */
export function base58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = '';
  while (n > 0n) { out = BASE58[Number(n % 58n)] + out; n /= 58n; }
  for (const b of bytes) { if (b !== 0) break; out = `1${out}`; }
  return out;
}

/** The FEP-521a `publicKeyMultibase` of an Ed25519 public key: `z` + base58btc(0xed 0x01 + 32 raw bytes). */
export function ed25519Multibase(key: KeyObject): string {
  const raw = Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');
  return `z${base58(Uint8Array.from([0xed, 0x01, ...raw]))}`;
}

/** An ActivityPub actor with one `publicKey`. */
export function actor(id: string, key: TestKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
    id, type: 'Person', preferredUsername: 'alice', inbox: `${id}/inbox`,
    publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: key.publicPem },
    ...extra,
  };
}

/** A draft-cavage signed GET for `keyId`, as a server would receive it (origin-form target). */
export async function signedRequest(keyId: string, key: KeyInput, algorithm: CavageAlgorithm = 'rsa-sha256', now?: number): Promise<{ method: string; url: string; headers: Record<string, string> }> {
  const headers: Record<string, string> = { host: 'inbox.example' };
  const request = { method: 'GET', url: '/inbox', headers };
  const result = await sign(request, { keyId, key, algorithm, headers: ['(request-target)', 'host', 'date'], ...(now === undefined ? {} : { now }) });
  return { ...request, headers: { ...headers, ...result.headers } };
}
