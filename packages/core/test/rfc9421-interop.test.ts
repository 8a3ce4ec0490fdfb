// RFC 9421 interoperability (node project only: the peer library is Node-only):
// - the npm `http-message-signatures` package (dhensby, v1.0.6) signs → we verify, and we sign → it verifies,
//   for every algorithm both implement;
// - a real loopback HTTP exchange: fetch sends a signed request with a Content-Digest, a node:http server verifies
//   it and answers with a response signature bound to the request (`;req`), which the client verifies.
import crypto from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner, createVerifier, httpbis } from 'http-message-signatures';
import { isHttpSignatureError } from '../src/errors.js';
import { type Rfc9421Algorithm, type Rfc9421Request, type Rfc9421VerificationKey, signRfc9421, verifyRfc9421 } from '../src/rfc9421/index.js';
import { pemOf } from './rfc9421-helpers.js';

const p384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
const secret = crypto.randomBytes(32);
const PEMS: Record<Rfc9421Algorithm, { sign: string | Uint8Array; verify: string | Uint8Array }> = {
  'rsa-pss-sha512': { sign: pemOf('rfc9421-test-key-rsa-pss.private.pem'), verify: pemOf('rfc9421-test-key-rsa-pss.public.pem') },
  'rsa-v1_5-sha256': { sign: pemOf('rfc9421-test-key-rsa.private.pem'), verify: pemOf('rfc9421-test-key-rsa.public.pem') },
  'hmac-sha256': { sign: new Uint8Array(secret), verify: new Uint8Array(secret) },
  'ecdsa-p256-sha256': { sign: pemOf('rfc9421-test-key-ecc-p256.private.pem'), verify: pemOf('rfc9421-test-key-ecc-p256.public.pem') },
  'ecdsa-p384-sha384': { sign: p384.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, verify: p384.publicKey.export({ type: 'spki', format: 'pem' }) as string },
  ed25519: { sign: pemOf('rfc9421-test-key-ed25519.private.pem'), verify: pemOf('rfc9421-test-key-ed25519.public.pem') },
};
const ALGORITHMS = Object.keys(PEMS) as Rfc9421Algorithm[];
const peerSigningKey = (alg: Rfc9421Algorithm) => (alg === 'hmac-sha256' ? secret : crypto.createPrivateKey(PEMS[alg].sign as string));
const peerVerifyingKey = (alg: Rfc9421Algorithm) => (alg === 'hmac-sha256' ? secret : crypto.createPublicKey(PEMS[alg].verify as string));
const ourLookup = (alg: Rfc9421Algorithm) => (keyId: string | undefined): Rfc9421VerificationKey | null =>
  (keyId === `peer-${alg}` || keyId === `us-${alg}` ? { key: PEMS[alg].verify, algorithms: [alg] } : null);

const body = '{"hello": "world"}';
const digest = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:';
const peerRequest = () => ({
  method: 'POST', url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: { 'Content-Type': 'application/json', 'Content-Digest': digest, Host: 'example.com' } as Record<string, string>,
});
const FIELDS = ['@method', '@authority', '@path', '@query', '@target-uri', '"@query-param";name="Pet"', 'content-type', 'content-digest'];

describe('RFC 9421 interop with http-message-signatures 1.0.6', () => {
  describe.each(ALGORITHMS)('%s', (alg) => {
    test('http-message-signatures signs, verifyRfc9421 verifies (RSASSA-PSS: see below)', async () => {
      const signed = await httpbis.signMessage({ key: createSigner(peerSigningKey(alg), alg, `peer-${alg}`), fields: FIELDS, params: ['created', 'expires', 'keyid', 'alg'] }, peerRequest());
      const verifying = verifyRfc9421(signed, { keyLookup: ourLookup(alg), requiredComponents: FIELDS, body, requiredParameters: ['created', 'expires', 'keyid', 'alg'] });
      if (alg === 'rsa-pss-sha512') {
        // The peer signs RSASSA-PSS with the maximum salt length (node's default), not the 64 bytes RFC 9421 §3.3.1
        // requires; a verifier that checks the salt length refuses it.
        const error = await verifying.then(() => undefined, (e: unknown) => e);
        expect(isHttpSignatureError(error) && error.code).toBe('ERR_SIGNATURE_MISMATCH');
      } else {
        const result = await verifying;
        expect(result.keyId).toBe(`peer-${alg}`);
        expect(result.algorithm).toBe(alg);
        expect(result.components).toEqual(['"@method"', '"@authority"', '"@path"', '"@query"', '"@target-uri"', '"@query-param";name="Pet"', '"content-type"', '"content-digest"']);
      }
    });

    test('signRfc9421 signs, http-message-signatures verifies', async () => {
      const request = peerRequest();
      const { headers } = await signRfc9421(request, { key: PEMS[alg].sign, algorithm: alg, keyId: `us-${alg}`, components: FIELDS, includeAlg: true, expires: Math.floor(Date.now() / 1000) + 60 });
      const signed = { ...request, headers: { ...request.headers, ...headers } };
      const keyLookup = async () => ({ id: `us-${alg}`, algs: [alg], verify: createVerifier(peerVerifyingKey(alg), alg) });
      // (the peer's requiredFields compares bare names only, so parameterised identifiers are left out of it)
      await expect(httpbis.verifyMessage({ keyLookup, requiredFields: ['@method', '@target-uri', 'content-digest'], requiredParams: ['created', 'keyid', 'alg'] }, signed)).resolves.toBe(true);
      // And it notices a change.
      await expect(httpbis.verifyMessage({ keyLookup }, { ...signed, method: 'PUT' })).resolves.toBe(false);
    });
  });

  test('a response bound to its request (;req) verifies both ways', async () => {
    const request = peerRequest();
    const clientSig = await signRfc9421(request, { key: PEMS.ed25519.sign, algorithm: 'ed25519', keyId: 'us-ed25519' });
    const sentRequest = { ...request, headers: { ...request.headers, ...clientSig.headers } };
    const response = { status: 200, headers: { 'content-type': 'application/json' } as Record<string, string> };
    const components = ['@status', 'content-type', '"@method";req', '"@authority";req', '"signature";key="sig1";req'];

    const ours = await signRfc9421({ ...response, request: sentRequest }, { key: PEMS['ecdsa-p256-sha256'].sign, algorithm: 'ecdsa-p256-sha256', keyId: 'us-ecdsa-p256-sha256', components });
    const peerKeyLookup = async () => ({ id: 'k', algs: ['ecdsa-p256-sha256'], verify: createVerifier(peerVerifyingKey('ecdsa-p256-sha256'), 'ecdsa-p256-sha256') });
    await expect(httpbis.verifyMessage({ keyLookup: peerKeyLookup }, { ...response, headers: { ...response.headers, ...ours.headers } }, sentRequest)).resolves.toBe(true);

    const theirs = await httpbis.signMessage({ key: createSigner(peerSigningKey('ecdsa-p256-sha256'), 'ecdsa-p256-sha256', 'peer-ecdsa-p256-sha256'), fields: components }, response, sentRequest);
    const result = await verifyRfc9421({ status: theirs.status, headers: theirs.headers, request: sentRequest }, {
      keyLookup: ourLookup('ecdsa-p256-sha256'), requiredComponents: ['@status', 'signature;key="sig1";req'],
    });
    expect(result.signatureBase).toContain('"signature";key="sig1";req: :');
  });
});

describe('RFC 9421 over a real loopback HTTP exchange (fetch ↔ node:http)', () => {
  let server: Server;
  let origin: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const received: Rfc9421Request = { method: req.method as string, url: req.url as string, headers: req.headers as Record<string, string>, scheme: 'http' };
          try {
            const verified = await verifyRfc9421(received, {
              keyLookup: ourLookup('ed25519'), body: new Uint8Array(Buffer.concat(chunks)),
              requiredComponents: ['@method', '@target-uri', 'content-digest'],
            });
            seen.push(verified.signatureBase);
            const answer = Buffer.from(JSON.stringify({ ok: true, label: verified.label }));
            const signed = await signRfc9421({ status: 200, headers: { 'content-type': 'application/json' }, request: received }, {
              key: PEMS['ecdsa-p256-sha256'].sign, algorithm: 'ecdsa-p256-sha256', keyId: 'us-ecdsa-p256-sha256', body: answer, digest: 'SHA-512',
              components: ['@status', 'content-type', '@method;req', '@target-uri;req', 'signature;key="sig1";req'],
            });
            res.writeHead(200, { 'content-type': 'application/json', ...signed.headers });
            res.end(answer);
          } catch (error) {
            res.writeHead(401, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ code: isHttpSignatureError(error) ? error.code : 'ERR_INTERNAL' }));
          }
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await new Promise((resolve) => server.close(resolve)); });

  async function send(tamper: boolean): Promise<{ response: Response; request: Rfc9421Request; text: string }> {
    const request: Rfc9421Request = { method: 'POST', url: `${origin}/api/items?id=7&x=a%20b`, headers: { 'content-type': 'application/json' } };
    const signed = await signRfc9421(request, { key: PEMS.ed25519.sign, algorithm: 'ed25519', keyId: 'us-ed25519', body, digest: 'SHA-256', components: ['@method', '@target-uri', '@authority'] });
    const headers = { 'content-type': 'application/json', ...signed.headers };
    const response = await fetch(request.url, { method: 'POST', headers, body: tamper ? `${body} ` : body });
    return { response, request: { ...request, headers }, text: await response.text() };
  }

  test('the server verifies the request; the client verifies the response bound to it', async () => {
    const { response, request, text } = await send(false);
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ ok: true, label: 'sig1' });
    expect(seen.at(-1)).toContain(`"@target-uri": ${origin}/api/items?id=7&x=a%20b`);
    const result = await verifyRfc9421({ status: response.status, headers: response.headers, request }, {
      keyLookup: ourLookup('ecdsa-p256-sha256'), body: text, requiredComponents: ['@status', 'signature;key="sig1";req', 'content-digest'],
    });
    expect(result.algorithm).toBe('ecdsa-p256-sha256');
  });

  test('a body changed on the wire is refused by the server with ERR_DIGEST_MISMATCH', async () => {
    const { response, text } = await send(true);
    expect(response.status).toBe(401);
    expect(JSON.parse(text)).toEqual({ code: 'ERR_DIGEST_MISMATCH' });
  });
});
