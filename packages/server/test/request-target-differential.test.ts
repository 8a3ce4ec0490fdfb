// Differential: what each framework's route reads from a request (method, path, query parameters as the framework
// parses them, host) against what was verified, over raw HTTP/1.1 requests (node:net) with hostile targets and
// Hosts, for draft-cavage and RFC 9421. Each request is either refused (400/401), or verified and read by the route
// exactly as the route reads a clean request of what the signer signed.
import { SERVER_KINDS, startViewServer, type Running, type ViewAnswer } from './support/servers.js';
import { handOptions, handSign, rawSend, type Answer } from './support/helpers.js';

/** One hostile request: what the signer signed, and what is sent with that signature. */
interface Case {
  name: string;
  /** The target and Host the signer signed (`{host}` is the server's `127.0.0.1:port`). */
  signed: { target: string; host: string };
  /** The request line's target and the Host header lines sent (default: what was signed). */
  sent?: { target?: string; hosts?: string[]; method?: string };
  /** Only these outcomes are right (default: refused or covered). */
  expect?: 'refused';
}

const CASES: Case[] = [
  { name: 'a fragment hiding a query', signed: { target: '/pay', host: '{host}' }, sent: { target: '/pay#&amount=1000' }, expect: 'refused' },
  { name: 'a "?" inside a fragment', signed: { target: '/pay', host: '{host}' }, sent: { target: '/pay#?amount=1000' }, expect: 'refused' },
  { name: 'a fragment after the query', signed: { target: '/pay?to=bob', host: '{host}' }, sent: { target: '/pay?to=bob#&amount=1000' }, expect: 'refused' },
  { name: 'a fragment, signed as sent', signed: { target: '/pay#&amount=1000', host: '{host}' }, expect: 'refused' },
  { name: 'an encoded "#" (%23)', signed: { target: '/pay%23&amount=1000', host: '{host}' } },
  { name: 'an encoded "?" (%3F)', signed: { target: '/pay%3Famount=1000', host: '{host}' } },
  { name: 'encoded separators in the query', signed: { target: '/pay?to=bob%26amount%3D1000', host: '{host}' } },
  { name: 'a leading double slash', signed: { target: '//evil.example/pay', host: '{host}' }, expect: 'refused' },
  { name: 'a double slash inside the path', signed: { target: '/pay//x?a=1', host: '{host}' } },
  { name: 'a backslash', signed: { target: '/pay\\..\\admin', host: '{host}' }, expect: 'refused' },
  { name: 'an absolute-form target for another authority', signed: { target: '/pay', host: '{host}' }, sent: { target: 'http://bank.example/pay' }, expect: 'refused' },
  { name: 'an absolute-form target for another authority, signed for it', signed: { target: '/pay', host: 'bank.example' }, sent: { target: 'http://bank.example/pay', hosts: ['{host}'] }, expect: 'refused' },
  { name: 'an absolute-form target for this authority', signed: { target: '/pay?to=bob', host: '{host}' }, sent: { target: 'http://{host}/pay?to=bob' } },
  { name: 'a Host with userinfo', signed: { target: '/pay', host: '{host}' }, sent: { hosts: ['evil.example:1@{host}'] }, expect: 'refused' },
  { name: 'a Host with userinfo, signed as sent', signed: { target: '/pay', host: 'evil.example:1@{host}' }, expect: 'refused' },
  { name: 'an IPv6 literal Host', signed: { target: '/pay?a=1', host: '[::1]:8080' } },
  { name: 'an IPv6 literal Host without a port', signed: { target: '/pay', host: '[2001:db8::1]' } },
  { name: 'another port', signed: { target: '/pay', host: '127.0.0.1:8443' } },
  { name: 'a trailing dot', signed: { target: '/pay', host: 'api.example.com.' } },
  { name: 'an empty port', signed: { target: '/pay', host: 'api.example.com:' }, sent: { hosts: ['api.example.com:'] } },
  { name: 'two Host headers', signed: { target: '/pay', host: '{host}' }, sent: { hosts: ['{host}', 'evil.example'] }, expect: 'refused' },
  { name: 'a Host with a space', signed: { target: '/pay', host: 'evil.example {host}' }, expect: 'refused' },
  { name: 'a non-breaking space after the Host', signed: { target: '/pay', host: '{host}' }, sent: { hosts: ['{host}\u00a0'] }, expect: 'refused' },
  { name: 'a non-breaking space after the Host, signed as sent', signed: { target: '/pay', host: '{host}\u00a0' }, expect: 'refused' },
  { name: 'a Host with a comma', signed: { target: '/pay', host: 'evil.example,{host}' }, expect: 'refused' },
  { name: 'a tab in the target', signed: { target: '/pay\t?amount=1000', host: '{host}' }, expect: 'refused' },
  { name: 'a space-separated extra in the target', signed: { target: '/pay', host: '{host}' }, sent: { target: '/pay ?amount=1000' }, expect: 'refused' },
  { name: 'non-ASCII bytes in the path', signed: { target: '/caf\u00c3\u00a9', host: '{host}' }, expect: 'refused' },
  { name: 'non-ASCII bytes in the query', signed: { target: '/pay?to=\u00ff', host: '{host}' }, expect: 'refused' },
  { name: 'a bare "%"', signed: { target: '/pay?amount=%zz1000', host: '{host}' }, expect: 'refused' },
  { name: 'dot segments', signed: { target: '/public/../admin?x=1', host: '{host}' } },
  { name: 'encoded dot segments', signed: { target: '/public/%2e%2e/admin', host: '{host}' } },
  { name: '";" path parameters', signed: { target: '/pay;amount=1000?to=bob', host: '{host}' } },
  { name: 'repeated and bracketed query names', signed: { target: '/pay?a=1&a=2&b[]=3&c[x]=4', host: '{host}' } },
  { name: 'braces, pipe, caret and backtick in the query (sent raw by browsers)', signed: { target: '/pay?f={a}|b^`c`', host: '{host}' } },
  { name: 'braces in the path', signed: { target: '/pay/{id}', host: '{host}' }, expect: 'refused' },
  { name: 'a "+" and encoded spaces in the query', signed: { target: '/pay?to=a+b%20c', host: '{host}' } },
  { name: 'an empty query', signed: { target: '/pay?', host: '{host}' } },
  { name: 'an authority-form target on GET', signed: { target: '/pay', host: '{host}' }, sent: { target: '{host}' }, expect: 'refused' },
  { name: 'the asterisk form on GET', signed: { target: '/pay', host: '{host}' }, sent: { target: '*' }, expect: 'refused' },
];

function requestBytes(method: string, target: string, hosts: readonly string[], headers: Record<string, string>): string {
  const lines = [`${method} ${target} HTTP/1.1`, ...hosts.map((host) => `Host: ${host}`)];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push('Connection: close', '', '');
  return lines.join('\r\n');
}

describe.each(SERVER_KINDS)('%s', (kind) => {
  describe.each(['cavage', 'rfc9421'] as const)('%s', (scheme) => {
    let server: Running;
    let host: string;
    beforeAll(async () => {
      server = await startViewServer(kind, handOptions(scheme));
      host = new URL(server.url).host;
    });
    afterAll(async () => { await server.close(); });

    /** Signs `signed`, sends it as `sent`. */
    const send = (signed: { target: string; host: string }, sent: { target: string; hosts: string[]; method: string }): Promise<Answer> => {
      const headers = handSign({ scheme, method: sent.method, target: signed.target, host: signed.host });
      return rawSend(server.url, requestBytes(sent.method, sent.target, sent.hosts, headers));
    };

    test.each(CASES)('$name', async (c) => {
      const fill = (text: string): string => text.replaceAll('{host}', host);
      const signed = { target: fill(c.signed.target), host: fill(c.signed.host) };
      const method = c.sent?.method ?? 'GET';
      const sent = { method, target: fill(c.sent?.target ?? c.signed.target), hosts: (c.sent?.hosts ?? [c.signed.host]).map(fill) };
      const answer = await send(signed, sent);
      expect({ status: answer.status, body: answer.text }).toEqual({ status: expect.any(Number), body: expect.any(String) });
      if (c.expect === 'refused' || answer.status !== 200) {
        expect([400, 401]).toContain(answer.status);
        return;
      }
      // Verified: the route must read the request exactly as it reads a clean request of what was signed.
      const control = await send(signed, { method, target: signed.target, hosts: [signed.host] });
      expect(control.status).toBe(200);
      const hostile = answer.json as unknown as ViewAnswer;
      const clean = control.json as unknown as ViewAnswer;
      expect(hostile.view).toEqual(clean.view);
      expect(hostile.verified.replace(/\d{10}/g, 'T').replace(/date: .*/, 'date')).toEqual(clean.verified.replace(/\d{10}/g, 'T').replace(/date: .*/, 'date'));
    });

    test('every case that is not meant to be refused verifies as sent (a web runtime resolves dot segments first)', async () => {
      const fill = (text: string): string => text.replaceAll('{host}', host);
      const refused: string[] = [];
      for (const c of CASES.filter((x) => x.expect === undefined && x.sent === undefined)) {
        const signed = { target: fill(c.signed.target), host: fill(c.signed.host) };
        const answer = await send(signed, { method: 'GET', target: signed.target, hosts: [signed.host] });
        if (answer.status !== 200) refused.push(`${c.name}: ${answer.status} ${answer.text}`);
      }
      // new URL() turns /public/../admin into /admin before the verifier sees it: that signature cannot verify there.
      expect(refused).toEqual(kind === 'fetch' ? [
        `dot segments: 401 ${JSON.stringify({ code: 'ERR_SIGNATURE_MISMATCH', message: 'The signature does not match the request' })}`,
        `encoded dot segments: 401 ${JSON.stringify({ code: 'ERR_SIGNATURE_MISMATCH', message: 'The signature does not match the request' })}`,
      ] : []);
    });
  });
});
