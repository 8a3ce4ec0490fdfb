// The OpenTelemetry SDK as a test registers it: spans kept in memory (InMemorySpanExporter), counts read on demand
// (InMemoryMetricExporter, delta temporality), and AsyncLocalStorage as the context manager; each part only when its
// module is given. The
// modules are passed in by the caller, so that they are the copies its package resolves (under jest, the ones of
// jest's module registry, which @httpsig/core's own lookup of `@opentelemetry/api` also goes through).

/**
 * Registers tracer and meter providers (and a context manager when given) with the OpenTelemetry API.
 *
 * @param {import('./opentelemetry.d.mts').OpenTelemetryModules} modules
 * @returns {import('./opentelemetry.d.mts').InMemoryTelemetry}
 */
export function registerInMemoryTelemetry({ api, sdkTrace, sdkMetrics, contextAsyncHooks }) {
  let spanExporter;
  let tracerProvider;
  if (sdkTrace !== undefined) {
    spanExporter = new sdkTrace.InMemorySpanExporter();
    tracerProvider = new sdkTrace.BasicTracerProvider({ spanProcessors: [new sdkTrace.SimpleSpanProcessor(spanExporter)] });
    api.trace.setGlobalTracerProvider(tracerProvider);
  }
  let contextManager;
  if (contextAsyncHooks !== undefined) {
    contextManager = new contextAsyncHooks.AsyncLocalStorageContextManager().enable();
    api.context.setGlobalContextManager(contextManager);
  }
  let meterProvider;
  let metricExporter;
  let reader;
  if (sdkMetrics !== undefined) {
    metricExporter = new sdkMetrics.InMemoryMetricExporter(sdkMetrics.AggregationTemporality.DELTA);
    // Exports only when asked (forceFlush): the interval is longer than any test.
    reader = new sdkMetrics.PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
    meterProvider = new sdkMetrics.MeterProvider({ readers: [reader] });
    api.metrics.setGlobalMeterProvider(meterProvider);
  }
  return {
    tracer: api.trace.getTracer('test'),
    spans: () => spanExporter?.getFinishedSpans() ?? [],
    resetSpans: () => spanExporter?.reset(),
    async counts() {
      if (reader === undefined) throw new Error('registered without sdkMetrics');
      await reader.forceFlush();
      const points = [];
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            for (const point of metric.dataPoints) points.push({ scope: scope.scope.name, name: metric.descriptor.name, attributes: point.attributes, value: point.value });
          }
        }
      }
      metricExporter.reset();
      return points.filter((point) => point.value !== 0);
    },
    async shutdown() {
      await tracerProvider?.shutdown();
      if (meterProvider !== undefined) await meterProvider.shutdown();
      contextManager?.disable();
      api.trace.disable();
      api.metrics.disable();
      api.context.disable();
    },
  };
}
