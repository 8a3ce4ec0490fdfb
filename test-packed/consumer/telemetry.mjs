// Run after @opentelemetry/api and its trace SDK are installed next to the tarballs: registers the SDK's tracer
// provider (no call to @httpsig/core to set anything up), signs and verifies with the installed core, and prints
// the spans core reported. Run under Node (ESM), through telemetry.cjs (CommonJS), and under Bun and Deno.
import { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { trace } from '@opentelemetry/api';
import { sign, verify } from '@httpsig/core';

const spans = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
const request = { method: 'GET', url: '/api/v1/users/?limit=1', headers: { host: 'h' } };
const { headers } = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256' });
await verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => ({ key: 'secret', algorithms: ['hmac-sha256'] }) });
await verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => null }).catch(() => undefined);
console.log(JSON.stringify(spans.getFinishedSpans().map((s) => [s.name, s.attributes['httpsig.outcome']])));
