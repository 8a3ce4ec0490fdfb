// sign() and verify() with `scheme: 'rfc9421'`: the same calls as draft-cavage, one option changed.
import crypto from 'node:crypto';
import { sign, verify, type SigningOptions } from '../src/index.js';

const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
const request = { method: 'POST', url: 'https://api.example.com/v1/things?dry_run=1', headers: { 'Content-Type': 'application/json', Host: 'api.example.com' } };
const cavage: SigningOptions = { keyId: 'k', key: 'secret', algorithm: 'hmac-sha256', headers: ['content-type'], digest: 'SHA-256' };
const rfc9421: SigningOptions = { scheme: 'rfc9421', keyId: 'k', key: 'secret', algorithm: 'hmac-sha256', headers: ['@method', '@authority', '@path', '@query', 'content-type'], digest: 'SHA-256' };
const body = '{"a":1}';

test('the same call signs RFC 9421: headers name the components, the digest is a Content-Digest', async () => {
  const result = await sign(request, { ...rfc9421, body, now });
  expect(result.label).toBe('sig1');
  expect(Object.keys(result.headers).sort()).toEqual(['content-digest', 'signature', 'signature-input']);
  expect(result.headers['signature-input']).toBe('sig1=("@method" "@authority" "@path" "@query" "content-type" "content-digest");created=1795341600;keyid="k"');
  expect(result.signingString).toBe([
    '"@method": POST', '"@authority": api.example.com', '"@path": /v1/things', '"@query": ?dry_run=1',
    '"content-type": application/json', `"content-digest": ${result.headers['content-digest']}`,
    '"@signature-params": ("@method" "@authority" "@path" "@query" "content-type" "content-digest");created=1795341600;keyid="k"',
  ].join('\n'));
  const mac = crypto.createHmac('sha256', 'secret').update(result.signingString).digest('base64');
  expect(result.headers['signature']).toBe(`sig1=:${mac}:`);

  const received = { ...request, headers: { ...request.headers, ...result.headers } };
  const verified = await verify(received, { scheme: 'rfc9421', keyLookup: (keyId) => (keyId === 'k' ? { key: 'secret', algorithms: ['hmac-sha256'] } : null), body, now });
  expect(verified).toMatchObject({ label: 'sig1', keyId: 'k', algorithm: 'hmac-sha256' });
  await expect(verify({ ...received, url: 'https://api.example.com/v1/things?dry_run=0' }, { scheme: 'rfc9421', keyLookup: () => ({ key: 'secret', algorithms: ['hmac-sha256'] }), body, now }))
    .rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  // A draft-cavage verifier does not accept an RFC 9421 signature: its Signature dictionary is no draft-cavage header.
  await expect(verify(received, { keyLookup: () => ({ key: 'secret', algorithms: ['hmac-sha256'] }), now })).rejects.toMatchObject({ code: 'ERR_MALFORMED_SIGNATURE' });
});

test('draft-cavage needs a request; a response can only be signed with RFC 9421', async () => {
  await expect(sign({ status: 200, headers: { 'content-type': 'text/plain' } } as never, { ...cavage, digest: undefined, now })).rejects.toThrow(TypeError);
  const signed = await sign({ status: 200, headers: { 'content-type': 'text/plain' } }, { scheme: 'rfc9421', keyId: 'k', key: 'secret', algorithm: 'hmac-sha256', headers: ['@status', 'content-type'], now });
  expect(signed.signingString.startsWith('"@status": 200\n"content-type": text/plain\n')).toBe(true);
});
