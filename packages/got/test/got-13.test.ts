// The adapter on got 13, the oldest major of its peer range (the other suites run on got 14): signing verified by
// a core server, and the double-knocking cases — where got 13, which knows no `preserveHooks`, knocks once per
// request (a redirect answered to an accepted retry is followed unknocked).
import { verify } from '@httpsig/core';
import got13 from 'got13';
import { startCoreServer, type CoreServer } from '../../../test-support/core-server.mjs';
import { doubleKnockCases } from '../../../test-support/double-knock-cases.mjs';
import { httpSignature } from '../src/index.js';
import { knockClient } from './support/knock-client.js';

const KEY_ID = 'got13-key';
const SECRET = 'got13-secret-0123456789abcdef';

describe('got 13: httpSignature against a core verifier', () => {
  let server: CoreServer;
  beforeAll(async () => { server = await startCoreServer({ verify, keys: { [KEY_ID]: SECRET }, requiredHeaders: ['(request-target)', 'host', 'date'] }); });
  afterAll(async () => { await server.close(); });

  test('a GET with a query and a POST with a body digest are signed as sent and verified', async () => {
    const client = got13.extend({ prefixUrl: `${server.origin}/api`, retry: { limit: 0 } }, httpSignature({ keyId: KEY_ID, key: SECRET, algorithm: 'hmac-sha256', digest: 'SHA-256' }) as never);
    expect((await client.get('items/', { searchParams: { q: 'a b' } })).statusCode).toBe(200);
    expect(server.requests.at(-1)?.verified?.signingString).toContain('(request-target): get /api/items/?q=a+b');
    expect((await client.post('items/', { json: { name: 'x' } })).statusCode).toBe(200);
    expect(server.requests.at(-1)?.verified?.headers).toContain('digest');
  });
});

doubleKnockCases(knockClient(got13 as never), { test, expect, beforeAll, afterAll }, { retryKeepsHooks: false });
