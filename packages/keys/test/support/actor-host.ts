// Loopback "actor hosts" for the key fetch tests: the server of test-support/actor-host.mjs (an https or http
// server on 127.0.0.1 that answers routes the test sets and records what it received), with certificates for test
// host names, and a fetch guard that maps `*.test` names to it and allows ONLY its port.
import { sign } from '@httpsig/core';
import type { CavageAlgorithm, KeyInput } from '@httpsig/core';
import { execFileSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startActorHost, type ActorHost } from '../../../../test-support/actor-host.mjs';
import type { FetchGuardOptions } from '../../src/index.js';

export { actor, ed25519Key, json, rsaKey, startActorHost } from '../../../../test-support/actor-host.mjs';
export type { ActorHost, HostRequest, Route, TestKey } from '../../../../test-support/actor-host.mjs';

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

/** A draft-cavage signed GET for `keyId`, as a server would receive it (origin-form target). */
export async function signedRequest(keyId: string, key: KeyInput, algorithm: CavageAlgorithm = 'rsa-sha256', now?: number): Promise<{ method: string; url: string; headers: Record<string, string> }> {
  const headers: Record<string, string> = { host: 'inbox.example' };
  const request = { method: 'GET', url: '/inbox', headers };
  const result = await sign(request, { keyId, key, algorithm, headers: ['(request-target)', 'host', 'date'], ...(now === undefined ? {} : { now }) });
  return { ...request, headers: { ...headers, ...result.headers } };
}
