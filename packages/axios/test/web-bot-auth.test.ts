// The webBotAuth preset through withHttpSignature, verified by core under a Web Bot Auth policy.
import axios from 'axios';
import { webBotAuthCases, webBotAuthServer } from '../../../test-support/web-bot-auth-cases.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { withHttpSignature } from '../src/index.js';

let server: CoreServer;
beforeAll(async () => { server = await webBotAuthServer(); });
afterAll(async () => { await server.close(); });

webBotAuthCases(() => server, async (options, { method, url }) => {
  const client = axios.create({ validateStatus: () => true });
  withHttpSignature(client, options);
  const res = await client.request({ method, url });
  return res.status;
}, { test, expect });
