// The guarded fetch against real loopback servers: URL policy, refused addresses (refused before any connection),
// the connection pinned to the checked address, redirects, size cap, timeouts, content types, HTTP failures.
import net from 'node:net';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { fetchKeyDocument, type FetchGuardOptions } from '../src/index.js';
import { certificateForTestHosts, guardFor, json, startActorHost, type ActorHost } from './support/actor-host.js';
import { listenOnLoopback } from '../../../test-support/loopback.mjs';

const tls = certificateForTestHosts();
let host: ActorHost;
let plain: ActorHost;
beforeAll(async () => {
  host = await startActorHost(tls);
  plain = await startActorHost();
});
afterAll(async () => { await Promise.all([host.close(), plain.close()]); });
beforeEach(() => {
  for (const h of [host, plain]) { h.routes.clear(); h.requests.length = 0; }
  host.routes.set('/doc', json({ id: 'x' }));
  plain.routes.set('/doc', json({ id: 'x' }));
});

const KEY = 'k';
const guard = (): FetchGuardOptions => guardFor(host, tls.cert);

/**
 * Runs `action` while every socket connect fails the test instead of connecting: the refused cases must never
 * reach a connect, so nothing is sent anywhere (and a regression cannot reach a non-loopback address).
 */
async function withoutConnecting<T>(action: () => Promise<T>): Promise<{ result: T | unknown; connects: number }> {
  const spy = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => { throw new Error('test: a connect was attempted'); });
  try {
    const result = await action().catch((e: unknown) => e);
    return { result, connects: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

describe('URL policy', () => {
  test('https only by default: an http keyId is refused before resolving; allowHttp fetches it', async () => {
    const options = guardFor(plain);
    const { allowHttp: _ignored, ...httpsOnly } = options;
    const { result, connects } = await withoutConnecting(() => fetchKeyDocument(`${plain.origin()}/doc`, httpsOnly, KEY));
    expect(result).toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_URL', keyId: KEY });
    expect(connects).toBe(0);
    expect(options.lookups).toHaveLength(0);
    await expect(fetchKeyDocument(`${plain.origin()}/doc`, options, KEY)).resolves.toMatchObject({ json: { id: 'x' } });
  });

  test('ports: a URL on another port is refused before resolving; a listed port is fetched', async () => {
    const { result, connects } = await withoutConnecting(() => fetchKeyDocument(`${host.origin()}/doc`, { ...guard(), ports: [443] }, KEY));
    expect(result).toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_URL' });
    expect(connects).toBe(0);
    await expect(fetchKeyDocument(`${host.origin()}/doc`, { ...guard(), ports: [443, host.port] }, KEY)).resolves.toMatchObject({ json: { id: 'x' } });
  });

  test.each([
    ['credentials', (o: string) => o.replace('https://', 'https://user:pass@')],
    ['another scheme', () => 'ftp://actor.test/doc'],
    ['not a URL', () => 'acct:alice@actor.test'],
    ['too long', (o: string) => `${o}/${'a'.repeat(3000)}`],
  ])('a keyId with %s is ERR_KEY_FETCH_REFUSED_URL', async (_name, make) => {
    const { result, connects } = await withoutConnecting(() => fetchKeyDocument(`${make(host.origin())}/doc`, guard(), KEY));
    expect(result).toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_URL' });
    expect(connects).toBe(0);
  });
});

describe('refused addresses, checked after DNS and before connecting', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['100.64.1.1', 'shared'],
    ['::ffff:10.0.0.1', 'private'],
    ['fd00::1', 'unique-local'],
    ['::1', 'loopback'],
  ])('a name resolving to %s is refused (%s) without any connection', async (address, cls) => {
    const lookup = async (): Promise<Array<{ address: string; family: number }>> => [{ address, family: net.isIP(address) }];
    const { result, connects } = await withoutConnecting(() => fetchKeyDocument('https://evil.test/doc', { lookup }, KEY));
    expect(result).toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_ADDRESS', addressClass: cls, keyId: KEY });
    expect(connects).toBe(0);
  });

  test('a name with one public and one private address is refused, whichever would be used', async () => {
    const lookup = async (): Promise<Array<{ address: string; family: number }>> => [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.1', family: 4 }];
    const { result, connects } = await withoutConnecting(() => fetchKeyDocument('https://evil.test/doc', { lookup }, KEY));
    expect(result).toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_ADDRESS', addressClass: 'private' });
    expect(connects).toBe(0);
  });

  test('IP literals in the URL are checked without DNS', async () => {
    for (const url of ['https://127.0.0.1/doc', 'https://[::1]/doc', 'https://[::ffff:a9fe:a9fe]/doc', 'https://0.0.0.0/doc']) {
      const { result, connects } = await withoutConnecting(() => fetchKeyDocument(url, {}, KEY));
      expect(result).toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_ADDRESS' });
      expect(connects).toBe(0);
    }
  });

  test('the default guard refuses the loopback test host itself; allowAddress permits only that host\'s port', async () => {
    const { allowAddress: _a, ...noAllow } = guard();
    const refused = await withoutConnecting(() => fetchKeyDocument(`${host.origin()}/doc`, noAllow, KEY));
    expect(refused.result).toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_ADDRESS', addressClass: 'loopback' });
    expect(refused.connects).toBe(0);
    // The other loopback server is refused too: the hook allows one port.
    const other = await withoutConnecting(() => fetchKeyDocument(`https://actor.test:${plain.port}/doc`, guard(), KEY));
    expect(other.result).toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_ADDRESS' });
    expect(other.connects).toBe(0);
    expect(host.requests).toHaveLength(0);
  });

  test('the connection goes to the checked address: DNS answering differently afterwards (rebinding) is not asked again', async () => {
    const answers = ['127.0.0.1', '10.0.0.1'];
    const lookups: string[] = [];
    const options: FetchGuardOptions = {
      ...guard(),
      lookup: async (name) => { lookups.push(name); return [{ address: answers[Math.min(lookups.length - 1, 1)] as string, family: 4 }]; },
    };
    const spy = jest.spyOn(net.Socket.prototype, 'connect');
    try {
      await expect(fetchKeyDocument(`${host.origin()}/doc`, options, KEY)).resolves.toMatchObject({ json: { id: 'x' } });
    } finally { spy.mockRestore(); }
    expect(lookups).toEqual(['actor.test']); // resolved once, by the guard; the socket used the pinned address
    expect(host.requests).toHaveLength(1);
    expect(host.requests[0]?.servername).toBe('actor.test');
  });
});

describe('redirects', () => {
  const redirect = (status: number, location: string) => (_req: unknown, res: import('node:http').ServerResponse): void => {
    res.writeHead(status, { location, 'content-length': 0 }); res.end();
  };

  test('up to maxRedirects hops are followed (relative and absolute); one more is ERR_KEY_FETCH_FAILED', async () => {
    host.routes.set('/r1', redirect(301, '/r2'));
    host.routes.set('/r2', redirect(302, `${host.origin('other.test')}/r3`));
    host.routes.set('/r3', redirect(308, '/doc'));
    const done = await fetchKeyDocument(`${host.origin()}/r1`, guard(), KEY);
    expect(done.url).toBe(`${host.origin('other.test')}/doc`);
    host.requests.length = 0;
    await expect(fetchKeyDocument(`${host.origin()}/r1`, { ...guard(), maxRedirects: 2 }, KEY)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED' });
    expect(host.requests.map((r) => r.path)).toEqual(['/r1', '/r2', '/r3']);
  });

  test('a redirect to a refused address is refused before connecting to it', async () => {
    const options: FetchGuardOptions = {
      ...guard(),
      lookup: async (name) => [{ address: name === 'internal.example' ? '10.1.2.3' : '127.0.0.1', family: 4 }],
    };
    // Connecting is allowed until the redirect is answered; any connect after it fails the test (and is not made).
    const original = net.Socket.prototype.connect;
    let blocked = false;
    let attemptsAfterRedirect = 0;
    const spy = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      if (blocked) { attemptsAfterRedirect += 1; throw new Error('test: a connect was attempted'); }
      return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    });
    host.routes.set('/to-internal', (_req, res) => {
      blocked = true;
      redirect(307, 'https://internal.example/doc')(_req, res);
    });
    try {
      await expect(fetchKeyDocument(`${host.origin()}/to-internal`, options, KEY)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_ADDRESS', addressClass: 'private' });
      expect(attemptsAfterRedirect).toBe(0);
    } finally { spy.mockRestore(); }
  });

  test('a redirect from https to http is refused when http is not allowed', async () => {
    host.routes.set('/downgrade', redirect(302, `http://actor.test:${plain.port}/doc`));
    await expect(fetchKeyDocument(`${host.origin()}/downgrade`, guard(), KEY)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_REFUSED_URL' });
    expect(plain.requests).toHaveLength(0);
  });
});

describe('size and time limits', () => {
  test('a document streamed without end is cut at maxBytes: ERR_KEY_FETCH_TOO_LARGE, and the connection is closed', async () => {
    let closed: Promise<void> = Promise.resolve();
    let sent = 0;
    host.routes.set('/forever', (req, res) => {
      closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'application/activity+json' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) { sent += chunk.length; if (sent > 64 * 1024 * 1024) return; }
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const error = await fetchKeyDocument(`${host.origin()}/forever`, { ...guard(), maxBytes: 64 * 1024 }, KEY).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_KEY_FETCH_TOO_LARGE', limit: 64 * 1024 });
    await closed; // the server sees its socket closed
    expect(sent).toBeLessThan(8 * 1024 * 1024);
  });

  test('a declared Content-Length over the limit is refused before reading', async () => {
    host.routes.set('/big', (_req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': 10_000_000 }); res.write('{'); });
    await expect(fetchKeyDocument(`${host.origin()}/big`, guard(), KEY)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_TOO_LARGE' });
  });

  test('a host that never answers: ERR_KEY_FETCH_TIMEOUT after the total timeout, and the connection is closed', async () => {
    let closed: Promise<void> = Promise.resolve();
    host.routes.set('/silent', (req) => { closed = new Promise((resolve) => req.socket.once('close', () => resolve())); });
    await expect(fetchKeyDocument(`${host.origin()}/silent`, { ...guard(), timeout: 300 }, KEY)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_TIMEOUT' });
    await closed;
  });

  test('a TLS handshake that never completes: ERR_KEY_FETCH_TIMEOUT after the connect timeout', async () => {
    const sockets: Socket[] = [];
    const tarpit = createTcpServer((socket) => { sockets.push(socket); });
    const listening = await listenOnLoopback(tarpit as never);
    try {
      const options: FetchGuardOptions = { ...guard(), allowAddress: (a, _h, port) => a === '127.0.0.1' && port === listening.port, connectTimeout: 200 };
      const error = await fetchKeyDocument(`https://actor.test:${listening.port}/doc`, options, KEY).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_KEY_FETCH_TIMEOUT', detail: 'Connecting to the key host took too long' });
    } finally {
      for (const s of sockets) s.destroy();
      tarpit.close();
    }
  });
});

describe('responses that are not key documents', () => {
  test.each([
    ['text/html', 'ERR_KEY_FETCH_BAD_DOCUMENT'],
    ['application/ld+json', 'ERR_KEY_FETCH_BAD_DOCUMENT'],
    ['application/ld+json; profile="https://www.w3.org/ns/activitystreams"', undefined],
    ['application/activity+json; charset=utf-8', undefined],
    ['application/jwk-set+json', undefined],
    ['application/json', undefined],
  ])('content type %s', async (type, code) => {
    host.routes.set('/typed', json({ id: 'x' }, { type }));
    const outcome = fetchKeyDocument(`${host.origin()}/typed`, guard(), KEY);
    if (code === undefined) await expect(outcome).resolves.toMatchObject({ json: { id: 'x' } });
    else await expect(outcome).rejects.toMatchObject({ code });
  });

  test('the Accept header asks for ActivityStreams, JWK sets and JSON; a content-encoded answer is refused', async () => {
    host.routes.set('/gz', (_req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }); res.end('x'); });
    await expect(fetchKeyDocument(`${host.origin()}/gz`, guard(), KEY)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_BAD_DOCUMENT' });
    expect(host.requests[0]?.headers.accept).toBe('application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", application/jwk-set+json;q=0.9, application/json;q=0.8');
  });

  test.each([404, 410, 500])('status %i is ERR_KEY_FETCH_FAILED with the status', async (status) => {
    host.routes.set('/status', json({}, { status }));
    await expect(fetchKeyDocument(`${host.origin()}/status`, guard(), KEY)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED', status });
  });

  test('a certificate not trusted (no ca option) is ERR_KEY_FETCH_FAILED', async () => {
    const { ca: _ca, ...untrusted } = guard();
    await expect(fetchKeyDocument(`${host.origin()}/doc`, untrusted, KEY)).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED' });
  });
});
