// RFC 9421 through withHttpSignature: `scheme: 'rfc9421'` passes through to core.
import axios from 'axios';
import { rfc9421Cases, rfc9421Server } from '../../../test-support/rfc9421-cases.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { withHttpSignature } from '../src/index.js';

let server: CoreServer;
beforeAll(async () => { server = await rfc9421Server(); });
afterAll(async () => { await server.close(); });

rfc9421Cases(() => server, async (options, { method, url, json }) => {
  const client = axios.create({ validateStatus: () => true, headers: { 'content-type': 'text/plain' } });
  withHttpSignature(client, options);
  const res = await client.request({ method, url, ...(json === undefined ? {} : { data: json, headers: { 'content-type': 'application/json' } }) });
  return res.status;
}, { test, expect });
