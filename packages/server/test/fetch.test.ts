// verifyFetchRequest on its own (web Request): Host from the URL, the body left readable or refused when read.
import { sign } from '@httpsig/core';
import { verifyFetchRequest } from '../src/index.js';
import type { ServerVerifyOptions } from '../src/index.js';
import { HMAC_KEY_ID, SECRET, keyLookup } from './support/helpers.js';

describe('verifyFetchRequest on its own', () => {
  const options: ServerVerifyOptions = { keyLookup };
  test('takes host from the URL when the Host header is absent, and leaves the body readable', async () => {
    const body = '{"hello":"worker"}';
    const signed = await sign({ method: 'POST', url: 'https://api.example.test/v1/x?y=1', headers: { 'content-type': 'application/json' } }, {
      keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date', 'digest'], digest: 'SHA-256', body,
    });
    const request = new Request('https://api.example.test/v1/x?y=1', {
      method: 'POST', headers: { 'content-type': 'application/json', ...signed.headers }, body,
    });
    const result = await verifyFetchRequest(request, options);
    expect(result.keyId).toBe(HMAC_KEY_ID);
    expect(await request.json()).toEqual({ hello: 'worker' });
  });

  test('refuses a body that was already read', async () => {
    const request = new Request('https://api.example.test/', { method: 'POST', body: 'x' });
    await request.text();
    await expect(verifyFetchRequest(request, options)).rejects.toThrow('read before signature verification');
  });
});
