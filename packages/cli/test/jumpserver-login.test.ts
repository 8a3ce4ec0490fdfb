import { mkdtempSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, useEmulator } from './helpers.js';

const emulator = useEmulator();

describe('httpsig jumpserver login: the steps JumpServer may ask for', () => {
  test('MFA enforced with nothing bound: exit 4, ERR_JMS_MFA_UNSET', async () => {
    const run = await httpsig(['jumpserver', 'login', '--username', 'mfa-unset'], { JMS_URL: emulator.url, JMS_PASSWORD: 'mfa-password', JMS_OTP: '123456' });
    expect(run.code).toBe(EXIT_CODES.AUTH_FAILED);
    expect(run.stderr).toContain('ERR_JMS_MFA_UNSET');
  });

  test('a login-review ticket without --wait-confirm: exit 4, ERR_JMS_LOGIN_CONFIRM_WAIT naming the ticket', async () => {
    const run = await httpsig(['jumpserver', 'login', '--username', 'confirm-user'], { JMS_URL: emulator.url, JMS_PASSWORD: 'confirm-password' });
    expect(run.code).toBe(EXIT_CODES.AUTH_FAILED);
    expect(run.stderr).toMatch(/ERR_JMS_LOGIN_CONFIRM_WAIT/);
    expect(run.stderr).toMatch(/--wait-confirm/);
  });

  test('--wait-confirm waits (saying so on stderr) until the ticket is approved', async () => {
    const before = new Set(((await emulator.control('GET', 'tickets')) as Array<{ id: string }>).map((t) => t.id));
    const running = httpsig(['jumpserver', 'login', '--username', 'confirm-user', '--wait-confirm', '--token-only'],
      { JMS_URL: emulator.url, JMS_PASSWORD: 'confirm-password' });
    let open: { id: string; state: string } | undefined;
    for (let i = 0; i < 200 && open === undefined; i++) {
      const tickets = (await emulator.control('GET', 'tickets')) as Array<{ id: string; state: string }>;
      open = tickets.find((t) => t.state === 'open' && !before.has(t.id));
      if (open === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (open === undefined) throw new Error('no ticket was opened');
    await emulator.control('POST', 'tickets', { id: open.id, state: 'approved' });
    const run = await running;
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(run.stdout.trim()).toMatch(/^[0-9a-f]{32}$/);
    expect(run.stderr).toContain(`login ticket ${open.id}`);
  });

  test('an expired password on JumpServer 4.x (a 500): exit 1 with the hint naming the password', async () => {
    const run = await httpsig(['jumpserver', 'login', '--username', 'expired-user'], { JMS_URL: emulator.url, JMS_PASSWORD: 'expired-password' });
    expect(run.code).toBe(EXIT_CODES.HTTP_ERROR);
    expect(run.stderr).toMatch(/password has expired/);
    expect(run.stderr).not.toContain('expired-password');
  });
});

describe('httpsig jumpserver login --save', () => {
  test('writes url, username, token and expiry to the config with mode 600, keeping other fields; api then uses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'httpsig-save-'));
    const config = join(dir, 'sub', 'jumpserver.json');
    const run = await httpsig(['jumpserver', 'login', '--username', 'alice', '--save', '--config', config, '--token-only'],
      { JMS_URL: emulator.url, JMS_PASSWORD: 'alice-password' });
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(config, 'utf8')) as Record<string, string>;
    expect(saved).toMatchObject({ url: emulator.url, username: 'alice', token: run.stdout.trim() });
    expect(Number.isNaN(Date.parse(saved['tokenExpiresAt'] ?? ''))).toBe(false);
    expect(JSON.stringify(saved)).not.toContain('alice-password');
    const api = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/users/profile/', '--config', config]);
    expect(JSON.parse(api.stdout)).toMatchObject({ username: 'alice' });
    // a second save keeps fields it does not write, and the mode
    writeFileSync(config, JSON.stringify({ ...saved, org: 'default' }), { mode: 0o600 });
    await httpsig(['jumpserver', 'login', '--username', 'alice', '--save', '--config', config], { JMS_URL: emulator.url, JMS_PASSWORD: 'alice-password' });
    expect(JSON.parse(readFileSync(config, 'utf8'))).toMatchObject({ org: 'default', username: 'alice' });
    expect(statSync(config).mode & 0o777).toBe(0o600);
  });
});
