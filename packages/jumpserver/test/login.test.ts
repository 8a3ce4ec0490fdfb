import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { login, totp, JumpServerLoginError } from '../src/index.js';
import { EMULATOR_TOTP_SECRET } from '../src/emulator.js';
import { useEmulator, failure } from './support/emulator.js';

const emulator = useEmulator();

const mfa = { username: 'mfa-user', password: 'mfa-password' };

async function bearerWorks(baseUrl: string, token: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v1/users/profile/`, { headers: { authorization: `Bearer ${token}` } });
  return response.status;
}

describe('login, JumpServer v2+ (auth/ and mfa/challenge/ with the jms_sessionid cookie)', () => {
  test('without MFA: 201 with token, keyword, date_expired and user', async () => {
    const before = Date.now();
    const result = await login({ baseUrl: emulator.url, username: 'admin', password: 'admin-password' });
    expect(result.keyword).toBe('Bearer');
    expect(result.token).toMatch(/^[0-9a-f]{32}$/);
    expect(result.user.username).toBe('admin');
    // the emulator's default lifetime is 24 h; date_expired has a one-second resolution
    expect(result.expiresAt.getTime()).toBeGreaterThan(before + 86_398_000);
    expect(result.expiresAt.getTime()).toBeLessThan(Date.now() + 86_401_000);
    expect(await bearerWorks(emulator.url, result.token)).toBe(200);
  });

  test('an otp function is not asked when MFA is not required', async () => {
    const otp = jest.fn(async () => '123456');
    await login({ baseUrl: emulator.url, username: 'admin', password: 'admin-password', otp });
    expect(otp).not.toHaveBeenCalled();
  });

  test('MFA with a code: challenge posted with the session cookie, then auth/ again', async () => {
    const result = await login({ baseUrl: emulator.url, ...mfa, otp: totp(EMULATOR_TOTP_SECRET) });
    expect(result.user.username).toBe('mfa-user');
    expect(await bearerWorks(emulator.url, result.token)).toBe(200);
    const paths = (await emulator.requests()).filter((r) => r.method === 'POST').map((r) => `${r.path} ${r.status}`);
    expect(paths).toEqual([
      '/api/v1/authentication/auth/ 200',
      '/api/v1/authentication/mfa/challenge/ 200',
      '/api/v1/authentication/auth/ 201',
    ]);
  });

  test('MFA with a TOTP secret', async () => {
    const result = await login({ baseUrl: emulator.url, ...mfa, otp: { secret: EMULATOR_TOTP_SECRET } });
    expect(await bearerWorks(emulator.url, result.token)).toBe(200);
  });

  test('MFA with a TOTP secret using SHA-256', async () => {
    const result = await login({
      baseUrl: emulator.url, username: 'mfa-sha256', password: 'mfa-password',
      otp: { secret: EMULATOR_TOTP_SECRET, algorithm: 'SHA-256' },
    });
    expect(result.user.username).toBe('mfa-sha256');
  });

  test('MFA with an async function, asked exactly once', async () => {
    const otp = jest.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return totp(EMULATOR_TOTP_SECRET);
    });
    const result = await login({ baseUrl: emulator.url, ...mfa, otp });
    expect(otp).toHaveBeenCalledTimes(1);
    expect(await bearerWorks(emulator.url, result.token)).toBe(200);
  });

  test('a wrong code: ERR_JMS_MFA_FAILED with the server message and a clock hint', async () => {
    const good = totp(EMULATOR_TOTP_SECRET);
    const wrong = good === '000000' ? '111111' : '000000';
    const error = await failure(login({ baseUrl: emulator.url, ...mfa, otp: wrong }));
    expect(error).toBeInstanceOf(JumpServerLoginError);
    expect(error.code).toBe('ERR_JMS_MFA_FAILED');
    expect(error.status).toBe(401);
    expect(error.detail).toMatch(/OTP code invalid/);
    expect(error.hint).toMatch(/clock/);
    expect(error.message).not.toContain(wrong);
  });

  test('a code from another time step more than 2 steps away is refused', async () => {
    const stale = totp(EMULATOR_TOTP_SECRET, { now: Date.now() - 5 * 30_000 });
    const error = await failure(login({ baseUrl: emulator.url, ...mfa, otp: stale }));
    expect(error.code).toBe('ERR_JMS_MFA_FAILED');
  });

  test('a code 1 step old is accepted (the server allows ±2 steps)', async () => {
    const old = totp(EMULATOR_TOTP_SECRET, { now: Date.now() - 30_000 });
    await expect(login({ baseUrl: emulator.url, ...mfa, otp: old })).resolves.toHaveProperty('keyword', 'Bearer');
  });

  test('MFA required but no otp given: ERR_JMS_MFA_REQUIRED', async () => {
    const error = await failure(login({ baseUrl: emulator.url, ...mfa }));
    expect(error.code).toBe('ERR_JMS_MFA_REQUIRED');
    expect(error.hint).toMatch(/otp/);
  });

  test('MFA enforced but not set up: ERR_JMS_MFA_UNSET', async () => {
    const error = await failure(login({ baseUrl: emulator.url, username: 'mfa-unset', password: 'mfa-password', otp: '123456' }));
    expect(error.code).toBe('ERR_JMS_MFA_UNSET');
  });

  test('a wrong password: ERR_JMS_LOGIN_FAILED, and the password is not in the error', async () => {
    const error = await failure(login({ baseUrl: emulator.url, username: 'admin', password: 'hunter2-wrong' }));
    expect(error.code).toBe('ERR_JMS_LOGIN_FAILED');
    expect(error.status).toBe(400);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('hunter2-wrong');
  });

  test('the MFA step without the session cookie fails with a hint about the cookie', async () => {
    // A proxy (here a fetch wrapper) that drops the Cookie header: JumpServer cannot find the MFA session.
    const cookieless = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const headers = new Headers(init?.headers);
      headers.delete('cookie');
      return fetch(input, { ...init, headers });
    };
    const error = await failure(login({ baseUrl: emulator.url, ...mfa, otp: { secret: EMULATOR_TOTP_SECRET }, fetch: cookieless }));
    expect(error.code).toBe('ERR_JMS_MFA_FAILED');
    expect(error.status).toBe(401);
    expect(error.hint).toMatch(/jms_sessionid/);
  });

  test('an answer without a token: ERR_JMS_RESPONSE', async () => {
    await emulator.injectFailure({ status: 200, count: 1, prefix: '/api/v1/authentication/auth/' });
    const error = await failure(login({ baseUrl: emulator.url, username: 'admin', password: 'admin-password' }));
    expect(error.code).toBe('ERR_JMS_RESPONSE');
  });

  test('an unreachable server: ERR_JMS_NETWORK', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await failure(login({ baseUrl: `http://127.0.0.1:${port}`, username: 'admin', password: 'admin-password' }));
    expect(error.code).toBe('ERR_JMS_NETWORK');
  });

  test('caller mistakes are TypeErrors', async () => {
    await expect(login({ baseUrl: 'ftp://x', username: 'a', password: 'b' })).rejects.toBeInstanceOf(TypeError);
    await expect(login({ baseUrl: emulator.url, username: '', password: 'b' })).rejects.toBeInstanceOf(TypeError);
    await expect(login({ baseUrl: emulator.url, ...mfa, otp: 'abc' })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('login, JumpServer v1 (users/auth/, HTTP 300 with a seed, users/otp/auth/)', () => {
  test('without MFA', async () => {
    const result = await login({ baseUrl: emulator.url, username: 'admin', password: 'admin-password', apiVersion: 'v1' });
    expect(await bearerWorks(emulator.url, result.token)).toBe(200);
    expect(result.keyword).toBe('Bearer');
    // v1 gives no expiry: one hour is assumed
    expect(Math.abs(result.expiresAt.getTime() - (Date.now() + 3600_000))).toBeLessThan(5000);
  });

  test('with MFA: seed flow', async () => {
    const otp = jest.fn(() => totp(EMULATOR_TOTP_SECRET));
    const result = await login({ baseUrl: emulator.url, ...mfa, otp, apiVersion: 'v1' });
    expect(otp).toHaveBeenCalledTimes(1);
    expect(await bearerWorks(emulator.url, result.token)).toBe(200);
    const posts = (await emulator.requests()).filter((r) => r.method === 'POST').map((r) => `${r.path} ${r.status}`);
    expect(posts).toEqual(['/api/v1/users/auth/ 300', '/api/v1/users/otp/auth/ 200']);
  });

  test('with a wrong code: ERR_JMS_MFA_FAILED', async () => {
    const good = totp(EMULATOR_TOTP_SECRET);
    const error = await failure(login({ baseUrl: emulator.url, ...mfa, otp: good === '999999' ? '888888' : '999999', apiVersion: 'v1' }));
    expect(error.code).toBe('ERR_JMS_MFA_FAILED');
    expect(error.hint).toMatch(/seed/);
  });

  test('auto falls back to v1 when the v2 API is absent (404)', async () => {
    await emulator.injectFailure({ status: 404, count: 1, prefix: '/api/v1/authentication/auth/' });
    const result = await login({ baseUrl: emulator.url, ...mfa, otp: { secret: EMULATOR_TOTP_SECRET } });
    expect(await bearerWorks(emulator.url, result.token)).toBe(200);
    const posts = (await emulator.requests()).filter((r) => r.method === 'POST').map((r) => r.path);
    expect(posts).toEqual(['/api/v1/authentication/auth/', '/api/v1/users/auth/', '/api/v1/users/otp/auth/']);
  });

  test('a login API that does not exist at all: ERR_JMS_HTTP', async () => {
    await emulator.injectFailure({ status: 404, count: 1, prefix: '/api/v1/users/auth/' });
    const error = await failure(login({ baseUrl: emulator.url, username: 'admin', password: 'admin-password', apiVersion: 'v1' }));
    expect(error.code).toBe('ERR_JMS_HTTP');
    expect(error.hint).toMatch(/baseUrl/);
  });
});
