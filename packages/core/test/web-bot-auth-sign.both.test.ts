// The Web Bot Auth signing preset (draft-meunier-webbotauth-httpsig-protocol), on both backends: what it covers and
// writes, the draft's published Ed25519 example reproduced byte for byte, a fresh window and nonce for every request
// signed with the same options, and the keys and options it refuses.
import crypto from 'node:crypto';
import { sign, keyThumbprint } from '../src/index.js';
import { verifyRfc9421, type Rfc9421Request, type Rfc9421SigningOptions } from '../src/rfc9421/index.js';
import { DEFAULT_WEB_BOT_AUTH_EXPIRES_IN, webBotAuth } from '../src/web-bot-auth/index.js';
import { withHeaders } from './rfc9421-helpers.js';
import { refusal } from './support/outcome.js';
import { ED_KEYID, ED_SIGN, ED_VERIFY, PSS_KEYID, PSS_SIGN, PSS_VERIFY } from './support/web-bot-auth-keys.js';

const AGENT = 'https://signature-agent.test';
const request: Rfc9421Request = { method: 'GET', url: 'https://example.com/page?x=1', headers: [['Host', 'example.com']] };

/** Signs `request` with the preset at `seconds` (Unix) and returns the headers and base. */
async function signAt(options: Rfc9421SigningOptions, seconds: number): Promise<{ headers: Record<string, string>; base: string }> {
  const result = await sign(request, { ...options, now: seconds * 1000 });
  return { headers: result.headers, base: result.signingString };
}

/** `name=value` parameters of a Signature-Input member. */
const params = (input: string): Record<string, string> =>
  Object.fromEntries(input.split(';').slice(1).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));

describe('webBotAuth: a bot\'s request signature', () => {
  test('keyid is the key\'s RFC 7638 thumbprint, as the draft\'s examples name the RFC 9421 test keys', async () => {
    expect((await webBotAuth({ key: ED_SIGN })).keyId).toBe(ED_KEYID);
    expect((await webBotAuth({ key: PSS_SIGN })).keyId).toBe(PSS_KEYID);
    expect(await keyThumbprint(ED_VERIFY)).toBe(ED_KEYID);
  });

  test('the algorithm follows the key: ed25519 for Ed25519, rsa-pss-sha512 for RSA', async () => {
    expect((await webBotAuth({ key: ED_SIGN })).algorithm).toBe('ed25519');
    expect((await webBotAuth({ key: PSS_SIGN })).algorithm).toBe('rsa-pss-sha512');
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect((await webBotAuth({ key: rsa })).algorithm).toBe('rsa-pss-sha512');
  });

  test('covers @authority and the Signature-Agent member keyed by the label; tag, alg, created and expires 5 minutes later', async () => {
    const { headers, base } = await signAt(await webBotAuth({ key: ED_SIGN, signatureAgent: AGENT }), 1_735_689_600);
    expect(headers['signature-agent']).toBe(`sig1="${AGENT}"`);
    expect(headers['signature-input']).toBe(`sig1=("@authority" "signature-agent";key="sig1");created=1735689600;keyid="${ED_KEYID}";alg="ed25519";expires=${1_735_689_600 + DEFAULT_WEB_BOT_AUTH_EXPIRES_IN};tag="web-bot-auth"`);
    expect(base.split('\n').slice(0, 2)).toEqual(['"@authority": example.com', `"signature-agent";key="sig1": "${AGENT}"`]);
    const verified = await verifyRfc9421(withHeaders(request, headers), {
      keyLookup: (id) => (id === ED_KEYID ? { key: ED_VERIFY, algorithms: ['ed25519'] } : null),
      requiredComponents: ['@authority', '"signature-agent";key="sig1"'], tag: 'web-bot-auth', now: 1_735_689_700_000,
    });
    expect(verified.components).toEqual(['"@authority"', '"signature-agent";key="sig1"']);
  });

  test('Signature-Agent is sent as the origin\'s serialisation (a trailing slash dropped, the host lower-cased)', async () => {
    const { headers } = await signAt(await webBotAuth({ key: ED_SIGN, signatureAgent: 'https://Bot.Example/' }), 1_735_689_600);
    expect(headers['signature-agent']).toBe('sig1="https://bot.example"');
  });

  test('without a Signature-Agent it covers @authority alone and sends no Signature-Agent', async () => {
    const { headers } = await signAt(await webBotAuth({ key: ED_SIGN }), 1_735_689_600);
    expect(headers['signature-agent']).toBeUndefined();
    expect(headers['signature-input']).toMatch(/^sig1=\("@authority"\);created=/);
  });

  test('reproduces the draft\'s Ed25519 example with the legacy String Signature-Agent byte for byte', async () => {
    // draft-meunier-webbotauth-httpsig-protocol, Test Vectors, "EdDSA … Legacy Signature-Agent, sf-string".
    const preset = await webBotAuth({ key: ED_SIGN, signatureAgent: AGENT, signatureAgentForm: 'string', label: 'sig2', expiresIn: 3600 });
    const nonce = 'e8N7S2MFd/qrd6T2R3tdfAuuANngKI7LFtKYI/vowzk4lAZYadIX6wW25MwG7DCT9RUKAJ0qVkU0mEeLElW1qg==';
    const { headers, base } = await signAt({ ...preset, nonce }, 1_735_689_600);
    expect(headers['signature-agent']).toBe(`"${AGENT}"`);
    expect(base).toBe([
      '"@authority": example.com',
      `"signature-agent": "${AGENT}"`,
      `"@signature-params": ("@authority" "signature-agent");created=1735689600;keyid="${ED_KEYID}";alg="ed25519";expires=1735693200;nonce="${nonce}";tag="web-bot-auth"`,
    ].join('\n'));
    expect(headers['signature']).toBe('sig2=:jdq0SqOwHdyHr9+r5jw3iYZH6aNGKijYp/EstF4RQTQdi5N5YYKrD+mCT1HA1nZDsi6nJKuHxUi/5Syp3rLWBA==:');
  });

  test('options reused for many requests give each its own created, expires and nonce', async () => {
    const preset = await webBotAuth({ key: ED_SIGN, signatureAgent: AGENT, nonce: true, expiresIn: 60 });
    const first = params((await signAt(preset, 1_000_000)).headers['signature-input'] as string);
    const second = params((await signAt(preset, 1_000_007)).headers['signature-input'] as string);
    expect([first['created'], first['expires']]).toEqual(['1000000', '1000060']);
    expect([second['created'], second['expires']]).toEqual(['1000007', '1000067']);
    expect(first['nonce']).not.toBe(second['nonce']);
    for (const nonce of [first['nonce'], second['nonce']]) {
      expect(Buffer.from(JSON.parse(nonce as string) as string, 'base64')).toHaveLength(64);
    }
  });

  test('RSA-PSS-SHA512 signatures verify with the RSA public key', async () => {
    const { headers } = await signAt(await webBotAuth({ key: PSS_SIGN, signatureAgent: AGENT, components: ['@method', '@authority', '@path'] }), 1_735_689_600);
    const verified = await verifyRfc9421(withHeaders(request, headers), {
      keyLookup: (id) => (id === PSS_KEYID ? { key: PSS_VERIFY, algorithms: ['rsa-pss-sha512'] } : null),
      requiredComponents: ['@method', '@authority', '@path', '"signature-agent";key="sig1"'], tag: 'web-bot-auth', now: 1_735_689_600_000,
    });
    expect(verified.algorithm).toBe('rsa-pss-sha512');
  });

  test.each([
    ['an HMAC secret (the draft forbids shared secrets)', { key: new Uint8Array(32).fill(7) }, 'ERR_INVALID_KEY'],
    ['a public key (it cannot sign)', { key: ED_VERIFY }, 'ERR_INVALID_KEY'],
    ['a P-256 key', { key: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }, 'ERR_INVALID_KEY'],
    ['an algorithm that does not fit the key', { key: ED_SIGN, algorithm: 'rsa-pss-sha512' as const }, 'ERR_ALGORITHM_NOT_ALLOWED'],
    ['an http Signature-Agent', { key: ED_SIGN, signatureAgent: 'http://bot.example' }, 'TypeError'],
    ['a Signature-Agent with a quote', { key: ED_SIGN, signatureAgent: 'https://bot.example/"x' }, 'TypeError'],
    ['a Signature-Agent with a path (a directory member is an origin)', { key: ED_SIGN, signatureAgent: 'https://bot.example/keys.json' }, 'TypeError'],
    ['a Signature-Agent with credentials', { key: ED_SIGN, signatureAgent: 'https://user:pw@bot.example' }, 'TypeError'],
    ['a label that is not a Structured Field key', { key: ED_SIGN, label: 'Sig1' }, 'TypeError'],
    ['a label longer than RFC 9421 signing takes (64 characters)', { key: ED_SIGN, label: 's'.repeat(65) }, 'TypeError'],
    ['components without @authority or @target-uri', { key: ED_SIGN, components: ['@method', '@path'] }, 'TypeError'],
    ['components naming signature-agent (signatureAgent adds it)', { key: ED_SIGN, components: ['@authority', '"signature-agent";key="sig1"'] }, 'TypeError'],
    ['a negative expiresIn', { key: ED_SIGN, expiresIn: -1 }, 'RangeError'],
  ])('refuses %s', async (_name, options, expected) => {
    expect(await refusal(webBotAuth(options))).toBe(expected);
  });
});

describe('RFC 9421 signing options that a preset reuses per request', () => {
  const base = { scheme: 'rfc9421' as const, key: ED_SIGN, algorithm: 'ed25519' as const, keyId: 'k', now: 1_000_000_000 };

  test('expiresIn cannot be combined with expires, nor used without created', async () => {
    expect(await refusal(sign(request, { ...base, expiresIn: 10, expires: 1_000_010 }))).toBe('TypeError');
    expect(await refusal(sign(request, { ...base, expiresIn: 10, created: false }))).toBe('TypeError');
  });

  test('fields must be token names (not the signature fields) with printable ASCII values', async () => {
    expect(await refusal(sign(request, { ...base, fields: { 'Bad Name': 'x' } }))).toBe('TypeError');
    expect(await refusal(sign(request, { ...base, fields: { signature: 'x' } }))).toBe('TypeError');
    expect(await refusal(sign(request, { ...base, fields: { 'x-a': 'line\r\nbreak' } }))).toBe('TypeError');
  });

  test('a field set by fields replaces the one the request has, and is what is signed', async () => {
    const message = { ...request, headers: [['Host', 'example.com'], ['X-Agent', 'old']] as [string, string][] };
    const result = await sign(message, { ...base, components: ['@authority', 'x-agent'], fields: { 'x-agent': 'new' } });
    expect(result.headers['x-agent']).toBe('new');
    expect(result.signingString).toContain('"x-agent": new');
  });
});
