// RFC 9421 through httpSignature: `scheme: 'rfc9421'` passes through to core.
import got from 'got';
import { rfc9421Cases, rfc9421Server } from '../../../test-support/rfc9421-cases.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { httpSignature } from '../src/index.js';

let server: CoreServer;
beforeAll(async () => { server = await rfc9421Server(); });
afterAll(async () => { await server.close(); });

rfc9421Cases(() => server, async (options, { method, url, json }) => {
  const client = got.extend(httpSignature(options), { throwHttpErrors: false, retry: { limit: 0 }, headers: { 'content-type': 'text/plain' } });
  const res = await client(url, { method: method as 'GET', ...(json === undefined ? {} : { json }) });
  return res.statusCode;
}, { test, expect });
