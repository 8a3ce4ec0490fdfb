// The double-knocking cases every client adapter runs against the loopback servers of knock-server.mjs: each
// adapter supplies `client(options)`, which makes one client (one memory) and returns its `send(request)`.
import { KNOCK_KEY_ID, KNOCK_PRIVATE_KEY, KNOCK_WRONG_KEY, startKnockServer } from './knock-server.mjs';

/** The Fediverse case in one option: an RSA key, its keyId URL, draft-cavage preferred, RFC 9421 derived. */
export const cavageFirst = { keyId: KNOCK_KEY_ID, key: KNOCK_PRIVATE_KEY, algorithm: 'rsa-sha256', digest: 'SHA-256', doubleKnock: true };
/** RFC 9421 preferred (Fediverse coverage), draft-cavage derived. */
export const rfc9421First = {
  scheme: 'rfc9421', keyId: KNOCK_KEY_ID, key: KNOCK_PRIVATE_KEY, algorithm: 'rsa-v1_5-sha256',
  headers: ['@method', '@target-uri'], digest: 'SHA-256', doubleKnock: true,
};

/**
 * @param {(options: object) => (request: { method?: string, url: string, body?: string, stream?: string }) => Promise<number>} client
 * @param {{ test: Function, expect: Function, beforeAll: Function, afterAll: Function }} jest
 * @param {{ retryKeepsHooks?: boolean }} [traits] - `retryKeepsHooks: false` for a client whose retry drops
 *   the hooks (got before 14.5, without `preserveHooks`): it knocks once per request, so a redirect answered to an
 *   accepted retry is followed unknocked, and its 401 is the answer.
 */
export function doubleKnockCases(client, { test, expect, beforeAll, afterAll }, { retryKeepsHooks = true } = {}) {
  const servers = {};
  beforeAll(async () => {
    for (const mode of ['cavage', 'rfc9421', 'either', 'challenge']) servers[mode] = await startKnockServer(mode);
    servers.rfc9421Other = await startKnockServer('rfc9421');
    servers.cavageWithChallenge = await startKnockServer('cavage', {
      challengeHeaders: { 'www-authenticate': 'Signature realm="test",headers="(request-target) host date"' },
    });
    servers.crossTarget = await startKnockServer('rfc9421');
    servers.crossFrom = await startKnockServer('cavage', { movedTo: servers.crossTarget.origin });
    servers.tooLarge = await startKnockServer('hostile', { hostileHeaders: { 'accept-signature': `sig1=("@method");nonce="${'a'.repeat(9000)}"` } });
    servers.malformed = await startKnockServer('hostile', { hostileHeaders: { 'accept-signature': 'sig1=(("@method"' } });
    servers.otherKey = await startKnockServer('hostile', { hostileHeaders: { 'accept-signature': 'sig1=("@method");keyid="https://elsewhere.example/key"' } });
  });
  afterAll(async () => { await Promise.all(Object.values(servers).map((s) => s.close())); });
  const specs = (server) => server.requests.map((r) => `${r.spec} ${r.status}`);
  const fresh = (server) => { server.requests.length = 0; return server; };

  test('double-knocking: off by default, a refused request is not sent again', async () => {
    const server = fresh(servers.rfc9421);
    const { doubleKnock: _off, ...plain } = cavageFirst;
    expect(await client(plain)({ url: `${server.origin}/inbox` })).toBe(401);
    expect(specs(server)).toEqual(['cavage 401']);
  });

  test('double-knocking: a server that accepts the preferred spec is asked once', async () => {
    const server = fresh(servers.either);
    expect(await client(cavageFirst)({ url: `${server.origin}/actor` })).toBe(200);
    expect(await client(rfc9421First)({ url: `${server.origin}/actor` })).toBe(200);
    expect(specs(server)).toEqual(['cavage 200', 'rfc9421 200']);
  });

  test('double-knocking: an RFC 9421-only server gets draft-cavage, a 401, then RFC 9421, and the origin is remembered', async () => {
    const server = fresh(servers.rfc9421);
    const send = client(cavageFirst);
    expect(await send({ url: `${server.origin}/actor?page=1` })).toBe(200);
    expect(await send({ url: `${server.origin}/outbox` })).toBe(200);
    expect(specs(server)).toEqual(['cavage 401', 'rfc9421 200', 'rfc9421 200']);
    // The retry is a new signature over the same request: its own created, the derived Fediverse coverage.
    expect(server.requests[1]?.url).toBe('/actor?page=1');
    expect(server.requests[1]?.headers['signature-input']).toMatch(/^sig1=\("@method" "@target-uri" "content-digest"\);created=\d+;keyid="https:\/\/client\.example\/users\/alice#main-key"$/);
    expect(server.requests[1]?.headers.authorization).toBeUndefined();
  });

  test('double-knocking: a draft-cavage-only server gets RFC 9421, a 401, then draft-cavage in the Signature header', async () => {
    const server = fresh(servers.cavage);
    const send = client(rfc9421First);
    expect(await send({ url: `${server.origin}/actor` })).toBe(200);
    expect(await send({ url: `${server.origin}/actor` })).toBe(200);
    expect(specs(server)).toEqual(['rfc9421 401', 'cavage 200', 'cavage 200']);
    expect(server.requests[1]?.headers.signature).toMatch(/^keyId="https:\/\/client\.example\/users\/alice#main-key",algorithm="rsa-sha256",headers="\(request-target\) host date digest",signature="/);
    expect(server.requests[1]?.headers['signature-input']).toBeUndefined();
  });

  test('double-knocking: a same-origin redirect is followed and the hop it leads to is knocked on, signed', async () => {
    const server = fresh(servers.rfc9421);
    expect(await client(cavageFirst)({ url: `${server.origin}/moved/actor?x=1` })).toBe(200);
    expect(specs(server)).toEqual(['cavage 301', 'cavage 401', 'rfc9421 200']);
    expect(server.requests.map((r) => r.url)).toEqual(['/moved/actor?x=1', '/landing/actor?x=1', '/landing/actor?x=1']);
  });

  test(retryKeepsHooks ? 'double-knocking: a redirect answered to an accepted retry leads to a hop knocked on by itself'
    : 'double-knocking: a redirect answered to an accepted retry is followed once more, signed, but not knocked on (one knock per request)', async () => {
    const server = fresh(servers.rfc9421);
    const send = client(cavageFirst);
    if (!retryKeepsHooks) {
      expect(await send({ url: `${server.origin}/then-moved/actor?x=1` })).toBe(401);
      expect(specs(server)).toEqual(['cavage 401', 'rfc9421 301', 'cavage 401']);
      return;
    }
    expect(await send({ url: `${server.origin}/then-moved/actor?x=1` })).toBe(200);
    expect(specs(server)).toEqual(['cavage 401', 'rfc9421 301', 'cavage 401', 'rfc9421 200']);
    expect(server.requests.map((r) => r.url)).toEqual(['/then-moved/actor?x=1', '/then-moved/actor?x=1', '/landing/actor?x=1', '/landing/actor?x=1']);
    // The hop that was accepted (200) taught the origin its spec.
    expect(await send({ url: `${server.origin}/landing/actor` })).toBe(200);
    expect(specs(server).slice(4)).toEqual(['rfc9421 200']);
  });

  test('double-knocking: with signCrossOriginRedirects, each hop is knocked on and remembered for its own origin', async () => {
    const from = fresh(servers.crossFrom);
    const to = fresh(servers.crossTarget);
    const send = client({ ...cavageFirst, signCrossOriginRedirects: true });
    expect(await send({ url: `${from.origin}/then-moved/a` })).toBe(200);
    expect(specs(from)).toEqual(['cavage 301']);
    expect(specs(to)).toEqual(['cavage 401', 'rfc9421 200']);
    expect(to.requests.map((r) => r.url)).toEqual(['/landing/a', '/landing/a']);
    // The draft-cavage origin keeps its spec; the RFC 9421 one is asked in RFC 9421 first.
    expect(await send({ url: `${from.origin}/then-moved/b` })).toBe(200);
    expect(specs(from)).toEqual(['cavage 301', 'cavage 301']);
    expect(specs(to)).toEqual(['cavage 401', 'rfc9421 200', 'rfc9421 200']);
  });

  test('double-knocking: the memory is per origin', async () => {
    const rfc = fresh(servers.rfc9421);
    const cavage = fresh(servers.cavage);
    const send = client(cavageFirst);
    expect(await send({ url: `${rfc.origin}/a` })).toBe(200);
    expect(await send({ url: `${cavage.origin}/a` })).toBe(200);
    expect(specs(rfc)).toEqual(['cavage 401', 'rfc9421 200']);
    expect(specs(cavage)).toEqual(['cavage 200']);
  });

  test('double-knocking: a remembered spec expires after ttl', async () => {
    const server = fresh(servers.rfc9421);
    let now = Date.UTC(2026, 11, 6);
    const send = client({ ...cavageFirst, doubleKnock: { ttl: 60, now: () => now } });
    await send({ url: `${server.origin}/a` });
    now += 59_000;
    await send({ url: `${server.origin}/a` });
    now += 2_000;
    expect(await send({ url: `${server.origin}/a` })).toBe(200);
    expect(specs(server)).toEqual(['cavage 401', 'rfc9421 200', 'rfc9421 200', 'cavage 401', 'rfc9421 200']);
  });

  test('double-knocking: the memory is bounded, the least recently used origin is forgotten first', async () => {
    const a = fresh(servers.rfc9421);
    const b = fresh(servers.rfc9421Other);
    const send = client({ ...cavageFirst, doubleKnock: { maxOrigins: 1 } });
    await send({ url: `${a.origin}/x` });
    await send({ url: `${b.origin}/x` });
    await send({ url: `${a.origin}/x` });
    expect(specs(a)).toEqual(['cavage 401', 'rfc9421 200', 'cavage 401', 'rfc9421 200']);
    expect(specs(b)).toEqual(['cavage 401', 'rfc9421 200']);
  });

  test('double-knocking: a POST with a string body is sent again with a fresh signature and digest over the same bytes', async () => {
    const server = fresh(servers.rfc9421);
    const body = JSON.stringify({ type: 'Follow', object: 'https://server.example/users/bob' });
    expect(await client(cavageFirst)({ method: 'POST', url: `${server.origin}/inbox`, body })).toBe(200);
    expect(specs(server)).toEqual(['cavage 401', 'rfc9421 200']);
    const [first, retry] = server.requests;
    expect(Buffer.from(first.body).toString()).toBe(body);
    expect(Buffer.from(retry.body).toString()).toBe(body);
    expect(first.headers.digest).toMatch(/^SHA-256=/);
    expect(retry.headers['content-digest']).toMatch(/^sha-256=:/);
    expect(retry.headers.digest).toBeUndefined();
  });

  test('double-knocking: a POST with a stream body is not sent twice; its 401 is the answer', async () => {
    const server = fresh(servers.rfc9421);
    expect(await client(cavageFirst)({ method: 'POST', url: `${server.origin}/inbox`, stream: '{"type":"Note"}' })).toBe(401);
    expect(specs(server)).toEqual(['cavage 401']);
    expect(Buffer.from(server.requests[0].body).toString()).toBe('{"type":"Note"}');
  });

  test('double-knocking: a 401 for another reason (an unknown key) gets one retry, never more, and nothing is remembered', async () => {
    const server = fresh(servers.either);
    const send = client({ ...cavageFirst, key: KNOCK_WRONG_KEY });
    expect(await send({ url: `${server.origin}/a` })).toBe(401);
    expect(await send({ url: `${server.origin}/a` })).toBe(401);
    expect(specs(server)).toEqual(['cavage 401', 'rfc9421 401', 'cavage 401', 'rfc9421 401']);
    expect(server.requests.map((r) => r.errorCode)).toEqual(['ERR_SIGNATURE_MISMATCH', 'ERR_SIGNATURE_MISMATCH', 'ERR_SIGNATURE_MISMATCH', 'ERR_SIGNATURE_MISMATCH']);
  });

  test('double-knocking: an Accept-Signature challenge is answered with RFC 9421 as it asks (components, nonce, tag)', async () => {
    const server = fresh(servers.challenge);
    expect(await client(cavageFirst)({ url: `${server.origin}/actor` })).toBe(200);
    expect(specs(server)).toEqual(['cavage 401', 'rfc9421 200']);
    expect(server.requests[1]?.headers['signature-input']).toMatch(/^sig1=\("@method" "@target-uri" "@authority" "content-digest"\);created=\d+;keyid="[^"]+";nonce="knock-nonce";tag="knock"$/);
  });

  test('double-knocking: a 401 with WWW-Authenticate: Signature names draft-cavage, and after a draft-cavage try it is not retried', async () => {
    const server = fresh(servers.cavageWithChallenge);
    expect(await client(rfc9421First)({ url: `${server.origin}/a` })).toBe(200);
    expect(await client({ ...cavageFirst, key: KNOCK_WRONG_KEY })({ url: `${server.origin}/a` })).toBe(401);
    expect(specs(server)).toEqual(['rfc9421 401', 'cavage 200', 'cavage 401']);
  });

  test('double-knocking: a hostile Accept-Signature (too large, malformed, another key) is refused with a typed error, nothing sent again', async () => {
    for (const [server, code] of [[servers.tooLarge, 'ERR_HEADER_TOO_LARGE'], [servers.malformed, 'ERR_MALFORMED_SIGNATURE'], [servers.otherKey, 'ERR_UNKNOWN_KEY']]) {
      fresh(server);
      await expect(client(cavageFirst)({ url: `${server.origin}/a` })).rejects.toMatchObject({ code });
      expect(server.requests).toHaveLength(1);
    }
  });
}
