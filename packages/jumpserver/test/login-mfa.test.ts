import { login } from '../src/index.js';
import { useEmulator, failure } from './support/emulator.js';

const emulator = useEmulator();

const sms = { username: 'mfa-sms', password: 'mfa-password' };

async function sentCode(username: string): Promise<string> {
  const outbox = (await emulator.control('GET', 'outbox')) as Record<string, { code: string }>;
  const entry = outbox[username];
  if (entry === undefined) throw new Error('no code was sent');
  return entry.code;
}

describe('MFA enforced with nothing bound', () => {
  test('the server answers 200 mfa_required with choices [], and the client says ERR_JMS_MFA_UNSET', async () => {
    const otp = jest.fn(() => '123456');
    const error = await failure(login({ baseUrl: emulator.url, username: 'mfa-unset', password: 'mfa-password', otp }));
    expect(error.code).toBe('ERR_JMS_MFA_UNSET');
    expect(error.status).toBe(200);
    expect(error.hint).toMatch(/bind/);
    expect(otp).not.toHaveBeenCalled();
    const log = await emulator.requests();
    expect(log.map((r) => `${r.path} ${r.status}`)).toEqual(['/api/v1/authentication/auth/ 200']);
  });
});

describe('SMS / e-mail MFA: mfa/select/ sends the code, mfa/challenge/ takes it', () => {
  test('the code is requested with the session cookie, asked for, and posted with its type', async () => {
    const result = await login({ baseUrl: emulator.url, ...sms, otp: () => sentCode('mfa-sms') });
    expect(result.user.username).toBe('mfa-sms');
    const posts = (await emulator.requests()).map((r) => `${r.path} ${r.status} ${String(r.cookie)}`);
    expect(posts).toEqual([
      '/api/v1/authentication/auth/ 200 false',
      '/api/v1/authentication/mfa/select/ 201 true',
      '/api/v1/authentication/mfa/challenge/ 200 true',
      '/api/v1/authentication/auth/ 201 true',
    ]);
  });

  test('no otp: ERR_JMS_MFA_REQUIRED before any code is sent', async () => {
    const error = await failure(login({ baseUrl: emulator.url, ...sms }));
    expect(error.code).toBe('ERR_JMS_MFA_REQUIRED');
    expect(await emulator.control('GET', 'outbox')).toEqual({});
  });

  test('a TOTP secret cannot answer an SMS code: ERR_JMS_MFA_REQUIRED with a hint', async () => {
    const error = await failure(login({ baseUrl: emulator.url, ...sms, otp: { secret: 'JBSWY3DPEHPK3PXP' } }));
    expect(error.code).toBe('ERR_JMS_MFA_REQUIRED');
    expect(error.hint).toMatch(/function/);
  });

  test('a wrong SMS code: 401 mfa_failed, ERR_JMS_MFA_FAILED', async () => {
    const error = await failure(login({
      baseUrl: emulator.url, ...sms,
      otp: async () => ((await sentCode('mfa-sms')) === '000000' ? '111111' : '000000'),
    }));
    expect(error.code).toBe('ERR_JMS_MFA_FAILED');
    expect(error.status).toBe(401);
    expect(error.hint).toMatch(/sms code/);
  });

  test('asking for a type the server does not offer: ERR_JMS_MFA_REQUIRED naming the offered ones', async () => {
    const error = await failure(login({ baseUrl: emulator.url, ...sms, mfaType: 'otp', otp: '123456' }));
    expect(error.code).toBe('ERR_JMS_MFA_REQUIRED');
    expect(error.hint).toMatch(/sms/);
  });

  test('mfa/select/ for otp is refused by the server (OTP needs no sending)', async () => {
    const response = await fetch(`${emulator.url}/api/v1/authentication/mfa/select/`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'otp', username: 'mfa-user' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: ['Current user not support mfa type: otp'] });
  });
});
