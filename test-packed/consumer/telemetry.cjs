// telemetry.mjs from CommonJS: the `require` build of @httpsig/core finds @opentelemetry/api as well.
const { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { trace } = require('@opentelemetry/api');
const { sign, verify } = require('@httpsig/core');

const spans = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
(async () => {
  const request = { method: 'GET', url: '/api/v1/users/?limit=1', headers: { host: 'h' } };
  const { headers } = await sign(request, { keyId: 'ak', key: 'secret', algorithm: 'hmac-sha256' });
  await verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => ({ key: 'secret', algorithms: ['hmac-sha256'] }) });
  await verify({ ...request, headers: { ...request.headers, ...headers } }, { keyLookup: () => null }).catch(() => undefined);
  console.log(JSON.stringify(spans.getFinishedSpans().map((s) => [s.name, s.attributes['httpsig.outcome']])));
})();
