// Reporting to OpenTelemetry is core's: every server kind gets one `httpsig.verify` span and one count per request
// through core's verify, whichever path it takes there (draft-cavage synchronous, with replay protection, RFC 9421),
// with the real @opentelemetry/api and SDK (in-memory exporter) and real servers on loopback.
import * as otel from '@opentelemetry/api';
import * as sdkTrace from '@opentelemetry/sdk-trace-base';
import { registerInMemoryTelemetry, type InMemoryTelemetry } from '../../../test-support/opentelemetry.mjs';
import type { ServerVerifyOptions } from '../src/index.js';
import { handOptions, handSign, keyLookup, send, signedSend } from './support/helpers.js';
import { SERVER_KINDS, startServer } from './support/servers.js';

let telemetry: InMemoryTelemetry;
beforeAll(() => {
  telemetry = registerInMemoryTelemetry({ api: otel, sdkTrace });
});
afterAll(() => telemetry.shutdown());

/** The `httpsig.verify` spans ended so far: scheme and outcome. */
const verifySpans = (): string[][] => telemetry.spans().filter((s) => s.name === 'httpsig.verify')
  .map((s) => [String(s.attributes['httpsig.scheme']), String(s.attributes['httpsig.outcome'])]);

describe.each(SERVER_KINDS)('%s', (kind) => {
  test('draft-cavage, with and without replay protection: one verify span per request, with its outcome', async () => {
    for (const options of [{ keyLookup }, { keyLookup, replay: true }] as ServerVerifyOptions[]) {
      const server = await startServer(kind, options);
      try {
        telemetry.resetSpans();
        expect((await signedSend(server.url, { path: '/a?x=1' })).status).toBe(200);
        expect((await signedSend(server.url, { method: 'POST', path: '/b', body: '{"n":1}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
        expect((await send(server.url, { path: '/c' })).status).toBe(401);
        expect((await signedSend(server.url, { path: '/d' }, { keyId: 'nobody' })).status).toBe(401);
        expect(verifySpans()).toEqual([['cavage', 'ok'], ['cavage', 'ok'], ['cavage', 'ERR_SIGNATURE_MISSING'], ['cavage', 'ERR_UNKNOWN_KEY']]);
      } finally {
        await server.close();
      }
    }
  });

  test('RFC 9421: one verify span per request', async () => {
    const server = await startServer(kind, handOptions('rfc9421'));
    try {
      telemetry.resetSpans();
      const host = new URL(server.url).host;
      const headers = handSign({ scheme: 'rfc9421', method: 'GET', target: '/e?y=2', host });
      expect((await send(server.url, { path: '/e?y=2', headers })).status).toBe(200);
      expect((await send(server.url, { path: '/e?y=3', headers })).status).toBe(401);
      expect(verifySpans()).toEqual([['rfc9421', 'ok'], ['rfc9421', 'ERR_SIGNATURE_MISMATCH']]);
    } finally {
      await server.close();
    }
  });
});
