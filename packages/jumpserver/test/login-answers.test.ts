import { login } from '../src/index.js';
import { startEmulator, EMULATOR_TOTP_SECRET, type RunningEmulator } from '../src/emulator.js';
import { failure } from './support/emulator.js';

describe('login answers of JumpServer 4.x', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ timeZone: '-0500', tokenTtl: 3600 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  test('tokens/ is the same view as auth/', async () => {
    const result = await login({ baseUrl: emulator.url, username: 'admin', password: 'admin-password', loginPath: 'tokens' });
    expect(result.keyword).toBe('Bearer');
    const log = await emulator.requests();
    expect(log.at(-1)).toMatchObject({ path: '/api/v1/authentication/tokens/', status: 201 });
  });

  test('date_expired in the server time zone (-0500) is read as the right instant', async () => {
    const before = Date.now();
    const result = await login({ baseUrl: emulator.url, username: 'admin', password: 'admin-password' });
    expect(result.expiresAt.getTime()).toBeGreaterThan(before + 3_598_000);
    expect(result.expiresAt.getTime()).toBeLessThan(Date.now() + 3_601_000);
  });

  test('an expired password: the 500 of v2.24+ becomes ERR_JMS_SERVER with a hint naming the password', async () => {
    const error = await failure(login({ baseUrl: emulator.url, username: 'expired-user', password: 'expired-password' }));
    expect(error.code).toBe('ERR_JMS_SERVER');
    expect(error.status).toBe(500);
    expect(error.hint).toMatch(/password has expired/);
    expect(error.message).not.toContain('expired-password');
  });
});

describe('login answers of JumpServer 2.23', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ jmsVersion: '2.23' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  test('an expired password: 400 with the message, ERR_JMS_PASSWORD_EXPIRED with a hint', async () => {
    const error = await failure(login({ baseUrl: emulator.url, username: 'expired-user', password: 'expired-password' }));
    expect(error.code).toBe('ERR_JMS_PASSWORD_EXPIRED');
    expect(error.status).toBe(400);
    expect(error.detail).toMatch(/password has expired/);
    expect(error.hint).toMatch(/web UI/);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('expired-password');
  });
});

describe('a server whose session cookie has another prefix (SESSION_COOKIE_NAME_PREFIX)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ sessionCookiePrefix: 'corp_' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  test('the MFA flow keeps corp_sessionid like jms_sessionid', async () => {
    const result = await login({ baseUrl: emulator.url, username: 'mfa-user', password: 'mfa-password', otp: { secret: EMULATOR_TOTP_SECRET } });
    expect(result.user.username).toBe('mfa-user');
  });
});
