// The RFC 9421 pass-through cases every client adapter runs against the core-verifying server in RFC 9421
// mode: each adapter supplies `send(options, request)` and gets the same four checks.
import { verify } from '@httpsig/core';
import { startCoreServer } from './core-server.mjs';

export const RFC9421_KEY_ID = 'rfc9421-test-key';
export const RFC9421_SECRET = 'rfc9421-test-secret-0123456789abcdef';
/** The options a user switches to: scheme and algorithm change, nothing else. */
export const rfc9421Options = {
  scheme: 'rfc9421', keyId: RFC9421_KEY_ID, key: RFC9421_SECRET, algorithm: 'hmac-sha256',
  headers: ['@method', '@authority', '@path', '@query', 'content-type'], digest: 'SHA-256',
};

export function rfc9421Server() {
  return startCoreServer({ verify, scheme: 'rfc9421', keys: { [RFC9421_KEY_ID]: RFC9421_SECRET } });
}

/**
 * @param {() => import('./core-server.mjs').CoreServer} server
 * @param {(options: object, request: { method: string, url: string, json?: unknown }) => Promise<number>} send
 */
export function rfc9421Cases(server, send, { test, expect }) {
  const last = () => server().requests[server().requests.length - 1];

  test('RFC 9421: GET with a query is signed with Signature-Input and Signature and verifies', async () => {
    expect(await send(rfc9421Options, { method: 'GET', url: `${server().origin}/api/items/?q=a%20b&x=1` })).toBe(200);
    // digest is on, so the (empty) body's content-digest is covered too, as it would be with draft-cavage.
    expect(last().verified?.headers).toEqual(['"@method"', '"@authority"', '"@path"', '"@query"', '"content-type"', '"content-digest"']);
    expect(last().headers['signature-input']).toMatch(/^sig1=\("@method" "@authority" "@path" "@query" "content-type" "content-digest"\);created=\d+;keyid="rfc9421-test-key"$/);
  });

  test('RFC 9421: a JSON POST covers a content-digest of the exact bytes sent', async () => {
    expect(await send(rfc9421Options, { method: 'POST', url: `${server().origin}/api/items/`, json: { name: 'zoë', n: 1 } })).toBe(200);
    expect(last().verified?.headers.at(-1)).toBe('"content-digest"');
    expect(last().headers['content-digest']).toMatch(/^sha-256=:[A-Za-z0-9+/]+=*:$/);
  });

  test('RFC 9421: a 301 to the trailing-slash path is re-signed with one fresh signature', async () => {
    expect(await send(rfc9421Options, { method: 'GET', url: `${server().origin}/api/items?page=2` })).toBe(200);
    const [redirect, final] = server().requests.slice(-2);
    expect(redirect?.status).toBe(301);
    expect(final?.url).toBe('/api/items/?page=2');
    expect(final?.headers['signature-input']).toMatch(/^sig1=/);
    expect(final?.headers['signature']).toMatch(/^sig1=:[^,]+:$/);
  });

  test('RFC 9421: a wrong key is the server\'s 401 with ERR_SIGNATURE_MISMATCH', async () => {
    expect(await send({ ...rfc9421Options, key: 'wrong-secret' }, { method: 'GET', url: `${server().origin}/api/items/` })).toBe(401);
    expect(last().errorCode).toBe('ERR_SIGNATURE_MISMATCH');
  });
}
