// RFC 9421 through signedFetch: `scheme: 'rfc9421'` passes through to core.
import { rfc9421Cases, rfc9421Server } from '../../../test-support/rfc9421-cases.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { signedFetch } from '../src/index.js';

let server: CoreServer;
beforeAll(async () => { server = await rfc9421Server(); });
afterAll(async () => { await server.close(); });

rfc9421Cases(() => server, async (options, { method, url, json }) => {
  const res = await signedFetch(options)(url, json === undefined
    ? { method, headers: { 'content-type': 'text/plain' } }
    : { method, body: JSON.stringify(json), headers: { 'content-type': 'application/json' } });
  await res.arrayBuffer();
  return res.status;
}, { test, expect });
