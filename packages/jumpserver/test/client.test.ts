import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MissingHeaderError, sign } from '@httpsig/core';
import {
  accessKey, bearer, privateToken, login, JumpServerClient, JumpServerAuthenticationError, JumpServerPermissionError,
  JumpServerServerError, JumpServerHttpError, isJumpServerError, DEFAULT_ORG, ROOT_ORG,
} from '../src/index.js';
import {
  startEmulator, EMULATOR_ACCESS_KEY, EMULATOR_LIMITED_ACCESS_KEY, EMULATOR_ORGS, EMULATOR_PRIVATE_TOKEN,
  EMULATOR_TOTP_SECRET,
} from '../src/emulator.js';
import { useEmulator, failure } from './support/emulator.js';

const emulator = useEmulator();

interface Echo { method: string; path: string; query: string; headers: Record<string, string>; body: string; user: string }

const keyClient = (extra: Partial<ConstructorParameters<typeof JumpServerClient>[0]> = {}): JumpServerClient =>
  new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY), retryDelay: 5, ...extra });

describe('JumpServerClient with an access key', () => {
  test.each(['get', 'delete'] as const)('%s: signed, trailing slash added, query kept', async (method) => {
    const echo = await keyClient()[method]<Echo>('/api/v1/echo/items', { query: { search: 'web 01', limit: 2 } });
    expect(echo.method).toBe(method.toUpperCase());
    expect(echo.path).toBe('/api/v1/echo/items/');
    expect(echo.query).toBe('search=web+01&limit=2');
    expect(echo.headers['accept']).toBe('application/json');
    expect(echo.headers['authorization']).toContain('headers="(request-target) accept date"');
  });

  test.each(['post', 'put', 'patch'] as const)('%s: JSON body, content-type sent but never signed', async (method) => {
    const echo = await keyClient()[method]<Echo>('api/v1/echo/items?x=1', { name: 'web-99' });
    expect(echo.method).toBe(method.toUpperCase());
    expect(echo.path).toBe('/api/v1/echo/items/');
    expect(echo.query).toBe('x=1');
    expect(JSON.parse(echo.body)).toEqual({ name: 'web-99' });
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers['authorization']).not.toContain('content-type');
  });

  test('a base URL with a path prefix and a trailing slash', async () => {
    const echo = await new JumpServerClient({ baseUrl: `${emulator.url}/`, auth: accessKey(EMULATOR_ACCESS_KEY) }).get<Echo>('/api/v1/echo/a');
    expect(echo.path).toBe('/api/v1/echo/a/');
  });

  test('the organisation of the key, of the client and of one request is sent as X-JMS-ORG', async () => {
    const byKey = new JumpServerClient({ baseUrl: emulator.url, auth: accessKey({ ...EMULATOR_ACCESS_KEY, org: DEFAULT_ORG }) });
    expect((await byKey.get<Echo>('/api/v1/echo/o')).headers['x-jms-org']).toBe(DEFAULT_ORG);
    expect((await byKey.get<Echo>('/api/v1/echo/o')).headers['authorization']).toContain('x-jms-org');
    const byClient = keyClient({ org: EMULATOR_ORGS.engineering });
    expect((await byClient.get<Echo>('/api/v1/echo/o')).headers['x-jms-org']).toBe(EMULATOR_ORGS.engineering);
    expect((await byClient.get<Echo>('/api/v1/echo/o', { org: ROOT_ORG })).headers['x-jms-org']).toBe(ROOT_ORG);
    expect(() => keyClient({ org: 'Ingénierie' })).toThrow(TypeError);
    expect(() => keyClient({ org: 'x\r\nx-evil: 1' })).toThrow(TypeError);
  });

  test('POST creates an asset in the organisation', async () => {
    const client = keyClient({ org: EMULATOR_ORGS.engineering });
    const created = await client.post<{ name: string; org_id: string }>('/api/v1/assets/assets/', { name: 'build-99', address: '10.0.1.99' });
    expect(created).toMatchObject({ name: 'build-99', org_id: EMULATOR_ORGS.engineering });
  });
});

describe('paginate', () => {
  test('follows next links page by page', async () => {
    const names: string[] = [];
    for await (const asset of keyClient().paginate<{ name: string }>('/api/v1/assets/assets', { limit: 3 })) names.push(asset.name);
    expect(names).toEqual(['web-01', 'web-02', 'web-03', 'web-04', 'web-05', 'web-06', 'web-07']);
    const pages = (await emulator.requests()).map((r) => `${r.path} ${r.status}`);
    expect(pages).toEqual([
      '/api/v1/assets/assets/?limit=3&offset=0 200',
      '/api/v1/assets/assets/?limit=3&offset=3 200',
      '/api/v1/assets/assets/?limit=3&offset=6 200',
    ]);
  });

  test('keeps query parameters and the organisation', async () => {
    const names: string[] = [];
    const client = keyClient({ org: EMULATOR_ORGS.engineering });
    for await (const asset of client.paginate<{ name: string }>('/api/v1/assets/assets/', { limit: 1, query: { q: 'build-0' } })) {
      names.push(asset.name);
    }
    expect(names).toEqual(['build-01', 'build-02', 'build-03']);
  });

  test('uses only the path and query of next links (a proxy may write the wrong host)', async () => {
    // Host header as nginx would rewrite it: without the port, so the next links point elsewhere.
    const client = keyClient({
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('host', '127.0.0.1');
        return fetch(input, { ...init, headers });
      },
    });
    let count = 0;
    for await (const _ of client.paginate('/api/v1/assets/assets/', { limit: 4 })) count++;
    expect(count).toBe(7);
  });

  test('stops at maxPages', async () => {
    let count = 0;
    for await (const _ of keyClient().paginate('/api/v1/assets/assets/', { limit: 2, maxPages: 2 })) count++;
    expect(count).toBe(4);
  });

  test('an answer that is not a list: ERR_JMS_RESPONSE', async () => {
    const iterate = async (): Promise<void> => {
      for await (const _ of keyClient().paginate('/api/v1/users/profile/')) { /* nothing */ }
    };
    const error = await failure(iterate());
    expect(error.code).toBe('ERR_JMS_RESPONSE');
  });

  test('rejects a bad limit', async () => {
    await expect(keyClient().paginate('/api/v1/assets/assets/', { limit: 0 }).next()).rejects.toBeInstanceOf(RangeError);
  });
});

describe('typed errors with hints', () => {
  test('401 Invalid signature: ERR_JMS_AUTHENTICATION with the signing string', async () => {
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: accessKey({ ...EMULATOR_ACCESS_KEY, secret: 'not-the-secret' }) });
    const error = await failure(client.get('/api/v1/users/profile/'));
    expect(error).toBeInstanceOf(JumpServerAuthenticationError);
    expect(isJumpServerError(error)).toBe(true);
    expect(error.code).toBe('ERR_JMS_AUTHENTICATION');
    expect(error.status).toBe(401);
    expect(error.detail).toBe('Invalid signature.');
    expect(error.hint).toMatch(/trailing slash/);
    expect(error.signingString).toMatch(/^\(request-target\): get \/api\/v1\/users\/profile\/\naccept: application\/json\ndate: /);
    expect(`${error.message} ${error.hint}`).not.toContain('not-the-secret');
  });

  test('the trailing-slash pitfall itself: a signed request following the 301 gets 401', async () => {
    const options = accessKey(EMULATOR_ACCESS_KEY);
    const headers: Record<string, string> = { ...options.requestHeaders };
    Object.assign(headers, (await sign({ method: 'GET', url: '/api/v1/users/profile?x=1', headers }, options)).headers);
    const first = await fetch(`${emulator.url}/api/v1/users/profile?x=1`, { headers, redirect: 'manual' });
    expect(first.status).toBe(301);
    expect(first.headers.get('location')).toBe('/api/v1/users/profile/?x=1');
    const followed = await fetch(`${emulator.url}/api/v1/users/profile?x=1`, { headers });
    expect(followed.status).toBe(401);
  });

  test('403 for an organisation the user is not in: ERR_JMS_PERMISSION naming X-JMS-ORG', async () => {
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_LIMITED_ACCESS_KEY), org: EMULATOR_ORGS.engineering });
    const error = await failure(client.get('/api/v1/assets/assets/'));
    expect(error).toBeInstanceOf(JumpServerPermissionError);
    expect(error.code).toBe('ERR_JMS_PERMISSION');
    expect(error.hint).toContain(EMULATOR_ORGS.engineering);
    expect(error.hint).toMatch(/X-JMS-ORG/);
    // the same user in the Default organisation is fine
    await expect(client.get('/api/v1/assets/assets/', { org: DEFAULT_ORG })).resolves.toHaveLength(7);
  });

  test('500 when content-type is signed (hand-made options): ERR_JMS_SERVER explaining the META quirk', async () => {
    const client = new JumpServerClient({
      baseUrl: emulator.url,
      auth: { keyId: EMULATOR_ACCESS_KEY.keyId, key: EMULATOR_ACCESS_KEY.secret, algorithm: 'hmac-sha256', headers: ['(request-target)', 'date', 'content-type'] },
    });
    const error = await failure(client.post('/api/v1/echo/x/', { a: 1 }));
    expect(error).toBeInstanceOf(JumpServerServerError);
    expect(error.code).toBe('ERR_JMS_SERVER');
    expect(error.status).toBe(500);
    expect(error.hint).toMatch(/nt-type/);
  });

  test('500 when the signed list lacks date: ERR_JMS_SERVER with the headers= hint', async () => {
    const client = new JumpServerClient({
      baseUrl: emulator.url,
      auth: { keyId: EMULATOR_ACCESS_KEY.keyId, key: EMULATOR_ACCESS_KEY.secret, algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept'] },
    });
    const error = await failure(client.get('/api/v1/echo/x/'));
    expect(error.code).toBe('ERR_JMS_SERVER');
    expect(error.hint).toMatch(/\(request-target\) or date/);
  });

  test('a signed header the request lacks is refused before sending (core MissingHeaderError)', async () => {
    const client = new JumpServerClient({
      baseUrl: emulator.url,
      auth: { keyId: EMULATOR_ACCESS_KEY.keyId, key: EMULATOR_ACCESS_KEY.secret, algorithm: 'hmac-sha256', headers: ['(request-target)', 'date', 'x-custom'] },
    });
    await expect(client.get('/api/v1/echo/x/')).rejects.toBeInstanceOf(MissingHeaderError);
  });

  test('404: ERR_JMS_HTTP', async () => {
    const error = await failure(keyClient().get('/api/v1/nothing/here/'));
    expect(error).toBeInstanceOf(JumpServerHttpError);
    expect(error.code).toBe('ERR_JMS_HTTP');
    expect(error.status).toBe(404);
  });

  test('a redirect is not followed with the signature: ERR_JMS_HTTP with a redirect hint', async () => {
    await emulator.injectFailure({ status: 302, prefix: '/api/v1/echo/' });
    const error = await failure(keyClient().get('/api/v1/echo/r/'));
    expect(error.code).toBe('ERR_JMS_HTTP');
    expect(error.status).toBe(302);
    expect(error.hint).toMatch(/redirect/);
  });

  test('unreachable server: ERR_JMS_NETWORK after the retries of an idempotent request', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new JumpServerClient({ baseUrl: `http://127.0.0.1:${port}`, auth: accessKey(EMULATOR_ACCESS_KEY), retries: 1, retryDelay: 1 });
    const error = await failure(client.get('/api/v1/echo/x/'));
    expect(error.code).toBe('ERR_JMS_NETWORK');
  });
});

describe('retries', () => {
  test('GET is retried on 503 and 502 with backoff, re-signed each time', async () => {
    await emulator.injectFailure({ status: 503, count: 1, prefix: '/api/v1/echo/' });
    await emulator.injectFailure({ status: 502, count: 1, prefix: '/api/v1/echo/' });
    const echo = await keyClient().get<Echo>('/api/v1/echo/retry/');
    expect(echo.path).toBe('/api/v1/echo/retry/');
    expect((await emulator.requests()).map((r) => r.status)).toEqual([503, 502, 200]);
  });

  test('429 and 504 are retried too', async () => {
    await emulator.injectFailure({ status: 429, count: 1, prefix: '/api/v1/echo/' });
    await emulator.injectFailure({ status: 504, count: 1, prefix: '/api/v1/echo/' });
    await keyClient({ retries: 2 }).put('/api/v1/echo/retry/', { a: 1 });
    expect((await emulator.requests()).map((r) => r.status)).toEqual([429, 504, 200]);
  });

  test('retries are bounded: ERR_JMS_SERVER after the last one', async () => {
    await emulator.injectFailure({ status: 503, count: 5, prefix: '/api/v1/echo/' });
    const error = await failure(keyClient({ retries: 2 }).get('/api/v1/echo/retry/'));
    expect(error.code).toBe('ERR_JMS_SERVER');
    expect(error.status).toBe(503);
    expect(await emulator.requests()).toHaveLength(3);
  });

  test('429 after the last retry: ERR_JMS_RATE_LIMITED', async () => {
    await emulator.injectFailure({ status: 429, count: 5, prefix: '/api/v1/echo/' });
    const error = await failure(keyClient({ retries: 1 }).get('/api/v1/echo/retry/'));
    expect(error.code).toBe('ERR_JMS_RATE_LIMITED');
    expect(error.hint).toMatch(/THROTTLE_RATES/);
  });

  test('POST is not retried', async () => {
    await emulator.injectFailure({ status: 503, count: 1, prefix: '/api/v1/echo/' });
    const error = await failure(keyClient().post('/api/v1/echo/retry/', { a: 1 }));
    expect(error.code).toBe('ERR_JMS_SERVER');
    expect(await emulator.requests()).toHaveLength(1);
  });
});

describe('bearer and private tokens', () => {
  test('a token from login()', async () => {
    const session = await login({ baseUrl: emulator.url, username: 'alice', password: 'alice-password' });
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: bearer({ token: session.token, expiresAt: session.expiresAt }) });
    const echo = await client.get<Echo>('/api/v1/echo/b');
    expect(echo.user).toBe('alice');
    expect(echo.headers['authorization']).toBe(`Bearer ${session.token}`);
  });

  test('credentials: logs in on first use (with MFA) and once only for concurrent requests', async () => {
    const client = new JumpServerClient({
      baseUrl: emulator.url,
      auth: bearer({ credentials: { username: 'mfa-user', password: 'mfa-password', otp: { secret: EMULATOR_TOTP_SECRET } } }),
    });
    const results = await Promise.all([client.get<Echo>('/api/v1/echo/1'), client.get<Echo>('/api/v1/echo/2')]);
    expect(results.map((r) => r.user)).toEqual(['mfa-user', 'mfa-user']);
    const logins = (await emulator.requests()).filter((r) => r.path === '/api/v1/authentication/auth/');
    expect(logins.map((r) => r.status)).toEqual([200, 201]);
  });

  test('re-login before expiry', async () => {
    const short = await startEmulator({ tokenTtl: 64 });
    try {
      const client = new JumpServerClient({
        baseUrl: short.url,
        auth: bearer({ credentials: { username: 'admin', password: 'admin-password' }, refreshBefore: 60 }),
      });
      const first = await client.get<Echo>('/api/v1/echo/1');
      const second = await client.get<Echo>('/api/v1/echo/2');
      expect(second.headers['authorization']).toBe(first.headers['authorization']);
      // the token expires in ~64 s (date_expired has whole seconds), so 4 s from now we are inside the 60 s margin
      await new Promise((resolve) => setTimeout(resolve, 4200));
      const third = await client.get<Echo>('/api/v1/echo/3');
      expect(third.headers['authorization']).not.toBe(first.headers['authorization']);
      const statuses = (await short.requests()).map((r) => `${r.path.split('/')[4] ?? ''} ${r.status}`);
      expect(statuses).toEqual(['auth 201', '1 200', '2 200', 'auth 201', '3 200']);
    } finally {
      await short.close();
    }
  });

  test('a 401 with credentials: one re-login, then the request succeeds', async () => {
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: bearer({ credentials: { username: 'admin', password: 'admin-password' } }) });
    await client.get('/api/v1/echo/1');
    await emulator.expireTokens();
    await expect(client.get<Echo>('/api/v1/echo/2')).resolves.toHaveProperty('user', 'admin');
    expect((await emulator.requests()).map((r) => r.status)).toEqual([201, 200, 401, 201, 200]);
  });

  test('an expired token without credentials: ERR_JMS_AUTHENTICATION saying to log in again', async () => {
    const session = await login({ baseUrl: emulator.url, username: 'admin', password: 'admin-password' });
    await emulator.expireTokens();
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: bearer({ token: session.token }) });
    const error = await failure(client.get('/api/v1/users/profile/'));
    expect(error.code).toBe('ERR_JMS_AUTHENTICATION');
    expect(error.hint).toMatch(/log in again/i);
  });

  test('a login failure during re-login surfaces as ERR_JMS_LOGIN_FAILED', async () => {
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: bearer({ credentials: { username: 'admin', password: 'wrong' } }) });
    const error = await failure(client.get('/api/v1/users/profile/'));
    expect(error.code).toBe('ERR_JMS_LOGIN_FAILED');
  });

  test('a private token', async () => {
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: privateToken(EMULATOR_PRIVATE_TOKEN) });
    const profile = await client.get<{ username: string }>('/api/v1/users/profile');
    expect(profile.username).toBe('admin');
  });

  test('an access key id sent as a private token: ERR_JMS_AUTHENTICATION pointing to accessKey()', async () => {
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: privateToken(EMULATOR_ACCESS_KEY.keyId) });
    const error = await failure(client.get('/api/v1/users/profile/'));
    expect(error.code).toBe('ERR_JMS_AUTHENTICATION');
    expect(error.hint).toMatch(/accessKey\(/);
  });

  test('bad auth values are TypeErrors', () => {
    expect(() => bearer({})).toThrow(TypeError);
    expect(() => bearer({ token: 't', refreshBefore: -1 })).toThrow(RangeError);
    expect(() => privateToken('a b')).toThrow(TypeError);
    expect(() => new JumpServerClient({ baseUrl: emulator.url, auth: null as never })).toThrow(TypeError);
    expect(() => new JumpServerClient({ baseUrl: emulator.url, auth: { type: 'nope' } as never })).toThrow(TypeError);
    expect(() => new JumpServerClient({ baseUrl: 'not a url', auth: privateToken('t') })).toThrow(TypeError);
    expect(() => new JumpServerClient({ baseUrl: emulator.url, auth: privateToken('t'), retries: -1 })).toThrow(RangeError);
    expect(() => new JumpServerClient({
      baseUrl: emulator.url,
      auth: { keyId: 'k', key: 's', algorithm: 'hmac-sha256', scheme: 'signature' },
    })).toThrow(TypeError);
    expect(() => new JumpServerClient({
      baseUrl: emulator.url,
      auth: { keyId: 'k', key: 's', algorithm: 'hmac-sha256', scheme: 'rfc9421' } as never,
    })).toThrow(TypeError);
  });
});
