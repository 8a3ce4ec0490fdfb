import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, chownSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { totp } from '@httpsig/jumpserver';
import {
  EMULATOR_LIMITED_ACCESS_KEY, EMULATOR_ORGS, EMULATOR_PRIVATE_TOKEN, EMULATOR_TOTP_SECRET,
} from '@httpsig/jumpserver/emulator';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, home, inTerminal, tempFile, useEmulator, accessKeyEnv } from './helpers.js';

const emulator = useEmulator();
const keyEnv = (): Record<string, string> => accessKeyEnv(emulator);

interface LoginOutput { token: string; keyword: string; expiresAt: string; user: { username: string } }

describe('httpsig jumpserver login', () => {
  test('password from the environment, no MFA: the token as JSON', async () => {
    const run = await httpsig(['jumpserver', 'login', '--username', 'admin'], { JMS_URL: emulator.url, JMS_PASSWORD: 'admin-password' });
    expect(run.code).toBe(EXIT_CODES.OK);
    const out = JSON.parse(run.stdout) as LoginOutput;
    expect(out.keyword).toBe('Bearer');
    expect(out.user.username).toBe('admin');
    expect(new Date(out.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const profile = await fetch(`${emulator.url}/api/v1/users/profile/`, { headers: { authorization: `Bearer ${out.token}` } });
    expect(profile.status).toBe(200);
    expect(run.stderr).toBe('');
  });

  test('MFA from a TOTP secret in the environment (v2 cookie flow), user from JMS_USERNAME', async () => {
    const run = await httpsig(['jumpserver', 'login'], {
      JMS_URL: emulator.url, JMS_USERNAME: 'mfa-user', JMS_PASSWORD: 'mfa-password', JMS_TOTP_SECRET: EMULATOR_TOTP_SECRET,
    });
    expect(run.code).toBe(EXIT_CODES.OK);
    expect((JSON.parse(run.stdout) as LoginOutput).user.username).toBe('mfa-user');
  });

  test('MFA code from JMS_OTP, v1 seed flow, --token-only', async () => {
    const run = await httpsig(['jumpserver', 'login', '--api-version', 'v1', '--token-only', '--username', 'mfa-user'], {
      JMS_URL: emulator.url, JMS_PASSWORD: 'mfa-password', JMS_OTP: totp(EMULATOR_TOTP_SECRET),
    });
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(run.stdout).toMatch(/^[0-9a-f]{32}\n$/);
  });

  test('password and TOTP secret from files; SHA-256 TOTP', async () => {
    const run = await httpsig(['jumpserver', 'login', '--url', emulator.url, '--username', 'mfa-sha256',
      '--password-file', tempFile('pw', 'mfa-password\n'), '--totp-secret-file', tempFile('totp', `${EMULATOR_TOTP_SECRET}\n`), '--totp-algorithm', 'sha256']);
    expect(run.code).toBe(EXIT_CODES.OK);
  });

  test('password from stdin with --password-stdin', async () => {
    const run = await httpsig(['jumpserver', 'login', '--username', 'alice', '--password-stdin'], { JMS_URL: emulator.url }, 'alice-password\n');
    expect(run.code).toBe(EXIT_CODES.OK);
  });

  test('a wrong password exits 4 with the hint, without echoing the password', async () => {
    const run = await httpsig(['jumpserver', 'login', '--username', 'admin'], { JMS_URL: emulator.url, JMS_PASSWORD: 'not-the-password' });
    expect(run.code).toBe(EXIT_CODES.AUTH_FAILED);
    expect(run.stderr).toContain('ERR_JMS_LOGIN_FAILED');
    expect(run.stderr).toContain('hint:');
    expect(run.stderr + run.stdout).not.toContain('not-the-password');
  });

  test('a wrong MFA code exits 4', async () => {
    const good = totp(EMULATOR_TOTP_SECRET);
    const run = await httpsig(['jumpserver', 'login', '--username', 'mfa-user'], {
      JMS_URL: emulator.url, JMS_PASSWORD: 'mfa-password', JMS_OTP: good === '123456' ? '654321' : '123456',
    });
    expect(run.code).toBe(EXIT_CODES.AUTH_FAILED);
    expect(run.stderr).toContain('ERR_JMS_MFA_FAILED');
  });

  test('MFA required, no code and no terminal to ask: usage error 2', async () => {
    const run = await httpsig(['jumpserver', 'login', '--username', 'mfa-user'], { JMS_URL: emulator.url, JMS_PASSWORD: 'mfa-password' });
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toContain('MFA code');
  });

  test('no password and no terminal: usage error naming JMS_PASSWORD', async () => {
    const run = await httpsig(['jumpserver', 'login', '--username', 'admin'], { JMS_URL: emulator.url });
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toContain('JMS_PASSWORD');
  });

  test('no URL: usage error', async () => {
    expect((await httpsig(['jumpserver', 'login', '--username', 'a'], { JMS_PASSWORD: 'x' })).code).toBe(EXIT_CODES.USAGE);
  });
});

describe('httpsig jumpserver api', () => {
  test('GET with an access key from the environment; the trailing slash is added', async () => {
    const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/users/profile'], keyEnv());
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(JSON.parse(run.stdout)).toMatchObject({ username: 'admin' });
  });

  test('--paginate prints every item of every page as NDJSON; --org and --query', async () => {
    const all = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/assets/assets/', '--paginate', '--limit', '2'], keyEnv());
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.map((l) => (JSON.parse(l) as { name: string }).name)).toEqual(['web-01', 'web-02', 'web-03', 'web-04', 'web-05', 'web-06', 'web-07']);
    expect(all.stderr).toBe(''); // no progress when stderr is not a terminal
    const eng = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/assets/assets/', '--paginate', '--org', EMULATOR_ORGS.engineering, '-q', 'q=build-02'], keyEnv());
    expect(JSON.parse(eng.stdout)).toEqual(expect.objectContaining({ name: 'build-02' }));
  });

  test('POST --data sends JSON (content-type not signed)', async () => {
    const run = await httpsig(['jumpserver', 'api', 'POST', '/api/v1/echo/create', '--data', '{"name":"web-42"}'], keyEnv());
    expect(run.code).toBe(EXIT_CODES.OK);
    const echo = JSON.parse(run.stdout) as { body: string; headers: Record<string, string> };
    expect(JSON.parse(echo.body)).toEqual({ name: 'web-42' });
    expect(echo.headers['authorization']).toContain('headers="(request-target) accept date"');
  });

  test('a bearer token from JMS_TOKEN (from "jumpserver login --token-only")', async () => {
    const login = await httpsig(['jumpserver', 'login', '--username', 'alice', '--token-only'], { JMS_URL: emulator.url, JMS_PASSWORD: 'alice-password' });
    const run = await httpsig(['jumpserver', 'api', 'get', 'api/v1/users/profile/'], { JMS_URL: emulator.url, JMS_TOKEN: login.stdout.trim() });
    expect(JSON.parse(run.stdout)).toMatchObject({ username: 'alice' });
  });

  test('a private token from JMS_PRIVATE_TOKEN', async () => {
    const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/users/profile/'], { JMS_URL: emulator.url, JMS_PRIVATE_TOKEN: EMULATOR_PRIVATE_TOKEN });
    expect(JSON.parse(run.stdout)).toMatchObject({ username: 'admin' });
  });

  test('a config file (default location under HOME) with the secret in its own file', async () => {
    const dir = join(home, '.config', 'httpsig');
    mkdirSync(dir, { recursive: true });
    const secretFile = tempFile('ak-secret', `${EMULATOR_LIMITED_ACCESS_KEY.secret}\n`);
    writeFileSync(join(dir, 'jumpserver.json'), JSON.stringify({ url: emulator.url, accessKeyId: EMULATOR_LIMITED_ACCESS_KEY.keyId, accessKeySecretFile: secretFile }));
    try {
      const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/users/profile/']);
      expect(JSON.parse(run.stdout)).toMatchObject({ username: 'alice' });
      // --config names another file
      const other = tempFile('cfg.json', JSON.stringify({ url: emulator.url, privateToken: EMULATOR_PRIVATE_TOKEN }));
      const run2 = await httpsig(['jumpserver', 'api', '--config', other, 'GET', '/api/v1/users/profile/']);
      expect(JSON.parse(run2.stdout)).toMatchObject({ username: 'admin' });
    } finally {
      writeFileSync(join(dir, 'jumpserver.json'), '{}');
    }
  });

  test('a config file holding a credential is refused while other users can access it (chmod 600 fixes it)', async () => {
    const config = tempFile('open.json', JSON.stringify({ url: emulator.url, privateToken: EMULATOR_PRIVATE_TOKEN }));
    for (const mode of [0o644, 0o640, 0o604]) {
      chmodSync(config, mode);
      const run = await httpsig(['jumpserver', 'api', '--config', config, 'GET', '/api/v1/users/profile/']);
      expect(run.code).toBe(EXIT_CODES.USAGE);
      expect(run.stderr).toContain(`run chmod 600 ${config}`);
      expect(run.stderr).not.toContain(EMULATOR_PRIVATE_TOKEN);
    }
    chmodSync(config, 0o600);
    const fixed = await httpsig(['jumpserver', 'api', '--config', config, 'GET', '/api/v1/users/profile/']);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ username: 'admin' });
    // Without a credential inside (a path to a secret file instead), the mode is not checked.
    const secretFile = tempFile('ak-secret', EMULATOR_LIMITED_ACCESS_KEY.secret);
    const paths = tempFile('paths.json', JSON.stringify({ url: emulator.url, accessKeyId: EMULATOR_LIMITED_ACCESS_KEY.keyId, accessKeySecretFile: secretFile }));
    chmodSync(paths, 0o644);
    const open = await httpsig(['jumpserver', 'api', '--config', paths, 'GET', '/api/v1/users/profile/']);
    expect(JSON.parse(open.stdout)).toMatchObject({ username: 'alice' });
  });

  describe('a config file other users control is refused: it would send the environment\'s token elsewhere', () => {
    let seen: string[];
    let hostile: ReturnType<typeof createServer>;
    let hostileUrl: string;
    beforeAll(async () => {
      seen = [];
      hostile = createServer((req, res) => {
        seen.push(`${String(req.headers['authorization'])} ${String(req.headers['private-token'] ?? '')}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
      await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
      hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    });
    afterAll(async () => { await new Promise<void>((resolve) => hostile.close(() => resolve())); });
    const tokens = { JMS_TOKEN: 'env-bearer-token-secret', JMS_PRIVATE_TOKEN: 'env-private-token-secret' };

    test('owned by another user (uid 65534): refused, naming the file, nothing sent', async () => {
      const config = tempFile('theirs.json', JSON.stringify({ url: hostileUrl }));
      chmodSync(config, 0o644);
      chownSync(config, 65534, 65534);
      for (const env of [{ JMS_TOKEN: tokens.JMS_TOKEN }, { JMS_PRIVATE_TOKEN: tokens.JMS_PRIVATE_TOKEN }]) {
        const run = await httpsig(['jumpserver', 'api', '--config', config, 'GET', '/api/v1/users/profile/'], env);
        expect(run.code).toBe(EXIT_CODES.USAGE);
        expect(run.stderr).toContain(`The config file ${config} is owned by another user (uid 65534)`);
        expect(run.stderr).not.toContain(hostileUrl);
      }
      // The same, found through HTTPSIG_JUMPSERVER_CONFIG.
      const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/users/profile/'], { ...tokens, HTTPSIG_JUMPSERVER_CONFIG: config });
      expect(run.code).toBe(EXIT_CODES.USAGE);
      expect(seen).toEqual([]);
    });

    test.each([['664', 0o664], ['620', 0o620], ['602', 0o602], ['666', 0o666]])('writable by group or others (%s): refused, nothing sent; 644 is accepted', async (_label, mode) => {
      const config = tempFile('shared.json', JSON.stringify({ url: hostileUrl }));
      chmodSync(config, mode);
      const run = await httpsig(['jumpserver', 'api', '--config', config, 'GET', '/api/v1/users/profile/'], { JMS_TOKEN: tokens.JMS_TOKEN });
      expect(run.code).toBe(EXIT_CODES.USAGE);
      expect(run.stderr).toContain(`The config file ${config} can be changed by other users: run chmod go-w ${config}`);
      expect(seen).toEqual([]);
      // An own file that others may only read, without a credential inside, is fine.
      chmodSync(config, 0o644);
      const fine = await httpsig(['jumpserver', 'api', '--config', config, 'GET', '/api/v1/users/profile/'], { JMS_TOKEN: tokens.JMS_TOKEN });
      expect(fine.code).toBe(EXIT_CODES.OK);
      expect(seen).toEqual([`Bearer ${tokens.JMS_TOKEN} `]);
      seen.length = 0;
    });
  });

  test('403 for an organisation the user is not in: exit 4 with the X-JMS-ORG hint', async () => {
    const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/assets/assets/', '--org', EMULATOR_ORGS.engineering], {
      JMS_URL: emulator.url, JMS_ACCESS_KEY_ID: EMULATOR_LIMITED_ACCESS_KEY.keyId, JMS_ACCESS_KEY_SECRET: EMULATOR_LIMITED_ACCESS_KEY.secret,
    });
    expect(run.code).toBe(EXIT_CODES.AUTH_FAILED);
    expect(run.stderr).toContain('ERR_JMS_PERMISSION');
    expect(run.stderr).toContain('X-JMS-ORG');
  });

  test('401 Invalid signature: exit 4, secret not echoed', async () => {
    const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/users/profile/'], { ...keyEnv(), JMS_ACCESS_KEY_SECRET: 'wrong-secret-value' });
    expect(run.code).toBe(EXIT_CODES.AUTH_FAILED);
    expect(run.stderr).toContain('Invalid signature.');
    expect(run.stderr).not.toContain('wrong-secret-value');
  });

  test('404: exit 1', async () => {
    const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/does/not/exist/'], keyEnv());
    expect(run.code).toBe(EXIT_CODES.HTTP_ERROR);
    expect(run.stderr).toContain('ERR_JMS_HTTP');
  });

  test('unreachable: exit 5', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/users/profile/'], { ...keyEnv(), JMS_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(EXIT_CODES.NETWORK);
    expect(run.stderr).toContain('ERR_JMS_NETWORK');
  });

  test('usage errors: no credentials, no URL, bad JSON, bad method, --paginate with POST, bad org', async () => {
    expect((await httpsig(['jumpserver', 'api', 'GET', '/x/'], { JMS_URL: emulator.url })).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['jumpserver', 'api', 'GET', '/x/'], { JMS_PRIVATE_TOKEN: 't' })).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['jumpserver', 'api', 'POST', '/x/', '--data', '{oops'], keyEnv())).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['jumpserver', 'api', 'FETCH', '/x/'], keyEnv())).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['jumpserver', 'api', 'POST', '/x/', '--paginate'], keyEnv())).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['jumpserver', 'api', 'GET', '/x/', '--org', 'Défaut'], keyEnv())).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['jumpserver', 'api', 'GET'], keyEnv())).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['jumpserver', 'api', '--config', '/nonexistent.json', 'GET', '/x/'])).code).toBe(EXIT_CODES.USAGE);
  });
});

describe('prompts on a terminal (no echo)', () => {
  test('jumpserver login asks the password and the MFA code without echoing them', async () => {
    const code = totp(EMULATOR_TOTP_SECRET);
    const run = await inTerminal(['jumpserver', 'login', '--username', 'mfa-user'], [['Password for mfa-user:', 'mfa-password'], ['MFA code:', code]], { JMS_URL: emulator.url });
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(run.out).toContain('"keyword": "Bearer"');
    expect(run.out).not.toContain('mfa-password');
    expect(run.out).not.toContain(code);
  });

  test('sign asks the secret without echoing it', async () => {
    const run = await inTerminal(['sign', '--key-id', 'k1', 'http://example.com/'], [['Secret for key k1:', 'terminal-secret-value']], {});
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(run.out).toMatch(/authorization: Signature keyId="k1"/);
    expect(run.out).not.toContain('terminal-secret-value');
  });
});
