// Per-request overhead of withHttpSignature vs the same unsigned axios request, on loopback. Run after `npm run build`.
import axios from 'axios';
import { compare, printTable, startSinkServer } from '../../../test-support/bench.mjs';
import { withHttpSignature } from '../dist/esm/index.js';

const server = await startSinkServer();
const jms = { keyId: 'bench-key', key: 'bench-secret-0123456789abcdefghij', algorithm: 'hmac-sha256' };
const make = () => axios.create({ baseURL: `${server.origin}/api/v1/`, headers: { Accept: 'application/json' } });
const plain = make();
const jmsClient = make();
withHttpSignature(jmsClient, { ...jms, headers: ['(request-target)', 'accept', 'date'] });
const digestClient = make();
withHttpSignature(digestClient, { ...jms, digest: 'SHA-256' });
const body = { name: 'web-01', address: '10.0.0.1', tags: ['a', 'b'] };
try {
  const rows = await compare([
    { name: 'GET + params, JumpServer defaults', unsigned: () => plain.get('users/', { params: { limit: 10 } }), signed: () => jmsClient.get('users/', { params: { limit: 10 } }) },
    { name: 'POST JSON, host+date+digest', unsigned: () => plain.post('assets/', body), signed: () => digestClient.post('assets/', body) },
    { name: 'GET via 301 (two hops)', unsigned: () => plain.get('users', { params: { x: 1 } }), signed: () => digestClient.get('users', { params: { x: 1 } }) },
  ]);
  printTable('@httpsig/axios: withHttpSignature vs axios', rows);
} finally {
  await server.close();
}
