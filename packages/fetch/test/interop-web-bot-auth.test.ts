// Signing as a Web Bot Auth agent through signedFetch, checked by Cloudflare's implementation (npm web-bot-auth 0.1.3
// and its http-message-sig 0.2.0): real requests to a loopback server whose verifier is theirs, Ed25519 and
// RSA-PSS-SHA512; every request gets its own created, expires and nonce; and our signed key directory response
// verifies with their http-message-sig.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify as theirMessageVerify } from 'http-message-sig';
import { verify as theirBotVerify } from 'web-bot-auth';
import { verifierFromJWK } from 'web-bot-auth/crypto';
import { DIRECTORY_PATH, createKeyDirectory, webBotAuth, type KeyDirectory } from '@httpsig/core/web-bot-auth';
import { signedFetch } from '../src/index.js';

const ED = crypto.generateKeyPairSync('ed25519').privateKey;
const RSA = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const AGENT = 'https://bot.example';

/** The public JWK Cloudflare's verifierFromJWK takes, of a key or a published JWK (RSA keys need `alg: "PS512"` there). */
function theirJwk(key: crypto.KeyObject | JsonWebKey): JsonWebKey {
  const jwk = key instanceof crypto.KeyObject ? crypto.createPublicKey(key).export({ format: 'jwk' }) as JsonWebKey : key;
  return jwk.kty === 'RSA' ? { ...jwk, alg: 'PS512' } : jwk;
}

interface Seen { verdict: string; signatureInput: string | undefined; signatureAgent: string | undefined }

/** A loopback server that verifies each request with web-bot-auth's `verify` and the given public JWK. */
async function theirVerifier(jwk: JsonWebKey): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const check = await verifierFromJWK(jwk);
  const server = http.createServer((req, res) => {
    const message = { method: req.method ?? 'GET', url: req.url ?? '/', protocol: 'http', headers: req.headers as Record<string, string> };
    theirBotVerify(message, check).then(() => 'verified', (e: unknown) => `refused: ${(e as Error).message}`).then((verdict) => {
      seen.push({ verdict, signatureInput: req.headers['signature-input'] as string | undefined, signatureAgent: req.headers['signature-agent'] as string | undefined });
      res.writeHead(verdict === 'verified' ? 200 : 401).end(verdict);
    }, () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}

describe.each([['Ed25519', ED], ['RSA-PSS-SHA512', RSA]] as const)('%s signatures from signedFetch verify with Cloudflare\'s web-bot-auth 0.1.3', (_name, key) => {
  let peer: Awaited<ReturnType<typeof theirVerifier>>;
  beforeAll(async () => { peer = await theirVerifier(theirJwk(key)); });
  afterAll(() => peer.close());

  test('with the legacy String Signature-Agent (the form its verifier reads) and a nonce', async () => {
    const botFetch = signedFetch(await webBotAuth({ key, signatureAgent: AGENT, signatureAgentForm: 'string', nonce: true }));
    const response = await botFetch(`${peer.url}/articles?page=2`);
    expect([response.status, await response.text()]).toEqual([200, 'verified']);
    expect(peer.seen.at(-1)?.signatureAgent).toBe(`"${AGENT}"`);
  });

  test('without Signature-Agent, covering @method @authority @path', async () => {
    const botFetch = signedFetch(await webBotAuth({ key, components: ['@method', '@authority', '@path'] }));
    const response = await botFetch(`${peer.url}/feed`, { method: 'POST', body: 'x' });
    expect([response.status, await response.text()]).toEqual([200, 'verified']);
  });

  test('two requests through the same options each get their own nonce and a window from their own created, both verified', async () => {
    const botFetch = signedFetch(await webBotAuth({ key, signatureAgent: AGENT, signatureAgentForm: 'string', nonce: true }));
    const first = await botFetch(`${peer.url}/one`);
    const second = await botFetch(`${peer.url}/two`);
    expect([first.status, second.status]).toEqual([200, 200]);
    const [a, b] = peer.seen.slice(-2).map((s) => s.signatureInput as string);
    const param = (input: string, name: string): string | undefined => new RegExp(`;${name}=("[^"]*"|\\d+)`).exec(input)?.[1];
    expect(param(a as string, 'nonce')).not.toBe(param(b as string, 'nonce'));
    expect(param(a as string, 'keyid')).toBe(param(b as string, 'keyid'));
    for (const input of [a, b] as string[]) expect(Number(param(input, 'expires')) - Number(param(input, 'created'))).toBe(300);
  });
});

describe.each([['Ed25519', ED], ['RSA-PSS-SHA512', RSA]] as const)('our %s signed key directory verifies with Cloudflare\'s http-message-sig 0.2.0', (_name, key) => {
  let directory: KeyDirectory;
  let server: http.Server;
  let origin: string;
  beforeAll(async () => {
    // One key: http-message-sig 0.2.0 reads one signature per message.
    directory = await createKeyDirectory({ keys: [key], authorities: (authority) => authority.startsWith('127.0.0.1:') });
    server = http.createServer((req, res) => {
      void directory.respond({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers as Record<string, string> }).then((answer) => {
        res.writeHead(answer.status, answer.headers).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }));

  test('its signature, over "@authority";req and content-digest, checks with their verify and our published key', async () => {
    const response = await fetch(origin + DIRECTORY_PATH);
    const jwks = await response.json() as { keys: (JsonWebKey & { kid: string })[] };
    const published = jwks.keys[0] as JsonWebKey & { kid: string };
    const check = await verifierFromJWK(theirJwk(published));
    const message = {
      request: { method: 'GET', url: DIRECTORY_PATH, protocol: 'http', headers: { host: new URL(origin).host } },
      response: { status: response.status, headers: Object.fromEntries(response.headers) },
    };
    const params = await theirMessageVerify(message, async (data, signature, parameters) => {
      await check(data, signature, parameters as never);
      return parameters;
    });
    expect(params).toMatchObject({ keyid: published.kid, tag: 'http-message-signatures-directory' });
  });
});
