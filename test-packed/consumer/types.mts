// A strict ESM consumer of the public types, checked without DOM types and with skipLibCheck false.
import { sign, verify, isHttpSignatureError, MissingHeaderError, useOpenTelemetry, type SignOptions, type VerifyResult } from '@httpsig/core';
import { signedFetch, type SignedFetchOptions } from '@httpsig/fetch';
import { withHttpSignature } from '@httpsig/axios';
import { httpSignature } from '@httpsig/got';
import { verifyNodeRequest, expressMiddleware, fastifyPlugin, verifyFetchRequest, MemoryReplayStore } from '@httpsig/server';
import { accessKey, JumpServerClient } from '@httpsig/jumpserver';
import { startEmulator } from '@httpsig/jumpserver/emulator';
import { main, EXIT_CODES } from '@httpsig/cli';
import { signOutgoing, verifySync } from '@httpsig/core/adapter';
import { buildSigningString } from '@httpsig/core/cavage';
import { signRfc9421, type Rfc9421Request } from '@httpsig/core/rfc9421';
import { remoteKeyLookup } from '@httpsig/keys';

const options: SignOptions = { keyId: 'k', key: 'secret', algorithm: 'hmac-sha256', headers: ['(request-target)', 'date'] };
const signed = await sign({ method: 'GET', url: 'http://127.0.0.1/', headers: { accept: '*/*' } }, options);
const header: string | undefined = signed.headers['authorization'];
const result: VerifyResult = await verify({ method: 'GET', url: '/', headers: signed.headers }, {
  keyLookup: () => ({ key: 'secret', algorithms: ['hmac-sha256'] }),
});
const fetchOptions: SignedFetchOptions = options;
const fetcher = signedFetch(fetchOptions);
const error: unknown = new MissingHeaderError('date');
if (isHttpSignatureError(error)) console.log(error.code);
// Without @opentelemetry/api installed: the switch type-checks on its own declarations.
useOpenTelemetry(false);
export { header, result, fetcher, withHttpSignature, httpSignature, verifyNodeRequest, expressMiddleware, fastifyPlugin,
  verifyFetchRequest, MemoryReplayStore, accessKey, JumpServerClient, startEmulator, main, EXIT_CODES, signOutgoing, verifySync,
  buildSigningString, signRfc9421, remoteKeyLookup };
export const rfc9421Request: Rfc9421Request = { method: 'GET', url: 'https://example.com/', headers: {} };
