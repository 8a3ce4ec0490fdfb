import { accessKey, JumpServerClient, JumpServerRateLimitError } from '../src/index.js';
import { EMULATOR_ACCESS_KEY } from '../src/emulator.js';
import { useEmulator, failure } from './support/emulator.js';

const emulator = useEmulator();

const client = (extra: Partial<ConstructorParameters<typeof JumpServerClient>[0]> = {}): JumpServerClient =>
  new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY), retryDelay: 1, ...extra });

describe('DRF throttling: 429 with Retry-After', () => {
  test('the throttle answers 429, Retry-After in whole seconds and the DRF detail', async () => {
    await emulator.control('POST', 'throttle', { rate: 1, period: 60 });
    await client({ retries: 0 }).get('/api/v1/users/profile/');
    const error = await failure(client({ retries: 0 }).get('/api/v1/users/profile/'));
    expect(error).toBeInstanceOf(JumpServerRateLimitError);
    expect(error.code).toBe('ERR_JMS_RATE_LIMITED');
    expect((error as JumpServerRateLimitError).retryAfter).toBeGreaterThanOrEqual(59);
    expect(error.detail).toMatch(/Expected available in \d+ seconds/);
  });

  test('a Retry-After longer than maxRetryAfter is not waited for', async () => {
    await emulator.control('POST', 'throttle', { rate: 1, period: 60 });
    await client().get('/api/v1/users/profile/');
    const started = Date.now();
    const error = await failure(client({ retries: 3, maxRetryAfter: 5 }).get('/api/v1/users/profile/'));
    expect(error.code).toBe('ERR_JMS_RATE_LIMITED');
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await emulator.requests()).filter((r) => r.status === 429)).toHaveLength(1);
  });

  test('a short Retry-After is honoured, also for a POST (the throttle runs before the view)', async () => {
    await emulator.control('POST', 'throttle', { rate: 1, period: 1 });
    await client().get('/api/v1/users/profile/');
    const created = await client({ retries: 2 }).post<{ name: string }>('/api/v1/assets/assets/', { name: 'after-429' });
    expect(created.name).toBe('after-429');
    const log = await emulator.requests();
    expect(log.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 429', 'POST 201']);
  });
});
