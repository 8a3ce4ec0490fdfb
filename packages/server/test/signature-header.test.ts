// Where the signature is read from: the Authorization or Signature header, per the scheme option.
import { sign } from '@httpsig/core';
import { HMAC_KEY_ID, SECRET, keyLookup, send } from './support/helpers.js';
import { SERVER_KINDS, startServer } from './support/servers.js';

describe.each(SERVER_KINDS)('%s server: signature header forms', (kind) => {
  test.each([
    ['Signature header, any scheme', 'signature', undefined, 200],
    ['Signature header refused when only Authorization is read', 'signature', 'authorization', 401],
    ['Authorization header refused when only Signature is read', 'authorization', 'signature', 401],
  ] as const)('%s', async (_name, sent, accepted, status) => {
    const server = await startServer(kind, { keyLookup, scheme: accepted });
    try {
      const host = new URL(server.url).host;
      const signed = await sign({ method: 'GET', url: '/forms?x=1', headers: { host } }, {
        keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256', scheme: sent,
      });
      const answer = await send(server.url, { path: '/forms?x=1', headers: { host, ...signed.headers } });
      expect(answer.status).toBe(status);
      if (status === 401) expect(answer.json.code).toBe('ERR_SIGNATURE_MISSING');
    } finally { await server.close(); }
  });
});
