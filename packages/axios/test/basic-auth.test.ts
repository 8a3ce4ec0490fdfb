// axios's `auth` option and the signature: axios sets `Authorization: Basic …` itself, which would replace a
// draft-cavage `Authorization: Signature …`. That combination is refused before anything is sent; the signature
// in the `Signature` header (or RFC 9421) goes out beside Basic credentials.
import { verify } from '@httpsig/core';
import type { SigningOptions } from '@httpsig/core';
import axios from 'axios';
import { startCoreServer } from '../../../test-support/core-server.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { withHttpSignature } from '../src/index.js';

const KEY_ID = 'axios-auth-key';
const SECRET = 'axios-auth-secret-0123456789abcdef';
const auth = { username: 'user', password: 'pass' };
const basic = `Basic ${Buffer.from('user:pass').toString('base64')}`;
const cavage: SigningOptions = { keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256' };

let server: CoreServer;
let rfc9421Server: CoreServer;
beforeAll(async () => {
  server = await startCoreServer({ verify, keys: { [KEY_ID]: SECRET }, requiredHeaders: ['(request-target)', 'host', 'date'] });
  rfc9421Server = await startCoreServer({ verify, keys: { [KEY_ID]: SECRET }, scheme: 'rfc9421' });
});
afterAll(async () => { await server.close(); await rfc9421Server.close(); });
beforeEach(() => { server.requests.length = 0; rfc9421Server.requests.length = 0; });

describe.each(['http', 'fetch'] as const)('the %s adapter', (adapter) => {
  test('auth with the signature in Authorization is refused before anything is sent', async () => {
    const client = axios.create({ baseURL: server.origin, adapter, auth });
    withHttpSignature(client, cavage);
    await expect(client.get('/a/')).rejects.toThrow(TypeError);
    await expect(client.get('/a/')).rejects.toThrow(/auth option would replace the Authorization: Signature header/);
    expect(server.requests).toHaveLength(0);
  });

  test('with double-knocking, auth is refused when either spec signs into Authorization', async () => {
    const client = axios.create({ baseURL: rfc9421Server.origin, adapter, auth });
    withHttpSignature(client, { scheme: 'rfc9421', keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256', doubleKnock: { other: cavage } });
    await expect(client.get('/a/')).rejects.toThrow(/auth option would replace the Authorization: Signature header/);
    expect(rfc9421Server.requests).toHaveLength(0);
    // The derived draft-cavage options sign into the Signature header: auth goes out beside them.
    const derived = axios.create({ baseURL: rfc9421Server.origin, adapter, auth });
    withHttpSignature(derived, { scheme: 'rfc9421', keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256', doubleKnock: true });
    expect((await derived.get('/a/?x=1')).status).toBe(200);
    expect(rfc9421Server.requests[0]?.headers.authorization).toBe(basic);
  });

  test('auth given per request is refused too; without auth the request is signed', async () => {
    const client = axios.create({ baseURL: server.origin, adapter });
    withHttpSignature(client, { ...cavage, scheme: 'authorization' });
    await expect(client.get('/a/', { auth })).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
    expect((await client.get('/a/')).status).toBe(200);
    expect(server.requests[0]?.verified?.keyId).toBe(KEY_ID);
  });

  test('with scheme: \'signature\', Basic credentials and the Signature header both go out, and it verifies', async () => {
    const client = axios.create({ baseURL: server.origin, adapter, auth });
    withHttpSignature(client, { ...cavage, scheme: 'signature' });
    expect((await client.get('/a/')).status).toBe(200);
    expect(server.requests[0]?.headers['authorization']).toBe(basic);
    expect(server.requests[0]?.verified?.keyId).toBe(KEY_ID);
  });

  test('with RFC 9421, Basic credentials go out beside Signature-Input and Signature, and it verifies', async () => {
    const client = axios.create({ baseURL: rfc9421Server.origin, adapter, auth });
    withHttpSignature(client, { scheme: 'rfc9421', keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256' });
    expect((await client.get('/a/?b=1')).status).toBe(200);
    expect(rfc9421Server.requests[0]?.headers['authorization']).toBe(basic);
    expect(rfc9421Server.requests[0]?.verified?.keyId).toBe(KEY_ID);
  });
});
