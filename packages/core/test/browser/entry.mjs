// Bundled for the browser by test/browser.test.ts (esbuild, browser conditions: the portable backend).
// Exposes one function the test calls inside the page.
import { backendName, sign, verify } from '@httpsig/core';

window.runHttpsig = async ({ rsaPrivatePem, rsaPublicPem, ecPrivatePem, nodeRsaSignature, date }) => {
  const out = { backend: backendName, hasSubtle: typeof globalThis.crypto?.subtle !== 'undefined' };
  const request = { method: 'GET', url: 'https://jms.example.com/api/v1/users/users/?limit=10&q=a%20b', headers: { accept: 'application/json', date } };
  const hmac = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256', headers: ['(request-target)', 'accept', 'date'], body: '{"a":1}', digest: 'SHA-256' });
  out.hmac = hmac;
  const rsa = await sign(request, { keyId: 'rsa', key: rsaPrivatePem, algorithm: 'rsa-sha256', headers: ['(request-target)', 'accept', 'date'] });
  out.rsaAuthorization = rsa.headers.authorization;
  const lookup = { keyLookup: () => ({ key: rsaPublicPem, algorithms: ['rsa-sha256'] }), now: Date.parse(date) };
  const nodeSigned = { ...request, headers: { ...request.headers, authorization: `Signature keyId="rsa",algorithm="rsa-sha256",headers="(request-target) accept date",signature="${nodeRsaSignature}"` } };
  out.verifiesNodeSignature = (await verify(nodeSigned, lookup)).keyId === 'rsa';
  out.tamperedCode = await verify({ ...nodeSigned, url: '/api/v1/users/users/?limit=11' }, lookup).then(() => 'accepted', (e) => e.code);
  out.ecdsa = await sign(request, { keyId: 'ec', key: ecPrivatePem, algorithm: 'ecdsa-sha256', headers: ['date'] }).then((r) => r.headers.authorization, (e) => `error ${e.code} ${e.name}: ${e.message}`);
  return out;
};
