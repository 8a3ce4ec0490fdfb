// Runs every language-neutral vector of /test-vectors against @httpsig/core, on both crypto backends.
// Positive vectors: sign gives exactly the signing string, signature and headers; verify accepts.
// Negative vectors: verify refuses with exactly the expected error code.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backendName, isHttpSignatureError, sign, verify } from '../src/index.js';
import {
  VECTORS_DIR, declaredErrorCodes, loadVectors, receivedRequest, signArgs, verifyOptions, type NegativeVector,
  type PositiveVector,
} from './support/vectors.js';

const { all, positive, negative } = loadVectors();
// Codes verify() cannot produce: ERR_BODY_TOO_LARGE comes from reading a stream (bufferBody, whose own suite
// triggers it); verify is handed the body bytes. The replay codes need a replay store's state (a vector is one
// stateless verification): replay.both.test.ts triggers each of them, for both schemes.
const NOT_FROM_VERIFY = ['ERR_BODY_TOO_LARGE', 'ERR_SIGNATURE_REPLAYED', 'ERR_REPLAY_STORE_UNAVAILABLE', 'ERR_REPLAY_WINDOW_TOO_LONG'];
const verifyErrorCodes = (): string[] => declaredErrorCodes().filter((code) => !NOT_FROM_VERIFY.includes(code));
const signable = positive.filter((v) => v.verifyOnly !== true);
const label = <T extends { id: string }>(list: T[]): [string, T][] => list.map((v) => [v.id, v]);

describe(`test vectors (${backendName} backend)`, () => {
  describe('the vector set', () => {
    test('is complete and consistent', () => {
      expect(positive.length).toBeGreaterThanOrEqual(30);
      expect(negative.length).toBeGreaterThanOrEqual(25);
      expect(new Set(all.map((v) => v.id)).size).toBe(all.length);
      for (const v of positive) expect(v.file.startsWith(join('cavage', 'positive'))).toBe(true);
      for (const v of negative) expect(v.file.startsWith(join('cavage', 'negative'))).toBe(true);
    });

    test('negative vectors cover every error code that errors.ts declares for verification', () => {
      const declared = verifyErrorCodes();
      expect(declared.length).toBeGreaterThanOrEqual(14);
      expect([...new Set(negative.map((v) => v.expectedError))].sort()).toEqual([...declared].sort());
    });

    test('schema.json lists exactly the declared error codes', () => {
      const schema = JSON.parse(readFileSync(join(VECTORS_DIR, 'schema.json'), 'utf8')) as { $defs: { errorCode: { enum: string[] } } };
      expect([...schema.$defs.errorCode.enum].sort()).toEqual(verifyErrorCodes().sort());
    });

    test('the JSON files are what generate.mjs writes (no hand edits, no stale values)', () => {
      const out = execFileSync(process.execPath, [join(VECTORS_DIR, 'generate.mjs'), '--check'], { encoding: 'utf8' });
      expect(out).toMatch(/published values match/);
    });

    test('the draft-cavage-12 Appendix C signatures are the published ones', () => {
      const sig = (id: string): string | undefined => positive.find((v) => v.id === id)?.expected.signature;
      expect(sig('cavage-12-c2-basic')).toBe('qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=');
      expect(sig('cavage-12-c3-created-expires')).toBe('nAkCW0wg9AbbStQRLi8fsS1mPPnA6S5+/0alANcoDFG9hG0bJ8NnMRcB1Sz1eccNMzzLEke7nGXqoiJYZFfT81oaRqh/MNFwQVX4OZvTLZ5xVZQuchRkOSO7b2QX0aFWFOUq6dnwAyliHrp6w3FOxwkGGJPaerw2lOYLdC/Bejk=');
    });
  });

  describe('positive: sign', () => {
    test.each(label(signable))('%s', async (_id, v: PositiveVector) => {
      const [request, options] = signArgs(v);
      const result = await sign(request, options);
      expect(result.signingString).toBe(v.expected.signingString);
      const expectedHeaders: Record<string, string> = Object.fromEntries(v.expected.addedHeaders ?? []);
      expectedHeaders[v.expected.signatureHeader.name] = v.expected.signatureHeader.value;
      expect(result.headers).toEqual(expectedHeaders);
    });
  });

  describe('positive: verify', () => {
    test.each(label(positive))('%s', async (_id, v: PositiveVector) => {
      const result = await verify(receivedRequest(v), verifyOptions(v));
      expect(result.keyId).toBe(v.keyId);
      expect(result.signingString).toBe(v.expected.signingString);
      expect(result.headers).toEqual(v.options.headers);
      expect(result.algorithm).toBe(v.options.algorithm);
      expect(result.created).toBe(v.options.created);
      expect(result.expires).toBe(v.options.expires);
    });
  });

  describe('negative: verify refuses with the expected code', () => {
    test.each(label(negative))('%s', async (_id, v: NegativeVector) => {
      let caught: unknown;
      try {
        await verify(receivedRequest(v), verifyOptions(v));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeDefined();
      expect(isHttpSignatureError(caught)).toBe(true);
      expect({ id: v.id, code: (caught as { code?: unknown }).code }).toEqual({ id: v.id, code: v.expectedError });
      // Once the header has parsed, the error carries the signature's keyId (safe to log, tells who failed).
      if (!['ERR_SIGNATURE_MISSING', 'ERR_MALFORMED_SIGNATURE', 'ERR_HEADER_TOO_LARGE', 'ERR_MALFORMED_REQUEST'].includes(v.expectedError)) {
        const signatureHeader = v.request.headers.find(([n]) => /^(authorization|signature)$/i.test(n))?.[1] ?? '';
        expect((caught as { keyId?: unknown }).keyId).toBe(/keyId="([^"]*)"/.exec(signatureHeader)?.[1]);
      }
      // Messages never echo secrets or signatures.
      const message = String((caught as Error).message);
      if (v.key.type === 'hmac') expect(message).not.toContain(v.key.secret);
      for (const [, value] of v.request.headers) {
        const signature = /signature="([^"]{8,})"/i.exec(value)?.[1];
        if (signature !== undefined) expect(message).not.toContain(signature);
      }
    });
  });
});
