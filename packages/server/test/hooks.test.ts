// The onVerified and onError hooks: what they receive (identifiers, the code and the status), never a secret or
// the signature; an asynchronous hook is awaited before the answer.
import type { VerificationFailedEvent, VerifiedEvent } from '../src/index.js';
import { HMAC_KEY_ID, SECRET, keyLookup, send, signFor } from './support/helpers.js';
import { SERVER_KINDS, startServer } from './support/servers.js';
import type { Running } from './support/servers.js';

describe.each(SERVER_KINDS)('%s server: hooks', (kind) => {
  let server: Running;
  const verified: VerifiedEvent[] = [];
  const failed: VerificationFailedEvent[] = [];
  beforeAll(async () => {
    server = await startServer(kind, {
      keyLookup,
      onVerified: (event) => { verified.push(event); },
      onError: async (event) => { await Promise.resolve(); failed.push(event); },
    });
  });
  afterAll(async () => { await server.close(); });

  test('hooks receive the keyId, algorithm, code and status, never a secret or the signature', async () => {
    const headers = await signFor(server.url, { path: '/hook' });
    expect((await send(server.url, { path: '/hook', headers })).status).toBe(200);
    expect(verified.at(-1)).toEqual({ keyId: HMAC_KEY_ID, algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'] });
    expect((await send(server.url, { path: '/hook2', headers })).status).toBe(401);
    expect(failed.at(-1)).toEqual({ code: 'ERR_SIGNATURE_MISMATCH', keyId: HMAC_KEY_ID, status: 401 });
    const signature = /signature="([^"]+)"/.exec(headers.authorization ?? '')?.[1] ?? 'missing';
    const seen = JSON.stringify([verified, failed]);
    expect(seen).not.toContain(signature);
    expect(seen).not.toContain(SECRET);
  });
});
