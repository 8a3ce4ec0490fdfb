// Per-request overhead of httpSignature hooks vs the same unsigned got request, on loopback. Run after `npm run build`.
import got from 'got';
import { compare, printTable, startSinkServer } from '../../../test-support/bench.mjs';
import { httpSignature } from '../dist/esm/index.js';

const server = await startSinkServer();
const jms = { keyId: 'bench-key', key: 'bench-secret-0123456789abcdefghij', algorithm: 'hmac-sha256' };
const options = { prefixUrl: `${server.origin}/api/v1`, headers: { accept: 'application/json' }, retry: { limit: 0 } };
const plain = got.extend(options);
const jmsClient = got.extend(options, httpSignature({ ...jms, headers: ['(request-target)', 'accept', 'date'] }));
const digestClient = got.extend(options, httpSignature({ ...jms, digest: 'SHA-256' }));
const json = { name: 'web-01', address: '10.0.0.1', tags: ['a', 'b'] };
try {
  const rows = await compare([
    { name: 'GET + searchParams, JumpServer defaults', unsigned: () => plain.get('users/', { searchParams: { limit: 10 } }), signed: () => jmsClient.get('users/', { searchParams: { limit: 10 } }) },
    { name: 'POST JSON, host+date+digest', unsigned: () => plain.post('assets/', { json }), signed: () => digestClient.post('assets/', { json }) },
    { name: 'GET via 301 (two hops)', unsigned: () => plain.get('users', { searchParams: { x: 1 } }), signed: () => digestClient.get('users', { searchParams: { x: 1 } }) },
  ]);
  printTable('@httpsig/got: httpSignature vs got', rows);
} finally {
  await server.close();
}
