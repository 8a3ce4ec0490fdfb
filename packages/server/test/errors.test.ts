// The error answer for every stable code: status, challenge, JSON body, and the server-only error classes.
import { HttpSignatureError, MissingSignatureError, BodyTooLargeError, InvalidKeyError, isHttpSignatureError } from '@httpsig/core';
import {
  ReplayStoreUnavailableError, ReplayWindowTooLongError, ReplayedSignatureError, describeSignatureError, isServerSignatureError, signatureErrorResponse,
  signatureErrorStatus,
} from '../src/index.js';
import type { ServerErrorCode } from '../src/index.js';

// A Record over the union: the compiler fails this file if a code is added without a status here.
const STATUS: Record<ServerErrorCode, number> = {
  ERR_SIGNATURE_MISSING: 401, ERR_MALFORMED_SIGNATURE: 401, ERR_HEADER_TOO_LARGE: 401, ERR_MISSING_HEADER: 401,
  ERR_HEADER_NOT_SIGNED: 401, ERR_UNKNOWN_KEY: 401, ERR_ALGORITHM_NOT_ALLOWED: 401, ERR_INVALID_KEY: 500,
  ERR_INVALID_DATE: 401, ERR_SIGNATURE_EXPIRED: 401, ERR_SIGNATURE_NOT_YET_VALID: 401, ERR_DIGEST_MISSING: 401,
  ERR_DIGEST_MISMATCH: 401, ERR_SIGNATURE_MISMATCH: 401, ERR_BODY_TOO_LARGE: 413, ERR_MALFORMED_REQUEST: 400,
  ERR_SIGNATURE_REPLAYED: 401, ERR_REPLAY_STORE_UNAVAILABLE: 503, ERR_REPLAY_WINDOW_TOO_LONG: 401,
  ERR_BODY_TIMEOUT: 408, ERR_REQUEST_ABORTED: 400,
};

test.each(Object.entries(STATUS))('%s answers %i', (code, status) => {
  expect(signatureErrorStatus(code as ServerErrorCode)).toBe(status);
});

test('server-only errors carry their code, keyId and cause, and are signature errors', () => {
  const cause = new Error('connection refused');
  const replayed = new ReplayedSignatureError({ keyId: 'k1' });
  const unavailable = new ReplayStoreUnavailableError({ keyId: 'k2', cause });
  expect(replayed).toBeInstanceOf(HttpSignatureError);
  expect([replayed.code, replayed.keyId, replayed.name]).toEqual(['ERR_SIGNATURE_REPLAYED', 'k1', 'ReplayedSignatureError']);
  expect([unavailable.code, unavailable.keyId, unavailable.cause]).toEqual(['ERR_REPLAY_STORE_UNAVAILABLE', 'k2', cause]);
  const tooLong = new ReplayWindowTooLongError({ keyId: 'k3' });
  expect([tooLong.code, tooLong.keyId, tooLong.name]).toEqual(['ERR_REPLAY_WINDOW_TOO_LONG', 'k3', 'ReplayWindowTooLongError']);
  expect(isHttpSignatureError(replayed) && isServerSignatureError(unavailable)).toBe(true);
  expect(isServerSignatureError(new Error('plain'))).toBe(false);
});

test('describeSignatureError: 401 with challenge, 413 closing, 500/503 without challenge', () => {
  const options = { realm: 'jms', requiredHeaders: ['(request-target)', 'date', 'digest'] };
  const missing = describeSignatureError(new MissingSignatureError(), options);
  expect(missing).toEqual({
    status: 401,
    headers: {
      'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store',
      'www-authenticate': 'Signature realm="jms",headers="(request-target) date digest"',
    },
    body: JSON.stringify({ code: 'ERR_SIGNATURE_MISSING', message: new MissingSignatureError().message }),
  });
  const tooLarge = describeSignatureError(new BodyTooLargeError(10));
  expect([tooLarge.status, tooLarge.headers['connection'], tooLarge.headers['www-authenticate']]).toEqual([413, 'close', undefined]);
  expect(describeSignatureError(new InvalidKeyError('bad key')).status).toBe(500);
  expect(describeSignatureError(new ReplayStoreUnavailableError()).status).toBe(503);
});

test('signatureErrorResponse builds a web Response and rethrows anything else', async () => {
  const response = signatureErrorResponse(new ReplayedSignatureError({ keyId: 'k' }));
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Signature realm="api",headers="(request-target) date"');
  expect(await response.json()).toEqual({ code: 'ERR_SIGNATURE_REPLAYED', message: 'This signature was already used' });
  const other = new TypeError('not a signature problem');
  expect(() => signatureErrorResponse(other)).toThrow(other);
  expect(signatureErrorResponse(new BodyTooLargeError(1)).headers.get('connection')).toBeNull();
});
