// The Fedify side of the interoperability tests. Fedify needs Node 22, so test/fediverse/support/fedify.ts runs this
// file under the Node 22 binary of @httpsig/interop-node22 while the tests themselves stay on the machine's Node.
//
// It runs a loopback HTTP server that verifies every request with Fedify's `verifyRequestDetailed` (the spec is
// chosen by Fedify: RFC 9421 when there is a Signature-Input) and answers `{ verified, keyId }` (200) or
// `{ verified: false, reason }` (401). Actor documents come from a local document loader the tests fill: nothing
// is fetched from the network. On stdin it takes JSON lines `{ id, op, args }` and answers `{ id, result }` or
// `{ id, error }` on stdout:
//   documents { documents: { url: document } }          replaces what the document loader serves
//   sign { spec, method, url, headers, body, keyId, privateKeyPem, components? }
//                                                      Fedify's `signRequest`; answers the signed headers
//   send { …the same }                                  signs, sends the request with fetch; answers status and body
// The first line it writes is `{ ready: { port, node, fedify } }` (its Node and Fedify versions).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { signRequest, verifyRequestDetailed } from '@fedify/fedify/sig';
import { FetchError, preloadedContexts } from '@fedify/fedify/runtime';

/** The documents the document loader serves, by URL without fragment. */
let documents = new Map();

/** Fedify's document loader contract: `{ contextUrl, documentUrl, document }`, or a FetchError. */
async function documentLoader(url) {
  const bare = url.replace(/#.*$/, '');
  if (!documents.has(bare)) throw new FetchError(url, 'not served by the interoperability test');
  return { contextUrl: null, documentUrl: bare, document: documents.get(bare) };
}

/** JSON-LD contexts from the copies Fedify ships (ActivityStreams, security/v1, …); never fetched. */
async function contextLoader(url) {
  if (!Object.hasOwn(preloadedContexts, url)) throw new FetchError(url, 'context not preloaded');
  return { contextUrl: null, documentUrl: url, document: preloadedContexts[url] };
}

/** An RSA private key (PKCS#8 PEM) as the RSASSA-PKCS1-v1_5 SHA-256 CryptoKey Fedify signs with (it refuses a key that is not extractable). */
async function privateKey(pem) {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']);
}

async function signed({ spec, method, url, headers, body, keyId, privateKeyPem, components }) {
  const request = new Request(url, { method, headers, ...(body == null ? {} : { body }) });
  const rfc9421 = components === undefined ? undefined : { components: components.map((value) => ({ value, params: {} })) };
  return signRequest(request, await privateKey(privateKeyPem), new URL(keyId), { spec, ...(rfc9421 === undefined ? {} : { rfc9421 }) });
}

const operations = {
  async documents(args) {
    documents = new Map(Object.entries(args.documents));
    return null;
  },
  async sign(args) {
    return { headers: [...(await signed(args)).headers] };
  },
  async send(args) {
    const response = await fetch(await signed(args));
    return { status: response.status, body: await response.text() };
  },
};

const server = createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const request = new Request(new URL(req.url, `http://${req.headers.host}`), {
      method: req.method, headers, ...(body.length > 0 ? { body } : {}),
    });
    const result = await verifyRequestDetailed(request, { documentLoader, contextLoader });
    const answer = result.verified
      ? { verified: true, keyId: result.key.id?.href }
      : { verified: false, reason: result.reason.type };
    res.writeHead(result.verified ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  } catch (error) {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ verified: false, error: String(error) }));
  }
});

// Fedify's package.json is not in its exports: read it beside its entry point (dist/mod.js).
const { version: fedifyVersion } = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.resolve('@fedify/fedify'))), 'utf8'));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: { port: server.address().port, node: process.version, fedify: fedifyVersion } })}\n`);
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, op, args } = JSON.parse(line);
  const operation = operations[op];
  Promise.resolve(operation === undefined ? Promise.reject(new Error(`unknown operation ${op}`)) : operation(args)).then(
    (result) => { process.stdout.write(`${JSON.stringify({ id, result })}\n`); },
    (error) => { process.stdout.write(`${JSON.stringify({ id, error: String(error?.stack ?? error) })}\n`); },
  );
}).on('close', () => {
  server.closeAllConnections();
  server.close();
});
