// Where JumpServer versions answer differently, the emulator follows --jms-version (read from the tags' source).
import { accessKey, JumpServerClient } from '../src/index.js';
import { startEmulator, EMULATOR_ACCESS_KEY, type RunningEmulator } from '../src/emulator.js';

interface Named { name: string }

describe.each([
  ['4.10.19', 'q', 'search', 'Signature realm="api",headers="(request-target) date"', true, 'Authentication credentials were not provided.'],
  ['4.9', 'search', 'q', 'Bearer', false, 'Invalid token or cache refreshed.'],
])('JumpServer %s', (version, searchParam, ignored, challenge, throttles, bearerDetail) => {
  let emulator: RunningEmulator;
  let client: JumpServerClient;
  beforeAll(async () => {
    emulator = await startEmulator({ jmsVersion: version });
    client = new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY), retries: 0 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  test(`the search parameter is "${searchParam}"; "${ignored}" is silently ignored (every object comes back)`, async () => {
    expect((await client.get<Named[]>('/api/v1/assets/assets/', { query: { [searchParam]: 'web-03' } })).map((a) => a.name)).toEqual(['web-03']);
    expect(await client.get<Named[]>('/api/v1/assets/assets/', { query: { [ignored]: 'web-03' } })).toHaveLength(7);
  });

  test(`an unknown bearer token: 401 "${bearerDetail}", WWW-Authenticate: ${challenge}`, async () => {
    const response = await fetch(`${emulator.url}/api/v1/users/profile/`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toBe(bearerDetail);
    expect(response.headers.get('www-authenticate')).toBe(challenge);
  });

  test(`DRF throttling ${throttles ? 'answers 429 (v4.10.15+)' : 'is absent (before v4.10.15)'}`, async () => {
    await emulator.control('POST', 'throttle', { rate: 1, period: 60 });
    await client.get('/api/v1/users/profile/');
    const second = await fetch(`${emulator.url}/api/v1/users/profile/`, { headers: { authorization: 'Token 937b38011acf499eb474e2fecb424ab3' } });
    expect(second.status).toBe(throttles ? 429 : 200);
  });
});
