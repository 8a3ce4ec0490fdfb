import { sign, MissingHeaderError } from '@httpsig/core';
import { signedFetch } from '@httpsig/fetch';
import { accessKey, DEFAULT_ORG } from '../src/index.js';
import { startEmulator, EMULATOR_ACCESS_KEY, EMULATOR_ORGS, type RunningEmulator } from '../src/emulator.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

/** Sign with core and send with the global fetch, as any adapter would. */
async function signedGet(options: ReturnType<typeof accessKey>, path: string): Promise<Response> {
  const headers: Record<string, string> = { ...options.requestHeaders };
  const result = await sign({ method: 'GET', url: path, headers }, options);
  return fetch(`${emulator.url}${path}`, { headers: { ...headers, ...result.headers }, redirect: 'manual' });
}

describe('accessKey', () => {
  test('signs (request-target) accept date with hmac-sha256 and asks for Accept: application/json', () => {
    const options = accessKey(EMULATOR_ACCESS_KEY);
    expect(options).toMatchObject({
      keyId: EMULATOR_ACCESS_KEY.keyId,
      algorithm: 'hmac-sha256',
      headers: ['(request-target)', 'accept', 'date'],
      scheme: 'authorization',
      requestHeaders: { accept: 'application/json' },
      org: undefined,
    });
    expect(options.headers).not.toContain('content-type');
    expect(options.headers).not.toContain('content-length');
    expect(options.headers).not.toContain('host');
  });

  test('with an organisation, x-jms-org is sent and signed', () => {
    const options = accessKey({ ...EMULATOR_ACCESS_KEY, org: DEFAULT_ORG });
    expect(options.headers).toEqual(['(request-target)', 'accept', 'date', 'x-jms-org']);
    expect(options.requestHeaders).toEqual({ accept: 'application/json', 'x-jms-org': DEFAULT_ORG });
  });

  test('JumpServer (python3-httpsig in the emulator) accepts a request signed by core with these options', async () => {
    const response = await signedGet(accessKey(EMULATOR_ACCESS_KEY), '/api/v1/echo/core/?q=a%20b&x=1');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { path: string; query: string; headers: Record<string, string> };
    expect(body.path).toBe('/api/v1/echo/core/');
    expect(body.query).toBe('q=a%20b&x=1');
    expect(body.headers['authorization']).toMatch(/^Signature keyId="b5fd8a7c-1111-4e6b-9a1f-0123456789ab",algorithm="hmac-sha256",headers="\(request-target\) accept date",signature="/);
  });

  test('the signed organisation reaches the server and is honoured', async () => {
    const response = await signedGet(accessKey({ ...EMULATOR_ACCESS_KEY, org: EMULATOR_ORGS.engineering }), '/api/v1/assets/assets/');
    expect(response.status).toBe(200);
    const assets = (await response.json()) as Array<{ org_id: string }>;
    expect(assets).toHaveLength(3);
    expect(new Set(assets.map((a) => a.org_id))).toEqual(new Set([EMULATOR_ORGS.engineering]));
  });

  test('through @httpsig/fetch signedFetch: GET and a JSON POST are accepted', async () => {
    const auth = accessKey({ ...EMULATOR_ACCESS_KEY, org: DEFAULT_ORG });
    const jms = signedFetch(auth);
    const get = await jms(`${emulator.url}/api/v1/assets/assets/?limit=2`, { headers: auth.requestHeaders });
    expect(get.status).toBe(200);
    expect(((await get.json()) as { count: number }).count).toBe(7);
    const post = await jms(`${emulator.url}/api/v1/echo/fetch/`, {
      method: 'POST',
      headers: { ...auth.requestHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(post.status).toBe(200);
    const echo = (await post.json()) as { body: string; headers: Record<string, string> };
    expect(echo.body).toBe('{"a":1}');
    expect(echo.headers['authorization']).toContain('headers="(request-target) accept date x-jms-org"');
  });

  test('a wrong secret is refused by the server with 401 Invalid signature', async () => {
    const response = await signedGet(accessKey({ ...EMULATOR_ACCESS_KEY, secret: 'wrong-secret' }), '/api/v1/echo/x/');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Invalid signature.', code: 'authentication_failed' });
    expect(response.headers.get('www-authenticate')).toBe('Signature realm="api",headers="(request-target) date"');
  });

  test('a request without the Accept header it signs cannot be signed (core MissingHeaderError)', async () => {
    await expect(sign({ method: 'GET', url: '/api/v1/echo/x/', headers: {} }, accessKey(EMULATOR_ACCESS_KEY)))
      .rejects.toBeInstanceOf(MissingHeaderError);
  });

  test('bad input is a TypeError', () => {
    expect(() => accessKey({ keyId: '', secret: 's' })).toThrow(TypeError);
    expect(() => accessKey({ keyId: 'a"b', secret: 's' })).toThrow(TypeError);
    expect(() => accessKey({ keyId: 'id', secret: '' })).toThrow(TypeError);
    expect(() => accessKey({ keyId: 'id', secret: 's', org: 'Défaut' })).toThrow(TypeError);
    expect(() => accessKey({ keyId: 'id', secret: 's', org: ' Default' })).toThrow(TypeError);
    expect(() => accessKey({ keyId: 'id', secret: 's', signedHeaders: ['(request-target)', 'date', 'content-type'] })).toThrow(/500/);
    expect(() => accessKey({ keyId: 'id', secret: 's', signedHeaders: ['(request-target)', 'accept'] })).toThrow(/date/);
    expect(() => accessKey({ keyId: 'id', secret: 's', algorithm: 'rsa-sha256' as 'hmac-sha256' })).toThrow(TypeError);
  });
});
