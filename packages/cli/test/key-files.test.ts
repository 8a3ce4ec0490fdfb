// Files that hold keys and secrets: a verify key file must be a PEM key (an HMAC secret is named as one, with
// --secret-file), and a file holding a secret (HMAC secret, private key, password, TOTP seed, access key secret)
// is refused when group or others can access it, as ssh refuses an open private key. A public key may be public.
import { chmodSync } from 'node:fs';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSigningString, formatSignatureHeader } from '@httpsig/core/cavage';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, tempFile } from './helpers.js';

const OPEN_MODES = [0o644, 0o640, 0o604];
const secret = 'key-files-secret-0123456789';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const spkiBase64 = rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** A raw request signed with HMAC (`hs2019` = HMAC-SHA512 here) keyed by `key`, as a forger would make it. */
function hmacSigned(key: string, algorithm: 'hs2019' | 'hmac-sha256'): string {
  const request = { method: 'GET', url: '/items/', headers: { host: 'api.example.com', date: new Date().toUTCString() } };
  const names = ['(request-target)', 'host', 'date'];
  const mac = createHmac(algorithm === 'hs2019' ? 'sha512' : 'sha256', key).update(buildSigningString(request, names)).digest('base64');
  const authorization = formatSignatureHeader({ keyId: 'k', algorithm, headers: names, signature: mac });
  return `GET /items/ HTTP/1.1\nHost: api.example.com\nDate: ${request.headers.date}\nAuthorization: ${authorization}\n\n`;
}

describe('verify --key-file takes a PEM key only', () => {
  test.each([
    ['a public key as base64 DER (no armour)', spkiBase64],
    ['a public key as JWK text', JSON.stringify(rsa.publicKey.export({ format: 'jwk' }))],
    ['a plain secret', secret],
  ])('%s is refused: an HMAC keyed with it does not verify', async (_label, content) => {
    const file = tempFile('key', content);
    chmodSync(file, 0o644);
    const run = await httpsig(['verify', '--key-file', file, '-'], {}, hmacSigned(content, 'hs2019'));
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toContain(`The key file ${file} is not a PEM key`);
    expect(run.stderr).toContain('--secret-file');
    expect(run.stderr + run.stdout).not.toContain(content.slice(0, 24));
  });

  test('an HMAC secret is named with --secret-file: hs2019 then means HMAC-SHA512', async () => {
    const file = tempFile('secret', secret);
    const run = await httpsig(['verify', '--secret-file', file, '--algorithm', 'hs2019', '-'], {}, hmacSigned(secret, 'hs2019'));
    expect(run.stdout).toContain('OK: the signature verifies (keyId k, hs2019');
    expect(run.code).toBe(EXIT_CODES.OK);
  });

  test('sign with a secret and --algorithm hs2019 signs HMAC-SHA512; verify with the secret accepts it', async () => {
    const signed = await httpsig(['sign', '--json', '--key-id', 'k', '--algorithm', 'hs2019', '-H', 'Host: api.example.com', '/items/'], { HTTPSIG_SECRET: secret });
    expect(signed.code).toBe(EXIT_CODES.OK);
    const { headers } = JSON.parse(signed.stdout) as { headers: Record<string, string> };
    const raw = `GET /items/ HTTP/1.1\nHost: api.example.com\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`;
    const ok = await httpsig(['verify', '--algorithm', 'hs2019', '-'], { HTTPSIG_SECRET: secret }, raw);
    expect(ok.code).toBe(EXIT_CODES.OK);
  });
});

describe('files holding a secret must be private (mode 600)', () => {
  const request = ['-H', 'Host: api.example.com', '/items/'];
  const cases: Array<[string, string, (file: string) => string[], Record<string, string>]> = [
    ['sign --secret-file', secret, (file) => ['sign', '--key-id', 'k', '--secret-file', file, ...request], {}],
    ['sign --key-file (a private key)', privatePem, (file) => ['sign', '--key-id', 'k', '--key-file', file, '--algorithm', 'rsa-sha256', ...request], {}],
    ['verify --secret-file', secret, (file) => ['verify', '--secret-file', file, '-'], {}],
    ['verify --key-file (a private key)', privatePem, (file) => ['verify', '--key-file', file, '-'], {}],
  ];

  test.each(cases)('%s: 644, 640 and 604 are refused, naming the file; 600 is read', async (_label, content, argsFor, env) => {
    const file = tempFile('secret-file', content);
    for (const mode of OPEN_MODES) {
      chmodSync(file, mode);
      const run = await httpsig(argsFor(file), env, hmacSigned(secret, 'hmac-sha256'));
      expect([mode.toString(8), run.code]).toEqual([mode.toString(8), EXIT_CODES.USAGE]);
      expect(run.stderr).toContain(`${file} holds a secret and other users can access it: run chmod 600 ${file}`);
      expect(run.stderr).not.toContain(content.slice(0, 24));
    }
    chmodSync(file, 0o600);
    const run = await httpsig(argsFor(file), env, hmacSigned(secret, 'hmac-sha256'));
    expect(run.stderr).not.toContain('chmod');
    expect(run.code).not.toBe(EXIT_CODES.USAGE);
  });

  test('a public key file may be readable by everyone', async () => {
    const file = tempFile('key.pub.pem', publicPem);
    chmodSync(file, 0o644);
    const run = await httpsig(['verify', '--key-file', file, '--algorithm', 'rsa-sha256', '-'], {}, hmacSigned(secret, 'hmac-sha256'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
  });

  describe('jumpserver', () => {
    let url: string;
    const server = createServer((_req, res) => { res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"no"}'); });
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => { await new Promise<void>((resolve) => server.close(() => resolve())); });

    const jmsCases: Array<[string, (file: string) => { args: string[]; env: Record<string, string> }]> = [
      ['login --password-file', (file) => ({ args: ['jumpserver', 'login', '--url', url, '--username', 'u', '--password-file', file], env: {} })],
      ['login --totp-secret-file', (file) => ({ args: ['jumpserver', 'login', '--url', url, '--username', 'u', '--totp-secret-file', file], env: { JMS_PASSWORD: 'p' } })],
      ['api with JMS_ACCESS_KEY_SECRET_FILE', (file) => ({ args: ['jumpserver', 'api', 'GET', '/api/v1/users/profile/'], env: { JMS_URL: url, JMS_ACCESS_KEY_ID: 'ak', JMS_ACCESS_KEY_SECRET_FILE: file } })],
      ['api with the config field accessKeySecretFile', (file) => {
        const config = tempFile('config.json', JSON.stringify({ url, accessKeyId: 'ak', accessKeySecretFile: file }));
        return { args: ['jumpserver', 'api', '--config', config, 'GET', '/api/v1/users/profile/'], env: {} };
      }],
    ];

    test.each(jmsCases)('%s: 644, 640 and 604 are refused before anything is sent; 600 is read', async (_label, make) => {
      const file = tempFile('jms-secret', 'JBSWY3DPEHPK3PXP');
      for (const mode of OPEN_MODES) {
        chmodSync(file, mode);
        const { args, env } = make(file);
        const run = await httpsig(args, env);
        expect([mode.toString(8), run.code]).toEqual([mode.toString(8), EXIT_CODES.USAGE]);
        expect(run.stderr).toContain(`run chmod 600 ${file}`);
        expect(run.stderr).not.toContain('JBSWY3DPEHPK3PXP');
      }
      chmodSync(file, 0o600);
      const { args, env } = make(file);
      const run = await httpsig(args, env);
      expect(run.stderr).not.toContain('chmod');
      expect(run.code).toBe(EXIT_CODES.AUTH_FAILED);
    });
  });
});
