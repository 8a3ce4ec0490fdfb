import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessKey } from '@httpsig/jumpserver';
import { EMULATOR_ACCESS_KEY } from '@httpsig/jumpserver/emulator';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, inTerminal, useEmulator, accessKeyEnv } from './helpers.js';

const emulator = useEmulator();
const keyEnv = (): Record<string, string> => accessKeyEnv(emulator);

describe('httpsig jumpserver api --paginate', () => {
  test('--max-items stops after N items, asking no more than needed', async () => {
    await emulator.reset();
    const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/assets/assets/', '--paginate', '--max-items', '3'], keyEnv());
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect((await emulator.requests()).map((r) => r.path)).toEqual(['/api/v1/assets/assets/?limit=3&offset=0']);
  });

  test('progress goes to stderr when it is a terminal', async () => {
    const run = await inTerminal(['jumpserver', 'api', 'GET', '/api/v1/assets/assets/', '--paginate', '--limit', '2'], [], keyEnv());
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(run.out).toMatch(/7 items/);
  });

  test('--max-items without --paginate is a usage error', async () => {
    expect((await httpsig(['jumpserver', 'api', 'GET', '/x/', '--max-items', '2'], keyEnv())).code).toBe(EXIT_CODES.USAGE);
  });
});

describe('httpsig jumpserver api --org', () => {
  test('an org name works; --confirm-org turns a typo that the server would run in Default into exit 4', async () => {
    const eng = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/assets/assets/', '--org', 'Engineering'], keyEnv());
    expect((JSON.parse(eng.stdout) as unknown[]).length).toBe(3);
    const typo = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/assets/assets/', '--org', 'Engineerinq'], keyEnv());
    expect((JSON.parse(typo.stdout) as unknown[]).length).toBe(7); // silently the Default org
    const confirmed = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/assets/assets/', '--org', 'Engineerinq', '--confirm-org'], keyEnv());
    expect(confirmed.code).toBe(EXIT_CODES.AUTH_FAILED);
    expect(confirmed.stderr).toContain('ERR_JMS_ORG_MISMATCH');
    expect(confirmed.stdout).toBe('');
  });
});

describe('httpsig jumpserver api failures', () => {
  test("the access key's IP allow-list: exit 4, ERR_JMS_IP_NOT_ALLOWED", async () => {
    await emulator.control('POST', 'access-key-ips', { keyId: accessKey(EMULATOR_ACCESS_KEY).keyId, ips: ['192.0.2.0/24'] });
    try {
      const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/users/profile/'], keyEnv());
      expect(run.code).toBe(EXIT_CODES.AUTH_FAILED);
      expect(run.stderr).toContain('ERR_JMS_IP_NOT_ALLOWED');
      expect(run.stderr).not.toContain(EMULATOR_ACCESS_KEY.secret);
    } finally {
      await emulator.reset();
    }
  });

  test('unreachable: the message names the URL and the cause', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const run = await httpsig(['jumpserver', 'api', 'GET', '/api/v1/users/profile/'], { ...keyEnv(), JMS_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(EXIT_CODES.NETWORK);
    expect(run.stderr).toContain(`Cannot reach JumpServer at http://127.0.0.1:${port}/api/v1/users/profile/ (ECONNREFUSED)`);
  });
});
