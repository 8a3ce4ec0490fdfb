// Signing as a bot from the shell (--web-bot-auth): `sign` prints headers core verifies under the Web Bot Auth
// policy, `request` sends a request a loopback server verifies, `explain` shows the base; and the options the
// preset fixes are usage errors.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { keyThumbprint } from '@httpsig/core';
import { verifyRfc9421, type Rfc9421KeyLookup } from '@httpsig/core/rfc9421';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, tempFile } from './helpers.js';

const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ED_FILE = tempFile('bot.pem', ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
const RSA_FILE = tempFile('bot-rsa.pem', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
const AGENT = 'https://bot.example';
let lookup: Rfc9421KeyLookup;

let server: Server;
let origin: string;
const verdicts: string[] = [];
beforeAll(async () => {
  const keys = new Map([
    [await keyThumbprint(ed.publicKey), { key: ed.publicKey, algorithms: ['ed25519' as const] }],
    [await keyThumbprint(rsa.publicKey), { key: rsa.publicKey, algorithms: ['rsa-pss-sha512' as const] }],
  ]);
  lookup = (keyId) => keys.get(keyId as string);
  server = createServer((req, res) => {
    verifyRfc9421({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers as Record<string, string> }, {
      keyLookup: lookup, tag: 'web-bot-auth', requiredComponents: ['@authority', '"signature-agent";key="sig1"'],
      requiredParameters: ['created', 'expires', 'keyid'],
    }).then((result) => {
      verdicts.push(`ok ${result.algorithm} ${result.components.join(' ')}`);
      res.writeHead(200).end('welcome, bot');
    }, (error: { code?: string }) => {
      verdicts.push(`fail ${String(error.code)}`);
      res.writeHead(401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('httpsig --web-bot-auth', () => {
  test('sign prints Signature-Agent, Signature-Input and Signature that core verifies; keyid is the thumbprint', async () => {
    const run = await httpsig(['sign', '--web-bot-auth', '--key-file', ED_FILE, '--signature-agent', AGENT, '--random-nonce', '--json', 'https://news.example/today'], {});
    expect([run.code, run.stderr]).toEqual([EXIT_CODES.OK, '']);
    const { headers } = JSON.parse(run.stdout) as { headers: Record<string, string> };
    expect(headers['signature-agent']).toBe(`sig1="${AGENT}"`);
    expect(headers['signature-input']).toContain(`keyid="${await keyThumbprint(ed.publicKey)}"`);
    expect(headers['signature-input']).toMatch(/;created=(\d+);keyid="[^"]+";alg="ed25519";expires=\d+;nonce="[A-Za-z0-9+/=]{88}";tag="web-bot-auth"$/);
    const result = await verifyRfc9421({ method: 'GET', url: 'https://news.example/today', headers: { host: 'news.example', ...headers } }, {
      keyLookup: lookup, tag: 'web-bot-auth', requiredComponents: ['@authority', '"signature-agent";key="sig1"'],
    });
    expect(result.components).toEqual(['"@authority"', '"signature-agent";key="sig1"']);
  });

  test('request sends a signed request (RSA key: rsa-pss-sha512) that the server verifies', async () => {
    const run = await httpsig(['request', '--web-bot-auth', '--key-file', RSA_FILE, '--signature-agent', AGENT, `${origin}/feed`], {});
    expect([run.code, run.stdout]).toEqual([EXIT_CODES.OK, 'welcome, bot\n']);
    expect(verdicts.at(-1)).toBe('ok rsa-pss-sha512 "@authority" "signature-agent";key="sig1"');
  });

  test('the legacy String form and extra components', async () => {
    const run = await httpsig(['sign', '--web-bot-auth', '--key-file', ED_FILE, '--signature-agent', AGENT, '--signature-agent-form', 'string',
      '--components', '@method @authority @path', '--expires', '60', '--json', 'https://news.example/a'], {});
    const { headers, signingString } = JSON.parse(run.stdout) as { headers: Record<string, string>; signingString: string };
    expect(headers['signature-agent']).toBe(`"${AGENT}"`);
    expect(signingString.split('\n').slice(0, 4)).toEqual(['"@method": GET', '"@authority": news.example', '"@path": /a', `"signature-agent": "${AGENT}"`]);
    const [, created, expires] = /created=(\d+);.*expires=(\d+)/.exec(headers['signature-input'] as string) ?? [];
    expect(Number(expires) - Number(created)).toBe(60);
  });

  test('explain shows the bot\'s signature base', async () => {
    const run = await httpsig(['explain', '--web-bot-auth', '--key-file', ED_FILE, '--signature-agent', AGENT, 'https://news.example/'], {});
    expect(run.stdout).toContain(`"signature-agent";key="sig1": "${AGENT}"`);
  });

  test.each([
    ['--key-id (the keyid is the thumbprint)', ['--key-file', ED_FILE, '--key-id', 'k']],
    ['no key file', []],
    ['an HMAC secret', ['--secret-env', 'S']],
    ['an http Signature-Agent', ['--key-file', ED_FILE, '--signature-agent', 'http://bot.example']],
    ['--nonce with --random-nonce', ['--key-file', ED_FILE, '--nonce', 'n', '--random-nonce']],
    ['--tag', ['--key-file', ED_FILE, '--tag', 'other']],
  ])('refuses %s', async (_name, extra) => {
    const run = await httpsig(['sign', '--web-bot-auth', ...extra, 'https://news.example/'], { S: 'secret' });
    expect(run.code).toBe(EXIT_CODES.USAGE);
  });

  test('the Web Bot Auth options need --web-bot-auth', async () => {
    const run = await httpsig(['sign', '--key-id', 'k', '--signature-agent', AGENT, 'https://news.example/'], { HTTPSIG_SECRET: 's' });
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toContain('--web-bot-auth');
  });
});
