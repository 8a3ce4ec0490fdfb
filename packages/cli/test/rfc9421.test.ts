// RFC 9421 from the shell: sign, explain, request and verify with --scheme rfc9421, checked by core's verifier
// on a real loopback server and by the CLI's own verify on the raw request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { verifyRfc9421 } from '@httpsig/core/rfc9421';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, tempFile } from './helpers.js';

const SECRET = 'rfc9421-cli-secret-0123456789abcdef';
const env = { HTTPSIG_KEY_ID: 'k9421', HTTPSIG_SECRET: SECRET };

let server: Server;
let origin: string;
const verdicts: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      verifyRfc9421({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers as Record<string, string> }, {
        keyLookup: (keyId) => (keyId === 'k9421' ? { key: SECRET, algorithms: ['hmac-sha256'] } : null),
        body: Buffer.concat(chunks),
      }).then((result) => {
        verdicts.push(`ok ${result.label} ${result.components.join(' ')}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }, (error: { code?: string }) => {
        verdicts.push(`fail ${String(error.code)}`);
        res.writeHead(401).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function rawRequest(method: string, url: string, headers: Record<string, string>, body = ''): string {
  const parsed = new URL(url);
  const lines = [`${method} ${parsed.pathname}${parsed.search} HTTP/1.1`, `Host: ${parsed.host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

describe('httpsig sign/request/verify/explain --scheme rfc9421', () => {
  test('request: core verifies the Signature-Input/Signature pair, label and components as given', async () => {
    verdicts.length = 0;
    const run = await httpsig(['request', '--scheme', 'rfc9421', '--label', 'cli', '--components', '@method @authority @path @query content-digest',
      '--digest', 'SHA-256', '-X', 'POST', '--data', '{"a":1}', `${origin}/items/?id=7`], env);
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(verdicts).toEqual(['ok cli "@method" "@authority" "@path" "@query" "content-digest"']);
  });

  test('sign --json then verify the raw request; a changed path fails with the signature base explained', async () => {
    const signed = await httpsig(['sign', '--scheme', 'rfc9421', '--json', '--tag', 'app', 'https://api.example.com/v1/things?x=1'], env);
    expect(signed.code).toBe(EXIT_CODES.OK);
    const { headers, signingString } = JSON.parse(signed.stdout) as { headers: Record<string, string>; signingString: string };
    expect(headers['signature-input']).toMatch(/^sig1=\("@method" "@authority" "@path" "@query"\);created=\d+;keyid="k9421";tag="app"$/);
    expect(signingString).toContain('"@authority": api.example.com');
    const ok = await httpsig(['verify', '--tag', 'app', '--https', '-'], env, rawRequest('GET', 'https://api.example.com/v1/things?x=1', headers));
    expect(ok.stdout).toMatch(/^OK: the RFC 9421 signature sig1 verifies \(keyid k9421, hmac-sha256/);
    expect(ok.code).toBe(EXIT_CODES.OK);
    const bad = await httpsig(['verify', '--scheme', 'rfc9421', '-'], env, rawRequest('GET', 'https://api.example.com/v1/other?x=1', headers));
    expect(bad.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(bad.stdout).toMatch(/ERR_SIGNATURE_MISMATCH/);
    expect(bad.stdout).not.toContain(SECRET);
  });

  test('an Ed25519 key file: verify needs the algorithm named, then checks with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = tempFile('ed.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const pubFile = tempFile('ed.pub.pem', publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const signed = await httpsig(['sign', '--scheme', 'rfc9421', '--algorithm', 'ed25519', '--key-file', keyFile, '--key-id', 'ed', '--json', 'http://example.com/p'], {});
    expect(signed.code).toBe(EXIT_CODES.OK);
    const { headers } = JSON.parse(signed.stdout) as { headers: Record<string, string> };
    const raw = rawRequest('GET', 'http://example.com/p', headers);
    const unnamed = await httpsig(['verify', '--key-file', pubFile, '-'], {}, raw);
    expect(unnamed.code).toBe(EXIT_CODES.USAGE);
    expect(unnamed.stderr).toMatch(/--algorithm/);
    const named = await httpsig(['verify', '--key-file', pubFile, '--algorithm', 'ed25519', '-'], {}, raw);
    expect(named.code).toBe(EXIT_CODES.OK);
  });

  test('explain shows the signature base and both fields, with or without a key', async () => {
    const withKey = await httpsig(['explain', '--scheme', 'rfc9421', '--components', '@method @target-uri', 'https://example.com/a?b=c'], env);
    expect(withKey.stdout).toMatch(/"@method": GET\n"@target-uri": https:\/\/example\.com\/a\?b=c\n"@signature-params": \("@method" "@target-uri"\);created=\d+;keyid="k9421"/);
    expect(withKey.stdout).toMatch(/Signature: sig1=:[A-Za-z0-9+/=]+:/);
    const noKey = await httpsig(['explain', '--scheme', 'rfc9421', '--key-id', 'k', 'https://example.com/a'], {});
    expect(noKey.code).toBe(EXIT_CODES.OK);
    expect(noKey.stdout).toMatch(/Signature-Input: sig1=\("@method" "@authority" "@path"\);created=\d+;keyid="k"\nSignature: sig1=:…:/);
  });

  test('usage errors: RFC 9421 options without the scheme, --headers or --jumpserver with it, a bad algorithm', async () => {
    const cases = [
      ['sign', '--components', '@method', 'http://e.com/'],
      ['sign', '--scheme', 'rfc9421', '--headers', 'date', 'http://e.com/'],
      ['sign', '--scheme', 'rfc9421', '--jumpserver', 'http://e.com/'],
      ['sign', '--scheme', 'rfc9421', '--algorithm', 'hs2019', 'http://e.com/'],
      ['sign', '--scheme', 'rfc9421', '--components', '"@query-param;name=x', 'http://e.com/'],
      ['verify', '--label', 'x', '-'],
    ];
    for (const args of cases) {
      const run = await httpsig(args, env, 'GET / HTTP/1.1\r\nHost: e.com\r\n\r\n');
      expect([args.join(' '), run.code]).toEqual([args.join(' '), EXIT_CODES.USAGE]);
    }
  });
});
