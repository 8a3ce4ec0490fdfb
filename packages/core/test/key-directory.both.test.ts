// Publishing a key directory (draft-meunier-webbotauth-httpsig-protocol), on both backends: the JWK set holds
// public members only, the draft's signed directory response is reproduced byte for byte, every key signs the
// response and each signature verifies with core, and the conditional, HEAD and other-method answers.
import crypto from 'node:crypto';
import { verify } from '../src/index.js';
import { DIRECTORY_MEDIA_TYPE, DIRECTORY_PATH, createKeyDirectory } from '../src/web-bot-auth/index.js';
import { refusal } from './support/outcome.js';
import { ED_KEYID, ED_SIGN, ED_VERIFY, PSS_KEYID, PSS_SIGN, PSS_VERIFY } from './support/web-bot-auth-keys.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const SERVED = { authorities: ['signature-agent.test'] };
const fetchRequest = { method: 'GET', url: DIRECTORY_PATH, headers: { host: 'signature-agent.test', accept: DIRECTORY_MEDIA_TYPE } };

describe('createKeyDirectory', () => {
  test('publishes each key\'s public members only, with kid = thumbprint and use "sig"', async () => {
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const directory = await createKeyDirectory({ keys: [ED_SIGN, PSS_SIGN, rsa], ...SERVED });
    expect(directory.document.keys.map((k) => k.kid)).toEqual([ED_KEYID, PSS_KEYID, expect.any(String)]);
    for (const key of JSON.parse(directory.body).keys as Record<string, unknown>[]) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      expect(key['use']).toBe('sig');
    }
    expect(Object.keys(directory.document.keys[1] as object)).toEqual(['kty', 'kid', 'n', 'e', 'use']);
  });

  test('a private JWK is published without its private members', async () => {
    const jwk = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const directory = await createKeyDirectory({ keys: [jwk as never], ...SERVED });
    expect(directory.body).not.toContain(jwk.d as string);
    expect(Object.keys(directory.document.keys[0] as object)).toEqual(['kty', 'crv', 'kid', 'x', 'use']);
  });

  test('reproduces the draft\'s signed directory response: body, Content-Digest, signature base and Ed25519 signature', async () => {
    // draft-meunier-webbotauth-httpsig-protocol, Test Vectors, "Signed Directory Response" (label `binding` there).
    const directory = await createKeyDirectory({ keys: [ED_SIGN], signatureExpiresIn: 4_889_289_600 - 1_735_689_600, ...SERVED });
    const response = await directory.respond(fetchRequest, 1_735_689_600_000);
    expect(response.status).toBe(200);
    expect(response.body).toBe(`{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"${ED_KEYID}","x":"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs","use":"sig"}]}`);
    expect(response.headers['content-type']).toBe(DIRECTORY_MEDIA_TYPE);
    expect(response.headers['content-digest']).toBe('sha-256=:CADMT2aBdV/rqQr/NIru64ERQkCobVvllA4V0fLFDu0=:');
    expect(response.headers['signature-input']).toBe(`binding0=("@authority";req "content-digest");created=1735689600;expires=4889289600;keyid="${ED_KEYID}";tag="http-message-signatures-directory"`);
    expect(response.headers['signature']).toBe('binding0=:l6P8R67tm3kujAxbHWio7ll01qrEZ0dKD/WWlGhNYEmTnFZM8Wt0VQ9zqGfvo7T/UMkBxsigzChM1Gpz7gOVBg==:');
  });

  test('one signature per key, each verifying with core verify against the key it names', async () => {
    const directory = await createKeyDirectory({ keys: [ED_SIGN, PSS_SIGN], ...SERVED });
    const now = 1_800_000_000_000;
    const response = await directory.respond(fetchRequest, now);
    const published = new Map([[ED_KEYID, { key: ED_VERIFY, algorithms: ['ed25519' as const] }], [PSS_KEYID, { key: PSS_VERIFY, algorithms: ['rsa-pss-sha512' as const] }]]);
    const message = { status: 200, headers: response.headers, request: fetchRequest };
    for (const [label, keyId] of [['binding0', ED_KEYID], ['binding1', PSS_KEYID]] as const) {
      const result = await verify(message, {
        scheme: 'rfc9421', label, keyLookup: (id) => published.get(id as string), now, tag: 'http-message-signatures-directory',
        requiredComponents: ['@authority;req', 'content-digest'], requiredParameters: ['created', 'expires', 'keyid'], body: response.body,
      });
      expect(result.keyId).toBe(keyId);
      expect(result.parameters.expires).toBe(1_800_000_000 + 3600);
    }
  });

  test('caching: public max-age, a strong ETag, 304 for If-None-Match, CORS open', async () => {
    const directory = await createKeyDirectory({ keys: [ED_SIGN], maxAge: 600, ...SERVED });
    const response = await directory.respond(fetchRequest);
    expect(response.headers['cache-control']).toBe('public, max-age=600');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['etag']).toBe(directory.etag);
    const again = await directory.respond({ ...fetchRequest, headers: { ...fetchRequest.headers, 'if-none-match': `W/"x", ${directory.etag}` } });
    expect([again.status, again.body, again.headers['signature']]).toEqual([304, undefined, undefined]);
  });

  test('the signatures are made once per authority and second: a flood of requests does not make one private-key signature each', async () => {
    // RSA-PSS signatures are randomised: two signings of the same response differ, so equal headers prove one signing.
    const directory = await createKeyDirectory({ keys: [PSS_SIGN, ED_SIGN], authorities: ['signature-agent.test', 'other.test'] });
    const at = 1_735_689_600_000;
    const first = await directory.respond(fetchRequest, at);
    const [again, head] = await Promise.all([directory.respond(fetchRequest, at + 999), directory.respond({ ...fetchRequest, method: 'HEAD' }, at + 500)]);
    expect(again.headers['signature']).toBe(first.headers['signature']);
    expect(head.headers['signature']).toBe(first.headers['signature']);
    // Another authority, or the next second, is signed afresh (and verifies for its own authority only).
    const other = await directory.respond({ ...fetchRequest, headers: { ...fetchRequest.headers, host: 'other.test' } }, at);
    expect(other.headers['signature']).not.toBe(first.headers['signature']);
    const next = await directory.respond(fetchRequest, at + 1000);
    expect(next.headers['signature-input']).toContain(`created=${at / 1000 + 1}`);
    expect(next.headers['signature']).not.toBe(first.headers['signature']);
  });

  test('HEAD has the headers and no body; other methods get 405 with Allow', async () => {
    const directory = await createKeyDirectory({ keys: [ED_SIGN], ...SERVED });
    const head = await directory.respond({ ...fetchRequest, method: 'HEAD' });
    expect([head.status, head.body, typeof head.headers['signature']]).toEqual([200, undefined, 'string']);
    const post = await directory.respond({ ...fetchRequest, method: 'POST' });
    expect([post.status, post.headers['allow']]).toEqual([405, 'GET, HEAD']);
  });

  test('a request without a usable Host gets 400: there is no authority to bind the signatures to', async () => {
    const directory = await createKeyDirectory({ keys: [ED_SIGN], ...SERVED });
    expect((await directory.respond({ method: 'GET', url: DIRECTORY_PATH, headers: {} })).status).toBe(400);
    expect((await directory.respond({ method: 'GET', url: DIRECTORY_PATH, headers: { host: 'user@bot.example' } })).status).toBe(400);
    expect((await directory.respond({ method: 'GET', url: DIRECTORY_PATH, headers: [['host', 'signature-agent.test'], ['host', 'evil.example']] })).status).toBe(400);
  });

  test('another authority gets 421, unsigned: nobody can collect proofs binding the keys to their own domain', async () => {
    const directory = await createKeyDirectory({ keys: [ED_SIGN], ...SERVED });
    const answer = await directory.respond({ ...fetchRequest, headers: { host: 'evil.example' } });
    expect([answer.status, answer.body, answer.headers['signature']]).toEqual([421, undefined, undefined]);
    expect((await directory.respond({ ...fetchRequest, headers: { host: 'SIGNATURE-AGENT.test' } })).status).toBe(200);
    const byPredicate = await createKeyDirectory({ keys: [ED_SIGN], authorities: (authority) => authority.endsWith('.test') });
    expect((await byPredicate.respond(fetchRequest)).status).toBe(200);
    expect((await byPredicate.respond({ ...fetchRequest, headers: { host: 'evil.example' } })).status).toBe(421);
  });

  test.each([
    ['no key', { keys: [], ...SERVED }, 'ERR_INVALID_KEY'],
    ['a public key (it cannot sign the response)', { keys: [ED_VERIFY], ...SERVED }, 'ERR_INVALID_KEY'],
    ['an HMAC secret', { keys: [new Uint8Array(32).fill(1)], ...SERVED }, 'ERR_INVALID_KEY'],
    ['the same key twice', { keys: [ED_SIGN, ED_SIGN], ...SERVED }, 'ERR_INVALID_KEY'],
    ['a negative maxAge', { keys: [ED_SIGN], maxAge: -1, ...SERVED }, 'RangeError'],
    ['no authorities', { keys: [ED_SIGN], authorities: [] }, 'TypeError'],
  ])('refuses %s', async (_name, options, expected) => {
    expect(await refusal(createKeyDirectory(options))).toBe(expected);
  });
});
