import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { sign } from '@httpsig/core';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, tempFile } from './helpers.js';

const python = process.env['HTTPSIG_PYTHON'] ?? '/usr/bin/python3';
const secret = 'verify-secret-0123456789';
const env = { HTTPSIG_SECRET: secret };

/** A raw request signed by Python httpsig (JumpServer's library), the way its requests auth does it. */
function pythonSignedRequest(date: string): string {
  const script = `
import sys
from httpsig.sign import HeaderSigner
headers = {"Host": "jms.example.com", "Accept": "application/json", "Date": sys.argv[1]}
signed = HeaderSigner("py-key", "${secret}", algorithm="hmac-sha256", headers=["(request-target)", "accept", "date"]).sign(headers, method="GET", path="/api/v1/users/users/?limit=10")
lines = ["GET /api/v1/users/users/?limit=10 HTTP/1.1"] + ["%s: %s" % (k, v) for k, v in signed.items()]
sys.stdout.write("\\r\\n".join(lines) + "\\r\\n\\r\\n")
`;
  return execFileSync(python, ['-c', script, date], { encoding: 'utf8' });
}

async function coreSignedRequest(options: { path: string; body?: string; headers?: string[]; date?: string }): Promise<string> {
  const headers: Record<string, string> = { host: 'jms.example.com', date: options.date ?? new Date().toUTCString(), 'content-type': 'application/json' };
  const result = await sign(
    { method: 'POST', url: options.path, headers },
    { keyId: 'core-key', key: secret, algorithm: 'hmac-sha256', headers: options.headers ?? ['(request-target)', 'host', 'date', 'digest'], body: options.body ?? '', digest: 'SHA-256' },
  );
  const all = { ...headers, ...result.headers };
  return `POST ${options.path} HTTP/1.1\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${options.body ?? ''}`;
}

describe('httpsig verify', () => {
  test('a request signed by Python httpsig verifies (file argument)', async () => {
    const file = tempFile('req.http', pythonSignedRequest(new Date().toUTCString()));
    const run = await httpsig(['verify', file], env);
    expect(run.stdout).toBe('OK: the signature verifies (keyId py-key, hmac-sha256, headers "(request-target) accept date")\n');
    expect(run.code).toBe(EXIT_CODES.OK);
  });

  test('from stdin, with a body covered by a digest, --json', async () => {
    const raw = await coreSignedRequest({ path: '/api/v1/assets/assets/', body: '{"name":"web-99"}' });
    const run = await httpsig(['verify', '--json', '-'], env, raw);
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, keyId: 'core-key', headers: ['(request-target)', 'host', 'date', 'digest'] });
  });

  test('a changed path: exit 3, the exact signing string and the likely cause', async () => {
    const raw = pythonSignedRequest(new Date().toUTCString()).replace('GET /api/v1/users/users/?limit=10', 'GET /api/v1/users/users?limit=10');
    const run = await httpsig(['verify'], env, raw);
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(run.stdout).toContain('FAILED: ERR_SIGNATURE_MISMATCH');
    expect(run.stdout).toMatch(/Signing string this request gives \(compare with the signer's\):\n\(request-target\): get \/api\/v1\/users\/users\?limit=10\naccept: application\/json\ndate: .+ GMT\n/);
    expect(run.stdout).toContain('no trailing slash');
    expect(run.stdout).not.toContain(secret);
  });

  test('a target with a fragment after what was signed: ERR_MALFORMED_REQUEST, with its likely cause', async () => {
    const signed = await coreSignedRequest({ path: '/pay' });
    const file = tempFile('fragment.http', signed.replace('POST /pay HTTP/1.1', 'POST /pay#&amount=1000 HTTP/1.1'));
    const run = await httpsig(['verify', '--json', file], env);
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
    const out = JSON.parse(run.stdout) as { ok: boolean; code: string; cause: string };
    expect(out).toMatchObject({ ok: false, code: 'ERR_MALFORMED_REQUEST' });
    expect(out.cause).toContain('a fragment');
  });

  test('a wrong secret: ERR_SIGNATURE_MISMATCH', async () => {
    const file = tempFile('req.http', pythonSignedRequest(new Date().toUTCString()));
    const secretFile = tempFile('secret', 'another-secret\n');
    const run = await httpsig(['verify', '--secret-file', secretFile, '--json', file]);
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
    const out = JSON.parse(run.stdout) as { ok: boolean; code: string; signingString: string; cause: string };
    expect(out).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_MISMATCH' });
    expect(out.cause).toContain('secret');
  });

  test('an old capture: expired, unless --jumpserver (JumpServer ignores Date) or --now', async () => {
    const date = 'Mon, 17 Feb 2014 06:11:05 GMT';
    const file = tempFile('old.http', pythonSignedRequest(date));
    const expired = await httpsig(['verify', file], env);
    expect(expired.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(expired.stdout).toContain('ERR_SIGNATURE_EXPIRED');
    expect(expired.stdout).toContain('--now');
    expect((await httpsig(['verify', '--jumpserver', file], env)).code).toBe(EXIT_CODES.OK);
    expect((await httpsig(['verify', '--now', date, file], env)).code).toBe(EXIT_CODES.OK);
    expect((await httpsig(['verify', '--now', '1392617465', file], env)).code).toBe(EXIT_CODES.OK);
  });

  test('a changed body: ERR_DIGEST_MISMATCH', async () => {
    const raw = (await coreSignedRequest({ path: '/api/v1/assets/assets/', body: '{"name":"a"}' })).replace('{"name":"a"}', '{"name":"b"}');
    const run = await httpsig(['verify', '-'], env, raw);
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(run.stdout).toContain('ERR_DIGEST_MISMATCH');
  });

  test('a signed header that was removed: ERR_MISSING_HEADER with the JumpServer 500 explanation', async () => {
    const raw = (await coreSignedRequest({ path: '/api/v1/x/', headers: ['(request-target)', 'date', 'content-type'] }))
      .split('\n').filter((line) => !line.startsWith('content-type:')).join('\n');
    const run = await httpsig(['verify', '-'], env, raw);
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(run.stdout).toContain('ERR_MISSING_HEADER');
    expect(run.stdout).toContain('500');
  });

  test('date not signed: ERR_HEADER_NOT_SIGNED', async () => {
    const raw = await coreSignedRequest({ path: '/api/v1/x/', headers: ['(request-target)', 'host'] });
    const run = await httpsig(['verify', '-'], env, raw);
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(run.stdout).toContain('ERR_HEADER_NOT_SIGNED');
  });

  test('--key-id other than the signature\'s: ERR_UNKNOWN_KEY', async () => {
    const run = await httpsig(['verify', '--key-id', 'someone-else', '-'], env, pythonSignedRequest(new Date().toUTCString()));
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(run.stdout).toContain('ERR_UNKNOWN_KEY');
  });

  test('no signature at all: ERR_SIGNATURE_MISSING', async () => {
    const run = await httpsig(['verify', '-'], env, 'GET /api/v1/x/ HTTP/1.1\nHost: a\nX-Api-Key: abc\n\n');
    expect(run.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(run.stdout).toContain('ERR_SIGNATURE_MISSING');
  });

  test('usage errors: no key, unreadable file, not an HTTP request', async () => {
    expect((await httpsig(['verify', '-'], {}, 'GET / HTTP/1.1\n\n')).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['verify', '/nonexistent/file'], env)).code).toBe(EXIT_CODES.USAGE);
    const garbage = await httpsig(['verify', '-'], env, 'hello world\n\n');
    expect(garbage.code).toBe(EXIT_CODES.USAGE);
    expect(garbage.stderr).toContain('request line');
  });

  test('asymmetric keys: sign --key-file with a private key, verify --key-file with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateFile = tempFile('key.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const publicFile = tempFile('key.pub.pem', publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const signed = await httpsig(['sign', '--json', '--key-id', 'rsa-key', '--key-file', privateFile, '--algorithm', 'rsa-sha256',
      '-H', 'Host: api.example.com', '/items/?a=1']);
    expect(signed.code).toBe(EXIT_CODES.OK);
    const { headers } = JSON.parse(signed.stdout) as { headers: Record<string, string> };
    const raw = `GET /items/?a=1 HTTP/1.1\nHost: api.example.com\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`;
    const ok = await httpsig(['verify', '--key-file', publicFile, '--algorithm', 'rsa-sha256', '-'], {}, raw);
    expect(ok.stdout).toContain('OK: the signature verifies (keyId rsa-key, rsa-sha256');
    expect(ok.code).toBe(EXIT_CODES.OK);
    const wrongAlgorithm = await httpsig(['verify', '--key-file', publicFile, '--algorithm', 'hmac-sha256', '-'], {}, raw);
    expect(wrongAlgorithm.code).toBe(EXIT_CODES.VERIFY_FAILED);
    expect(wrongAlgorithm.stdout).toContain('ERR_ALGORITHM_NOT_ALLOWED');
  });

  test('--secret-env names the variable holding the secret', async () => {
    const raw = pythonSignedRequest(new Date().toUTCString());
    expect((await httpsig(['verify', '--secret-env', 'MY_JMS_SECRET', '-'], { MY_JMS_SECRET: secret }, raw)).code).toBe(EXIT_CODES.OK);
    expect((await httpsig(['verify', '--secret-env', 'MY_JMS_SECRET', '-'], env, raw)).code).toBe(EXIT_CODES.USAGE);
  });
});
