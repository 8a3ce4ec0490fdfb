/** Types of test-support/opentelemetry.mjs (written without @opentelemetry's types, which this folder cannot resolve). */

/** The modules the caller resolves: `@opentelemetry/api`, `…/sdk-trace-base`, `…/sdk-metrics`, `…/context-async-hooks`. */
export interface OpenTelemetryModules {
  api: unknown;
  sdkTrace?: unknown;
  sdkMetrics?: unknown;
  contextAsyncHooks?: unknown;
}

/** A finished span, as the in-memory exporter keeps it. */
export interface RecordedSpan {
  name: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: { name: string; attributes?: Record<string, unknown> }[];
  parentSpanContext?: { spanId: string } | undefined;
  spanContext(): { spanId: string; traceId: string };
}

/** One data point of a counter since the last {@link InMemoryTelemetry.counts}. */
export interface CountPoint {
  scope: string;
  name: string;
  attributes: Record<string, unknown>;
  value: number;
}

/** What {@link registerInMemoryTelemetry} registered. */
export interface InMemoryTelemetry {
  /** A tracer of the registered provider, for the test's own spans. */
  tracer: { startActiveSpan<T>(name: string, fn: (span: { end(): void }) => T): T };
  /** The spans ended so far (none without sdkTrace). */
  spans(): RecordedSpan[];
  /** Forgets the spans ended so far. */
  resetSpans(): void;
  /** The counts added since the last call (delta temporality), zero points left out. */
  counts(): Promise<CountPoint[]>;
  /** Shuts the providers down and unregisters them. */
  shutdown(): Promise<void>;
}

/** Registers tracer and meter providers (and a context manager when given) with the OpenTelemetry API. */
export function registerInMemoryTelemetry(modules: OpenTelemetryModules): InMemoryTelemetry;
