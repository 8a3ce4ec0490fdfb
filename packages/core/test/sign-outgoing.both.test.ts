// signOutgoing: the step the client adapters share.
import crypto from 'node:crypto';
import type { SigningOptions } from '../src/index.js';
import { signOutgoing } from '../src/adapter.js';

const DATE = 'Sun, 22 Nov 2026 10:00:00 GMT';
const options: SigningOptions = { keyId: 'k', key: 's', algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date'] };

test('signs the URL as sent (path and query, no fragment) with Host from the URL when absent', async () => {
  const result = await signOutgoing({ method: 'GET', url: new URL('http://Example.com:8080/a%20b/?q=%7E#frag'), headers: new Headers({ date: DATE }) }, options);
  expect(result.signingString).toBe('(request-target): get /a%20b/?q=%7E\nhost: example.com:8080\ndate: Sun, 22 Nov 2026 10:00:00 GMT');
});

test('an existing Host (any case, any header form) wins', async () => {
  for (const headers of [{ Host: 'proxy.example' }, [['HOST', 'proxy.example']] as [string, string][], new Headers({ host: 'proxy.example' })]) {
    const result = await signOutgoing({ method: 'GET', url: new URL('https://example.com/'), headers }, options);
    expect(result.signingString).toContain('\nhost: proxy.example\n');
  }
});

test('the body is digested only when a digest is asked; an absent body digests as empty', async () => {
  const plain = await signOutgoing({ method: 'POST', url: new URL('https://example.com/'), headers: {}, body: new Uint8Array([1]) }, options);
  expect(plain.headers['digest']).toBeUndefined();
  const empty = await signOutgoing({ method: 'POST', url: new URL('https://example.com/'), headers: {} }, { ...options, digest: 'SHA-256' });
  expect(empty.headers['digest']).toBe(`SHA-256=${crypto.createHash('sha256').update('').digest('base64')}`);
});

test('RFC 9421: scheme and authority come from the URL', async () => {
  const result = await signOutgoing({ method: 'GET', url: new URL('https://example.com:8443/x?y=1'), headers: {} },
    { scheme: 'rfc9421', keyId: 'k', key: 's', algorithm: 'hmac-sha256', headers: ['@target-uri', '@authority'], created: false });
  expect(result.signingString.split('\n').slice(0, 2)).toEqual(['"@target-uri": https://example.com:8443/x?y=1', '"@authority": example.com:8443']);
});
