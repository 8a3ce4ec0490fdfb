import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMULATOR_ACCESS_KEY } from '@httpsig/jumpserver/emulator';
import { EXIT_CODES } from '../src/index.js';
import { httpsig, tempFile, useEmulator } from './helpers.js';

const emulator = useEmulator();

const key = { HTTPSIG_KEY_ID: EMULATOR_ACCESS_KEY.keyId, HTTPSIG_SECRET: EMULATOR_ACCESS_KEY.secret };

describe('help and usage', () => {
  test.each([
    [[], 'Usage: httpsig <command>'],
    [['--help'], 'Usage: httpsig <command>'],
    [['sign', '--help'], 'Usage: httpsig sign'],
    [['request', '--help'], 'Usage: httpsig request'],
    [['explain', '--help'], 'Usage: httpsig explain'],
    [['verify', '--help'], 'Usage: httpsig verify'],
    [['jumpserver', '--help'], 'Usage: httpsig jumpserver <command>'],
    [['jumpserver', 'login', '--help'], 'Usage: httpsig jumpserver login'],
    [['jumpserver', 'api', '--help'], 'Usage: httpsig jumpserver api'],
  ])('httpsig %j prints its help', async (args, expected) => {
    const run = await httpsig(args);
    expect(run.stdout).toContain(expected);
    expect(run.code).toBe(args.length === 0 ? EXIT_CODES.USAGE : EXIT_CODES.OK);
  });

  test('the main help documents the exit codes', async () => {
    const run = await httpsig(['--help']);
    for (const code of [0, 1, 2, 3, 4, 5]) expect(run.stdout).toMatch(new RegExp(`\\b${code}  `));
  });

  test('unknown command, unknown option and a missing URL are usage errors (2)', async () => {
    expect((await httpsig(['frobnicate'])).code).toBe(EXIT_CODES.USAGE);
    const option = await httpsig(['sign', '--secret', 'x', 'http://a/']);
    expect(option.code).toBe(EXIT_CODES.USAGE);
    expect(option.stderr).toContain('httpsig sign --help');
    expect((await httpsig(['sign'], key)).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['jumpserver', 'nope'])).code).toBe(EXIT_CODES.USAGE);
    expect((await httpsig(['jumpserver'])).code).toBe(EXIT_CODES.USAGE);
  });

  test('no secret and no terminal: usage error naming the environment variable', async () => {
    const run = await httpsig(['sign', '--key-id', 'k', 'http://example.com/']);
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toContain('HTTPSIG_SECRET');
  });
});

describe('httpsig sign', () => {
  test('prints the headers; sending them is accepted by JumpServer', async () => {
    const url = `${emulator.url}/api/v1/echo/sign/?a=1`;
    const run = await httpsig(['sign', '--jumpserver', url], key);
    expect(run.code).toBe(0);
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const line of run.stdout.trim().split('\n')) {
      const at = line.indexOf(': ');
      headers[line.slice(0, at)] = line.slice(at + 2);
    }
    expect(Object.keys(headers).sort()).toEqual(['accept', 'authorization', 'date']);
    expect((await fetch(url, { headers })).status).toBe(200);
  });

  test('--jumpserver adds the trailing slash and signs x-jms-org with --org', async () => {
    const run = await httpsig(['sign', '--jumpserver', '--org', '00000000-0000-0000-0000-000000000002', '--json', `${emulator.url}/api/v1/echo/s`], key);
    const out = JSON.parse(run.stdout) as { headers: Record<string, string>; signingString: string };
    expect(out.signingString).toMatch(/^\(request-target\): get \/api\/v1\/echo\/s\/\naccept: application\/json\ndate: .+ GMT\nx-jms-org: 00000000-0000-0000-0000-000000000002$/);
    expect(out.headers['authorization']).toContain('headers="(request-target) accept date x-jms-org"');
  });

  test('--curl prints a ready curl command; the secret from --secret-file is not in it', async () => {
    const secretFile = tempFile('secret', `${EMULATOR_ACCESS_KEY.secret}\n`);
    const run = await httpsig(['sign', '--jumpserver', '--curl', '--key-id', EMULATOR_ACCESS_KEY.keyId, '--secret-file', secretFile,
      '-X', 'POST', '-H', 'Content-Type: application/json', '--data', '{"name":"x"}', `${emulator.url}/api/v1/echo/c/`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^curl -sS -X POST -H 'Content-Type: application\/json' -H 'Accept: application\/json' -H 'date: [^']+' -H 'authorization: Signature keyId=.+' --data-raw '\{"name":"x"\}' http:\/\/127\.0\.0\.1:\d+\/api\/v1\/echo\/c\/\n$/);
    expect(run.stdout).not.toContain(EMULATOR_ACCESS_KEY.secret);
  });

  test('a signed header missing from the request is a usage error', async () => {
    const run = await httpsig(['sign', '--headers', '(request-target) date x-missing', 'http://example.com/'], key);
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toContain('ERR_MISSING_HEADER');
  });
});

describe('httpsig request', () => {
  test('signs, sends and prints the body', async () => {
    const run = await httpsig(['request', '--jumpserver', '-X', 'PUT', '-H', 'Content-Type: application/json', '--data', '{"a":1}', `${emulator.url}/api/v1/echo/r/?q=1`], key);
    expect(run.code).toBe(EXIT_CODES.OK);
    const body = JSON.parse(run.stdout) as { method: string; query: string; body: string };
    expect(body).toMatchObject({ method: 'PUT', query: 'q=1', body: '{"a":1}' });
  });

  test('-i prints the status line and headers; --data @- reads stdin', async () => {
    const run = await httpsig(['request', '--jumpserver', '-i', '--data', '@-', `${emulator.url}/api/v1/echo/r/`], key, 'from stdin');
    expect(run.stdout).toMatch(/^HTTP 200 OK\n/);
    expect(run.stdout).toContain('"body": "from stdin"');
  });

  test('--json, and an HTTP error status exits 1', async () => {
    const run = await httpsig(['request', '--jumpserver', '--json', `${emulator.url}/api/v1/echo/r/`], { ...key, HTTPSIG_SECRET: 'wrong' });
    expect(run.code).toBe(EXIT_CODES.HTTP_ERROR);
    const out = JSON.parse(run.stdout) as { status: number; body: unknown };
    expect(out.status).toBe(401);
    expect(out.body).toEqual({ detail: 'Invalid signature.', code: 'authentication_failed' });
  });

  test('a redirect is reported, not followed', async () => {
    const run = await httpsig(['request', '--headers', '(request-target) date', `${emulator.url}/api/v1/echo/no-slash`], key);
    expect(run.code).toBe(EXIT_CODES.OK);
    expect(run.stderr).toContain('301 redirect to /api/v1/echo/no-slash/ not followed');
  });

  test('-v shows the signing string and JumpServer warnings on stderr', async () => {
    const run = await httpsig(['request', '-v', '-X', 'POST', '-H', 'Content-Type: text/plain', '--data', 'x',
      '--headers', '(request-target) date content-type', `${emulator.url}/api/v1/echo/v/`], key);
    expect(run.stderr).toContain('>   (request-target): post /api/v1/echo/v/');
    expect(run.stderr).toContain('content-type/content-length are signed');
    expect(run.code).toBe(EXIT_CODES.HTTP_ERROR); // JumpServer's 500
  });

  test('an unreachable server exits 5', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const run = await httpsig(['request', '--jumpserver', `http://127.0.0.1:${port}/api/v1/echo/x/`], key);
    expect(run.code).toBe(EXIT_CODES.NETWORK);
    expect(run.stderr).toContain('cannot reach');
  });
});

describe('httpsig explain', () => {
  test('shows the signing string, the header and the JumpServer warnings', async () => {
    const run = await httpsig(['explain', '-X', 'POST', '-H', 'Content-Type: application/json', '-H', 'Date: Sun, 22 Nov 2026 10:00:00 GMT',
      '--headers', '(request-target) date content-type', 'https://jms.example.com/api/v1/assets/assets?limit=1'], key);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Signing string');
    expect(run.stdout).toContain('(request-target): post /api/v1/assets/assets?limit=1\ndate: Sun, 22 Nov 2026 10:00:00 GMT\ncontent-type: application/json\n');
    expect(run.stdout).toMatch(/Authorization: Signature keyId="b5fd8a7c-1111-4e6b-9a1f-0123456789ab",algorithm="hmac-sha256",headers="\(request-target\) date content-type",signature="[A-Za-z0-9+/]+={0,2}"/);
    expect(run.stdout).toContain('no trailing slash');
    expect(run.stdout).toContain('content-type/content-length are signed');
  });

  test('a path that is no request target a server accepts (a fragment, a space) is a usage error', async () => {
    for (const path of ['/pay#&amount=1000', '/pay x', '/pay?x=%zz']) {
      const run = await httpsig(['explain', '--key-id', 'AK', '--headers', '(request-target) date', path]);
      expect({ path, code: run.code, stderr: run.stderr }).toEqual({ path, code: 2, stderr: expect.stringContaining('Not a request target a server accepts') });
    }
    expect((await httpsig(['explain', '--key-id', 'AK', '--headers', '(request-target) date', '/pay?a[]=1'])).code).toBe(0);
  });

  test('without a secret: the header with "…" and no prompt; --json', async () => {
    const run = await httpsig(['explain', '--json', '--key-id', 'AK', '--headers', '(request-target) host date', 'http://jms.example.com:8080/api/v1/users/users/']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { signingString: string; header: { authorization: string }; warnings: string[] };
    expect(out.signingString).toMatch(/^\(request-target\): get \/api\/v1\/users\/users\/\nhost: jms\.example\.com:8080\ndate: /);
    expect(out.header.authorization).toBe('Signature keyId="AK",algorithm="hmac-sha256",headers="(request-target) host date",signature="…"');
    expect(out.warnings.join('\n')).toContain('host is signed with a port');
  });
});
