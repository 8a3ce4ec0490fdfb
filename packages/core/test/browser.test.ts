// The portable build in a real browser (Debian chromium, driven by playwright-core): bundled by esbuild with
// browser conditions, served from a loopback server. On http://127.0.0.1 the page is a secure context with
// WebCrypto; on http://insecure.test (mapped to loopback) it is not, crypto.subtle is undefined, and RSA
// must run on node-forge while EC keys are refused with a typed error.
import crypto from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const date = new Date().toUTCString();
const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingString = `(request-target): get /api/v1/users/users/?limit=10&q=a%20b\naccept: application/json\ndate: ${date}`;
const input = {
  rsaPrivatePem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }),
  rsaPublicPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
  ecPrivatePem: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  nodeRsaSignature: crypto.sign('sha256', Buffer.from(signingString), rsa.privateKey).toString('base64'),
  date,
};

let server: Server;
let browser: Browser;
let port: number;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed at ${CHROMIUM} (Debian package chromium) or CHROMIUM_PATH`);
  const bundle = await build({
    entryPoints: [join(__dirname, 'browser', 'entry.mjs')], bundle: true, write: false, format: 'esm', platform: 'browser',
    conditions: ['browser'], logLevel: 'silent', tsconfigRaw: {}, // resolve like a consumer: package exports and imports, no test paths
  });
  const script = bundle.outputFiles[0]!.text;
  if (/node:crypto|require\("crypto"\)/.test(script)) throw new Error('the browser bundle pulled in node:crypto');
  server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="/bundle.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--host-resolver-rules=MAP insecure.test 127.0.0.1`],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

async function runIn(origin: string): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => typeof (window as unknown as { runHttpsig?: unknown }).runHttpsig === 'function');
    return await page.evaluate((arg) => (window as unknown as { runHttpsig: (a: unknown) => Promise<Record<string, unknown>> }).runHttpsig(arg), input);
  } finally {
    await page.close();
  }
}

function expectSameAsNode(result: Record<string, unknown>): void {
  const hmac = result['hmac'] as { headers: Record<string, string>; signingString: string };
  expect(result['backend']).toBe('portable');
  expect(hmac.signingString).toBe(`${signingString}\ndigest: SHA-256=${crypto.createHash('sha256').update('{"a":1}').digest('base64')}`);
  expect(hmac.headers['authorization']).toContain(`signature="${crypto.createHmac('sha256', 'secret').update(hmac.signingString).digest('base64')}"`);
  expect(result['rsaAuthorization']).toContain(`signature="${input.nodeRsaSignature}"`);
  expect(result['verifiesNodeSignature']).toBe(true);
  expect(result['tamperedCode']).toBe('ERR_SIGNATURE_MISMATCH');
}

test('secure context: WebCrypto signs RSA and ECDSA; results equal node:crypto', async () => {
  const result = await runIn(`http://127.0.0.1:${port}`);
  expect(result['hasSubtle']).toBe(true);
  expectSameAsNode(result);
  const sig = /signature="([^"]+)"/.exec(result['ecdsa'] as string)![1]!;
  expect(crypto.verify('sha256', Buffer.from(`date: ${date}`), { key: ec.publicKey, dsaEncoding: 'der' }, Buffer.from(sig, 'base64'))).toBe(true);
}, 60_000);

test('insecure context (plain http, no crypto.subtle): RSA on node-forge still equals node:crypto; ECDSA is a typed error naming the missing WebCrypto', async () => {
  const result = await runIn(`http://insecure.test:${port}`);
  expect(result['hasSubtle']).toBe(false);
  expectSameAsNode(result);
  expect(result['ecdsa']).toMatch(/^error ERR_INVALID_KEY WebCryptoUnavailableError: WebCrypto is not available .*only RSA keys in PEM or DER work/);
}, 60_000);
