// The webBotAuth preset through signedFetch, verified by core under a Web Bot Auth policy.
import { webBotAuthCases, webBotAuthServer } from '../../../test-support/web-bot-auth-cases.mjs';
import type { CoreServer } from '../../../test-support/core-server.mjs';
import { signedFetch } from '../src/index.js';

let server: CoreServer;
beforeAll(async () => { server = await webBotAuthServer(); });
afterAll(async () => { await server.close(); });

webBotAuthCases(() => server, async (options, { method, url }) => {
  const res = await signedFetch(options)(url, { method });
  await res.arrayBuffer();
  return res.status;
}, { test, expect });
