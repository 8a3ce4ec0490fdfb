// Signs and verifies a published draft-cavage vector (./vector.json, written by run.mjs) with the installed
// @httpsig/core, and prints the backend the runtime loaded. Run under Node, Bun and Deno.
import { backendName, sign, verify } from '@httpsig/core';
import vector from './vector.json' with { type: 'json' };

const request = { method: vector.request.method, url: vector.request.target, headers: vector.request.headers, body: vector.request.body };
// The draft's test key is 1024-bit RSA, under the default minRsaBits (2048): accepted here, as core's vector tests do.
const signed = await sign(request, { keyId: vector.keyId, key: vector.privateKey, minRsaBits: 1024, ...vector.options });
const header = vector.expected.signatureHeader;
const received = { ...request, headers: [...vector.request.headers, [header.name, header.value]] };
const result = await verify(received, {
  keyLookup: () => ({ key: vector.publicKey, algorithms: vector.verify.algorithms, minRsaBits: 1024 }),
  now: vector.verify.now * 1000,
  requiredHeaders: vector.verify.requiredHeaders,
});
console.log(JSON.stringify({ backend: backendName, signatureMatches: signed.headers[header.name] === header.value, keyId: result.keyId }));
