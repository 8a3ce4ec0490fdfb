/**
 * What a sign or verify call reports to OpenTelemetry: one span and one count per call, named as the core guide's
 * "Observability" section lists them (a stable contract). Written against the few members of `@opentelemetry/api`
 * it uses, declared here, so that neither the code nor the published types need the package. Internal: reached
 * through `src/telemetry.ts`.
 * @packageDocumentation
 */
import { isHttpSignatureError } from './errors.js';

/** Which call is reported. */
export type TelemetryOperation = 'sign' | 'verify';
/** Which scheme the call signs or verifies. */
export type TelemetryScheme = 'cavage' | 'rfc9421';

/**
 * Runs `run(a, b)` and reports it. Returns what `run` returns (a result or a promise of one) and throws what it
 * throws, unchanged. Internal.
 */
export type Reporter = <A, B, R>(operation: TelemetryOperation, scheme: TelemetryScheme, run: (a: A, b: B) => R, a: A, b: B) => R;

/** The members of an OpenTelemetry `Span` that are used. */
export interface OpenTelemetrySpan {
  /** Whether the span is recorded (sampled by an SDK). */
  isRecording(): boolean;
  /** Sets an attribute. */
  setAttribute(key: string, value: string): unknown;
  /** Sets the status (`code` 2 is `SpanStatusCode.ERROR`). */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span. */
  end(): void;
}

/** The member of an OpenTelemetry `Tracer` that is used. */
export interface OpenTelemetryTracer {
  /** Starts a span (not made active). */
  startSpan(name: string, options?: { attributes?: Record<string, string> }): OpenTelemetrySpan;
}

/** The members of an OpenTelemetry `Counter` that are used. */
export interface OpenTelemetryCounter {
  /** Adds to the counter. */
  add(value: number, attributes?: Record<string, string>): void;
}

/**
 * The part of the `@opentelemetry/api` module that is used: the module itself (`import * as api from
 * '@opentelemetry/api'`) fits it. Declared here so that a project without the package still type-checks.
 */
export interface OpenTelemetryApi {
  /** The trace API. */
  trace: {
    /** The registered tracer provider (the API's proxy, replaced when the API is disabled). */
    getTracerProvider(): {
      /** The tracer of an instrumentation scope. */
      getTracer(name: string): OpenTelemetryTracer;
      /** The API's proxy provider: the tracer of the SDK's provider behind it, undefined while none is registered. */
      getDelegateTracer?(name: string): OpenTelemetryTracer | undefined;
    };
    /** A context with the span active in it. */
    setSpan(context: object, span: OpenTelemetrySpan): object;
  };
  /** The context API. */
  context: {
    /** The active context. */
    active(): object;
    /** Runs a function with a context active. */
    with<A extends unknown[], R>(context: object, fn: (...args: A) => R, thisArg?: undefined, ...args: A): R;
  };
  /** A no-op meter (recognised to skip counting while no meter provider is registered). */
  createNoopMeter?(): object;
  /** The metrics API. */
  metrics: {
    /** The registered meter provider (a no-op one while none is). */
    getMeterProvider(): {
      /** The meter of an instrumentation scope. */
      getMeter(name: string): {
        /** A monotonic counter. */
        createCounter(name: string, options?: { description?: string; unit?: string }): OpenTelemetryCounter;
      };
    };
  };
}

/**
 * Whether a value looks like the `@opentelemetry/api` module (the members used are functions).
 * @param value - the module, or anything.
 * @returns true when it can be reported to.
 */
export function isOpenTelemetryApi(value: unknown): value is OpenTelemetryApi {
  if (typeof value !== 'object' || value === null) return false;
  const { trace, context, metrics } = value as Partial<OpenTelemetryApi>;
  return typeof trace?.getTracerProvider === 'function' && typeof trace.setSpan === 'function' && typeof context?.active === 'function' &&
    typeof context.with === 'function' && typeof metrics?.getMeterProvider === 'function';
}

/** The instrumentation scope of the tracer and the meter. */
export const INSTRUMENTATION_SCOPE = '@httpsig/core';
/** `SpanStatusCode.ERROR` of the OpenTelemetry API (a stable value of the specification). */
const STATUS_ERROR = 2;
/** The outcome of a call that succeeded. */
const OK = 'ok';
/** The outcome of a failure that has no stable code (a TypeError for a malformed option, a key lookup's own error). */
const ERROR = 'error';
/** A stable error code: reported as it is. Anything else is reported as {@link ERROR}. */
const CODE = /^ERR_[A-Z0-9_]{1,60}$/;
/** An error type name (`TypeError`, a class name): an identifier, never text from the input. */
const TYPE_NAME = /^[A-Za-z_$][\w$]{0,63}$/;

/** The span name of each operation. */
const SPAN_NAMES = { sign: 'httpsig.sign', verify: 'httpsig.verify' } as const;
/** The span options of each operation and scheme, made once (the SDK copies the attributes). */
const SPAN_OPTIONS = {
  sign: { cavage: { attributes: { 'httpsig.scheme': 'cavage' } }, rfc9421: { attributes: { 'httpsig.scheme': 'rfc9421' } } },
  verify: { cavage: { attributes: { 'httpsig.scheme': 'cavage' } }, rfc9421: { attributes: { 'httpsig.scheme': 'rfc9421' } } },
} as const;

/** A span that records nothing: where no tracer provider is registered but a meter provider is. */
const NO_SPAN: OpenTelemetrySpan = { isRecording: () => false, setAttribute: () => NO_SPAN, setStatus: () => NO_SPAN, end: () => undefined };
/** The tracer of {@link NO_SPAN}. */
const NO_SPAN_TRACER: OpenTelemetryTracer = { startSpan: () => NO_SPAN };

/** The outcome attribute of a call: `ok`, the error's stable code, or `error`. */
function outcomeOf(error: unknown): string {
  return isHttpSignatureError(error) && CODE.test(error.code) ? error.code : ERROR;
}

/** `keyId` and `algorithm` of what the call knew or returned, when they are strings. */
function identify(span: OpenTelemetrySpan, source: unknown): void {
  if (typeof source !== 'object' || source === null) return;
  const { keyId, algorithm } = source as { keyId?: unknown; algorithm?: unknown };
  if (typeof keyId === 'string') span.setAttribute('httpsig.key_id', keyId);
  if (typeof algorithm === 'string') span.setAttribute('httpsig.algorithm', algorithm);
}

/**
 * The reporter of an OpenTelemetry API: a span `httpsig.sign` / `httpsig.verify` per call (active while the call
 * runs, so a key lookup's own spans are its children) and a count on `httpsig.sign.outcomes` /
 * `httpsig.verify.outcomes`. Only identifiers and codes are recorded: never a key, secret, signature, header value,
 * URL or error message.
 * @param api - the `@opentelemetry/api` module.
 * @returns the reporter.
 */
export function openTelemetryReporter(api: OpenTelemetryApi): Reporter {
  // The tracer and the meter are taken again when the registered provider changes: a meter taken before an SDK is
  // registered stays a no-op one for ever, and so does a tracer once the API is disabled and registered again.
  let tracerProvider: unknown;
  let tracer: OpenTelemetryTracer | undefined;
  // The API's proxy provider tells whether an SDK's provider is behind it (`getDelegateTracer`): while none is, no
  // span is started at all.
  const tracerNow = (): OpenTelemetryTracer | undefined => {
    const provider = api.trace.getTracerProvider();
    if (typeof provider.getDelegateTracer === 'function') return provider.getDelegateTracer(INSTRUMENTATION_SCOPE);
    if (tracer === undefined || provider !== tracerProvider) {
      tracer = provider.getTracer(INSTRUMENTATION_SCOPE);
      tracerProvider = provider;
    }
    return tracer;
  };
  let meterProvider: unknown;
  /** The counters of the registered meter provider; null while it is the API's no-op one (nothing to count). */
  let counters: Record<TelemetryOperation, OpenTelemetryCounter> | null | undefined;
  // The API's no-op meter, recognised by its class (the API exports a factory of it), so that a call with neither a
  // recording span nor a meter to count on costs nothing more than starting the no-op span.
  const NoopMeter = typeof api.createNoopMeter === 'function' ? api.createNoopMeter().constructor : undefined;
  const attributeSets: Record<TelemetryScheme, Record<string, Record<string, string>>> = { cavage: {}, rfc9421: {} };

  const countersNow = (): Record<TelemetryOperation, OpenTelemetryCounter> | null => {
    const provider = api.metrics.getMeterProvider();
    if (counters === undefined || provider !== meterProvider) {
      const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
      counters = NoopMeter !== undefined && meter instanceof NoopMeter ? null : {
        sign: meter.createCounter('httpsig.sign.outcomes', { description: 'Sign calls, by scheme and outcome', unit: '{call}' }),
        verify: meter.createCounter('httpsig.verify.outcomes', { description: 'Verify calls, by scheme and outcome', unit: '{call}' }),
      };
      meterProvider = provider;
    }
    return counters;
  };

  const count = (operation: TelemetryOperation, scheme: TelemetryScheme, outcome: string): void => {
    const now = countersNow();
    if (now === null) return;
    const sets = attributeSets[scheme];
    const attributes = sets[outcome] ??= { 'httpsig.scheme': scheme, 'httpsig.outcome': outcome };
    now[operation].add(1, attributes);
  };

  const finish = (operation: TelemetryOperation, scheme: TelemetryScheme, span: OpenTelemetrySpan, recording: boolean, result: unknown, failed: boolean, error: unknown): void => {
    const outcome = failed ? outcomeOf(error) : OK;
    if (recording) {
      if (operation === 'verify') identify(span, failed ? { keyId: isHttpSignatureError(error) ? error.keyId : undefined } : result);
      span.setAttribute('httpsig.outcome', outcome);
      if (failed) {
        const name = (error as { name?: unknown } | null)?.name;
        span.setAttribute('error.type', outcome !== ERROR ? outcome : typeof name === 'string' && TYPE_NAME.test(name) ? name : 'Error');
        span.setStatus({ code: STATUS_ERROR, message: outcome });
      }
    }
    span.end();
    count(operation, scheme, outcome);
  };

  return <A, B, R>(operation: TelemetryOperation, scheme: TelemetryScheme, run: (a: A, b: B) => R, a: A, b: B): R => {
    const current = tracerNow();
    if (current === undefined && countersNow() === null) return run(a, b);
    const span = (current ?? NO_SPAN_TRACER).startSpan(SPAN_NAMES[operation], SPAN_OPTIONS[operation][scheme]);
    const recording = span.isRecording();
    if (recording && operation === 'sign') identify(span, b);
    let result: R;
    try {
      result = recording ? api.context.with(api.trace.setSpan(api.context.active(), span), run, undefined, a, b) : run(a, b);
    } catch (error) {
      finish(operation, scheme, span, recording, undefined, true, error);
      throw error;
    }
    if (!(result instanceof Promise)) {
      finish(operation, scheme, span, recording, result, false, undefined);
      return result;
    }
    return result.then(
      (value: unknown) => {
        finish(operation, scheme, span, recording, value, false, undefined);
        return value;
      },
      (error: unknown) => {
        finish(operation, scheme, span, recording, undefined, true, error);
        throw error;
      },
    ) as R;
  };
}
