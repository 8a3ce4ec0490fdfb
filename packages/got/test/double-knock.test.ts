// Double-knocking through httpSignature (got hooks), against the loopback servers of test-support.
import got, { HTTPError } from 'got';
import { cavageFirst, doubleKnockCases } from '../../../test-support/double-knock-cases.mjs';
import { KNOCK_WRONG_KEY, startKnockServer } from '../../../test-support/knock-server.mjs';
import type { KnockServer } from '../../../test-support/knock-server.mjs';
import { httpSignature } from '../src/index.js';
import { knockClient } from './support/knock-client.js';

doubleKnockCases(knockClient(), { test, expect, beforeAll, afterAll });

describe('with got\'s defaults (HTTP errors thrown, GET retried on 5xx)', () => {
  let server: KnockServer;
  beforeAll(async () => { server = await startKnockServer('rfc9421'); });
  afterAll(async () => { await server.close(); });

  test('the knock is not one of got\'s retries, and a refusal after it is got\'s HTTPError', async () => {
    const ok = got.extend(httpSignature(cavageFirst));
    expect((await ok(`${server.origin}/a`)).statusCode).toBe(200);
    const wrong = got.extend(httpSignature({ ...cavageFirst, key: KNOCK_WRONG_KEY }));
    await expect(wrong(`${server.origin}/a`)).rejects.toBeInstanceOf(HTTPError);
    expect(server.requests.map((r) => `${r.spec} ${r.status}`)).toEqual(['cavage 401', 'rfc9421 200', 'cavage 401', 'rfc9421 401']);
  });
});
