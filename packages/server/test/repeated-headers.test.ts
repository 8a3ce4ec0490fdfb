// A covered header that node:http keeps only once (its first line, in req.headers) and that arrives twice is
// refused with 400 ERR_MALFORMED_REQUEST, under both schemes, over a raw socket: the signature covers both lines
// joined, the application would read the first one alone.
import { sign, type SignOptions } from '@httpsig/core';
import { SINGLETON_HEADERS } from '@httpsig/core/adapter';
import http from 'node:http';
import net from 'node:net';
import { SECRET, HMAC_KEY_ID, keyLookup } from './support/helpers.js';
import { startServer, type Running, type ServerKind } from './support/servers.js';

const RFC9421_SECRET = 'rfc9421-repeat-secret-0123456789abcdef';
const cavage: SignOptions = { keyId: HMAC_KEY_ID, key: SECRET, algorithm: 'hmac-sha256' };
const rfc9421: SignOptions = { scheme: 'rfc9421', keyId: 'k9421', key: RFC9421_SECRET, algorithm: 'hmac-sha256' };
const verifyOptions = {
  cavage: { keyLookup, requiredHeaders: ['(request-target)', 'host', 'date'] },
  rfc9421: {
    scheme: 'rfc9421' as const,
    keyLookup: (keyId: string | undefined) => (keyId === 'k9421' ? { key: RFC9421_SECRET, algorithms: ['hmac-sha256' as const] } : null),
  },
};

interface RawAnswer { status: number; body: string }

/** Writes the request head exactly as given (repeated lines kept) and reads the status line and body. */
function rawSend(origin: string, method: string, path: string, lines: [string, string][]): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    const head = [`${method} ${path} HTTP/1.1`, ...lines.map(([n, v]) => `${n}: ${v}`), 'Connection: close', '', ''].join('\r\n');
    socket.write(head, 'latin1');
  });
}

/** Signs over the given lines (both of a repeat, as the signature then covers them joined) and sends them. */
async function signedRaw(origin: string, scheme: 'cavage' | 'rfc9421', lines: [string, string][], covered: string[]): Promise<RawAnswer> {
  const host = new URL(origin).host;
  const all: [string, string][] = [['Host', host], ['Date', new Date().toUTCString()], ...lines];
  const path = '/loan?account=alice';
  const headers = scheme === 'cavage' ? ['(request-target)', 'host', 'date', ...covered] : ['@method', '@authority', '@path', '@query', ...covered];
  const result = await sign({ method: 'GET', url: scheme === 'cavage' ? path : `http://${host}${path}`, headers: all }, { ...(scheme === 'cavage' ? cavage : rfc9421), headers } as SignOptions);
  return rawSend(origin, 'GET', path, [...all, ...Object.entries(result.headers)]);
}

describe.each(['node', 'express', 'fastify'] as ServerKind[])('%s server', (kind) => {
  describe.each(['cavage', 'rfc9421'] as const)('%s', (scheme) => {
    let server: Running;
    beforeAll(async () => { server = await startServer(kind, verifyOptions[scheme]); });
    afterAll(async () => { await server.close(); });

    test.each([
      ['User-Agent', 'user-agent', 'client/1.0', 'evil/2.0'],
      ['Content-Type', 'content-type', 'application/json', 'text/plain'],
    ])('two covered %s lines are a 400 ERR_MALFORMED_REQUEST', async (header, name, first, second) => {
      const answer = await signedRaw(server.url, scheme, [[header, first], [header, second]], [name]);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'ERR_MALFORMED_REQUEST' });
    });

    test('one covered line verifies; two lines of an uncovered one do too', async () => {
      expect((await signedRaw(server.url, scheme, [['User-Agent', 'client/1.0']], ['user-agent'])).status).toBe(200);
      expect((await signedRaw(server.url, scheme, [['User-Agent', 'a'], ['User-Agent', 'b']], [])).status).toBe(200);
    });
  });
});

test('node:http keeps only the first line of exactly the headers core refuses to see repeated', async () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => { seen.push(req.headers); res.end(); });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  // A repeated Content-Length is refused by node's parser itself (400); every other one gets two values.
  const lines: [string, string][] = [];
  const names = [...SINGLETON_HEADERS].filter((name) => name !== 'content-length');
  for (const name of [...names, 'accept', 'x-custom']) lines.push([name, 'first'], [name, 'second']);
  await rawSend(`http://127.0.0.1:${port}`, 'GET', '/', lines);
  await new Promise<void>((done) => server.close(() => done()));
  for (const name of names) expect([name, seen[0]?.[name]]).toEqual([name, 'first']);
  expect(seen[0]).toMatchObject({ accept: 'first, second', 'x-custom': 'first, second' });
});
