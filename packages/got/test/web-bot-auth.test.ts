// The webBotAuth preset through httpSignature, verified by core under a Web Bot Auth policy.
import got from 'got';
import { webBotAuthCases, webBotAuthServer } from '../../../test-support/web-bot-auth-cases.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { httpSignature } from '../src/index.js';

let server: CoreServer;
beforeAll(async () => { server = await webBotAuthServer(); });
afterAll(async () => { await server.close(); });

webBotAuthCases(() => server, async (options, { method, url }) => {
  const client = got.extend(httpSignature(options), { throwHttpErrors: false, retry: { limit: 0 } });
  const res = await client(url, { method: method as 'GET' });
  return res.statusCode;
}, { test, expect });
