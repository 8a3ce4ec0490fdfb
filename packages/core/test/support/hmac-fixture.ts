// A draft-cavage request signed with an HMAC secret under hs2019 (`hs2019: 'hmac-sha512'`), at a fixed clock.
import { sign, type SignableRequest, type VerifyOptions } from '../../src/index.js';

/** The fixed clock of the fixture, in milliseconds. */
export const now: number = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
/** The same clock in Unix seconds. */
export const nowSeconds: number = now / 1000;
/** A year, in milliseconds. */
export const YEAR_MS: number = 365 * 24 * 3600 * 1000;

/** Knows keyId `ak`: the secret `secret`, for hs2019 (as HMAC-SHA512) and hmac-sha256. */
export const hmacLookup: VerifyOptions['keyLookup'] = (keyId) => (keyId === 'ak' ? { key: 'secret', algorithms: ['hs2019', 'hmac-sha256'], hs2019: 'hmac-sha512' } : null);

/** `GET /api/v1/x/?q=1` to host `h`, signed by `ak` over `headers`, with the signature headers added. */
export async function signedRequest(headers: string[], extra: Record<string, unknown> = {}): Promise<SignableRequest & { headers: Record<string, string> }> {
  const request = { method: 'GET', url: '/api/v1/x/?q=1', headers: { host: 'h' } as Record<string, string> };
  const result = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hs2019', hs2019: 'hmac-sha512', headers, now, ...extra });
  return { ...request, headers: { ...request.headers, ...result.headers } };
}
