// A signed request against @httpsig/server from the installed packages: a loopback node:http server with
// verifyNodeRequest, a client with @httpsig/fetch. The signed request is accepted and its body reaches the
// handler; the same request with a tampered body is answered 401.
import http from 'node:http';
import { signedFetch } from '@httpsig/fetch';
import { sendSignatureError, verifyNodeRequest } from '@httpsig/server';

const keyLookup = (keyId) => (keyId === 'packed' ? { key: 'packed-secret', algorithms: ['hmac-sha256'] } : undefined);
const server = http.createServer(async (req, res) => {
  let signature;
  try {
    signature = await verifyNodeRequest(req, { keyLookup });
  } catch (error) {
    return sendSignatureError(res, error);
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ keyId: signature.keyId, body: Buffer.concat(chunks).toString('utf8') }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
try {
  const options = { keyId: 'packed', key: 'packed-secret', algorithm: 'hmac-sha256', headers: ['(request-target)', 'host', 'date', 'digest'], digest: 'SHA-256' };
  const accepted = await signedFetch(options)(`${base}/orders?n=1`, { method: 'POST', body: '{"n":1}', headers: { 'content-type': 'application/json' } });
  const answer = await accepted.json();
  if (accepted.status !== 200 || answer.keyId !== 'packed' || answer.body !== '{"n":1}') throw new Error(`signed request: ${accepted.status} ${JSON.stringify(answer)}`);
  // Sign one body, send another: the digest no longer matches.
  const tampering = (input, init) => fetch(input, { ...init, body: '{"n":2}' });
  const refused = await signedFetch(options, tampering)(`${base}/orders?n=1`, { method: 'POST', body: '{"n":1}' });
  if (refused.status !== 401) throw new Error(`tampered request: ${refused.status}`);
  await refused.arrayBuffer();
  console.log('signed request accepted, tampered request 401');
} finally {
  server.close();
}
