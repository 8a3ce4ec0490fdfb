import { createHash } from 'node:crypto';
import {
  accessKey, JumpServerClient, JumpServerIpNotAllowedError, PAM_SIGNED_HEADERS,
} from '../src/index.js';
import { EMULATOR_ACCESS_KEY } from '../src/emulator.js';
import { useEmulator, failure } from './support/emulator.js';

const emulator = useEmulator();

interface Echo { headers: Record<string, string>; body: string }

describe('the pam-clients signing profile (digest and x-jms-request-id)', () => {
  const auth = accessKey({ ...EMULATOR_ACCESS_KEY, signedHeaders: PAM_SIGNED_HEADERS, org: 'default' });

  test('signs (request-target) accept date digest x-jms-request-id x-jms-org, and JumpServer verifies it', async () => {
    expect(auth.headers).toEqual(['(request-target)', 'accept', 'date', 'digest', 'x-jms-request-id', 'x-jms-org']);
    const client = new JumpServerClient({ baseUrl: emulator.url, auth });
    const body = JSON.stringify({ name: 'x' });
    const echo = await client.post<Echo>('/api/v1/echo/profile/', { name: 'x' });
    expect(echo.body).toBe(body);
    expect(echo.headers['digest']).toBe(`SHA-256=${createHash('sha256').update(body).digest('base64')}`);
    expect(echo.headers['authorization']).toContain('headers="(request-target) accept date digest x-jms-request-id x-jms-org"');
  });

  test('a fresh x-jms-request-id (a UUID) on every request, and the digest of an empty body on GET', async () => {
    const client = new JumpServerClient({ baseUrl: emulator.url, auth });
    const a = await client.get<Echo>('/api/v1/echo/a/');
    const b = await client.get<Echo>('/api/v1/echo/b/');
    expect(a.headers['x-jms-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.headers['x-jms-request-id']).not.toBe(b.headers['x-jms-request-id']);
    expect(a.headers['digest']).toBe(`SHA-256=${createHash('sha256').update('').digest('base64')}`);
  });
});

describe("an access key's IP allow-list (v3.9+)", () => {
  test('an address outside it: 401 "Ip is not in access ip list." as ERR_JMS_IP_NOT_ALLOWED with a hint', async () => {
    await emulator.control('POST', 'access-key-ips', { keyId: EMULATOR_ACCESS_KEY.keyId, ips: ['10.0.0.0/8'] });
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY) });
    const error = await failure(client.get('/api/v1/users/profile/'));
    expect(error).toBeInstanceOf(JumpServerIpNotAllowedError);
    expect(error.code).toBe('ERR_JMS_IP_NOT_ALLOWED');
    expect(error.status).toBe(401);
    expect(error.hint).toMatch(/Access IP/);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(EMULATOR_ACCESS_KEY.secret);
  });

  test('an address inside it is verified as usual', async () => {
    await emulator.control('POST', 'access-key-ips', { keyId: EMULATOR_ACCESS_KEY.keyId, ips: ['127.0.0.0/8'] });
    const client = new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY) });
    await expect(client.get('/api/v1/users/profile/')).resolves.toHaveProperty('username', 'admin');
  });
});
