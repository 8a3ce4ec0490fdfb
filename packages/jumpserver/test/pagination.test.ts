import { accessKey, JumpServerClient } from '../src/index.js';
import { startEmulator, EMULATOR_ACCESS_KEY, type RunningEmulator } from '../src/emulator.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  // Behind a proxy, the upstream builds next/previous from the Host it sees, not the public one.
  emulator = await startEmulator({ linkHost: 'jms-core.internal:8080' });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await emulator.reset();
});

const client = (): JumpServerClient => new JumpServerClient({ baseUrl: emulator.url, auth: accessKey(EMULATOR_ACCESS_KEY) });

describe('DRF limit/offset pagination as JumpServer answers it', () => {
  test('no limit (or an invalid one): a bare array; a limit: {count, next, previous, results}', async () => {
    expect(await client().get('/api/v1/assets/assets/')).toHaveLength(7);
    expect(await client().get('/api/v1/assets/assets/', { query: { limit: 0 } })).toHaveLength(7);
    expect(await client().get('/api/v1/assets/assets/', { query: { limit: 'x' } })).toHaveLength(7);
    const page = await client().get<{ count: number; next: string; previous: null; results: unknown[] }>(
      '/api/v1/assets/assets/', { query: { limit: 3 } });
    expect(page).toMatchObject({ count: 7, previous: null });
    expect(page.results).toHaveLength(3);
    expect(page.next).toBe('http://jms-core.internal:8080/api/v1/assets/assets/?limit=3&offset=3');
  });

  test('paginate follows next links naming another host on the configured base URL only', async () => {
    const names: string[] = [];
    for await (const asset of client().paginate<{ name: string }>('/api/v1/assets/assets/', { limit: 3 })) names.push(asset.name);
    expect(names).toEqual(['web-01', 'web-02', 'web-03', 'web-04', 'web-05', 'web-06', 'web-07']);
    const log = await emulator.requests();
    expect(log.map((r) => `${r.path} ${r.authorization}`)).toEqual([
      '/api/v1/assets/assets/?limit=3&offset=0 Signature',
      '/api/v1/assets/assets/?limit=3&offset=3 Signature',
      '/api/v1/assets/assets/?limit=3&offset=6 Signature',
    ]);
  });

  test('the previous link of the second page drops offset, as DRF does', async () => {
    const page = await client().get<{ previous: string }>('/api/v1/assets/assets/', { query: { limit: 3, offset: 3 } });
    expect(page.previous).toBe('http://jms-core.internal:8080/api/v1/assets/assets/?limit=3');
  });
});
