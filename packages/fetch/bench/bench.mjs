// Per-request overhead of signedFetch vs the same unsigned fetch, on loopback. Run after `npm run build`.
import { compare, printTable, startSinkServer } from '../../../test-support/bench.mjs';
import { signedFetch } from '../dist/esm/index.js';

const server = await startSinkServer();
const jms = { keyId: 'bench-key', key: 'bench-secret-0123456789abcdefghij', algorithm: 'hmac-sha256' };
const jmsFetch = signedFetch({ ...jms, headers: ['(request-target)', 'accept', 'date'] });
const digestFetch = signedFetch({ ...jms, digest: 'SHA-256' });
const body = JSON.stringify({ name: 'web-01', address: '10.0.0.1', tags: ['a', 'b'] });
const drain = async (res) => { await res.arrayBuffer(); };
const get = `${server.origin}/api/v1/users/?limit=10`;
const post = { method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json' } };
try {
  const rows = await compare([
    { name: 'GET + query, JumpServer defaults', unsigned: () => fetch(get, { headers: { accept: 'application/json' } }).then(drain), signed: () => jmsFetch(get, { headers: { accept: 'application/json' } }).then(drain) },
    { name: 'POST JSON, host+date+digest', unsigned: () => fetch(`${server.origin}/api/v1/assets/`, post).then(drain), signed: () => digestFetch(`${server.origin}/api/v1/assets/`, post).then(drain) },
    { name: 'GET via 301 (two hops)', unsigned: () => fetch(`${server.origin}/api/v1/users?x=1`).then(drain), signed: () => digestFetch(`${server.origin}/api/v1/users?x=1`).then(drain) },
  ]);
  printTable('@httpsig/fetch: signedFetch vs fetch', rows);
} finally {
  await server.close();
}
