/**
 * The one point where sign and verify calls report to OpenTelemetry, and the switch an application may turn.
 * Every function that signs or verifies (`sign`, `verify`, `signSync`, `verifySync`, `signRfc9421`,
 * `verifyRfc9421`) runs through {@link reported} once per call. Until an OpenTelemetry API is known this costs one
 * comparison: in Node the API is looked for once, on the first call, through the `#telemetry` import condition;
 * elsewhere (browsers, bundles) only {@link useOpenTelemetry} turns reporting on, so a page never loads the
 * OpenTelemetry code unless it asks for it.
 * @packageDocumentation
 */
import { detectReporter } from '#telemetry';
import { isOpenTelemetryApi, openTelemetryReporter, type OpenTelemetryApi, type Reporter, type TelemetryOperation, type TelemetryScheme } from './opentelemetry.js';

export type { OpenTelemetryApi, OpenTelemetryTracer, OpenTelemetrySpan, OpenTelemetryCounter } from './opentelemetry.js';

/** The reporter in use; `null` when reporting is off, `undefined` until the first call looked for the API. */
let active: Reporter | null | undefined;

/**
 * Runs `run(a, b)`, reported when an OpenTelemetry API is in use. Returns or throws what `run` does, unchanged
 * (a synchronous result stays synchronous). Internal.
 * @param operation - `sign` or `verify`.
 * @param scheme - `cavage` or `rfc9421`.
 * @param run - the call, taking its two arguments (no closure per call).
 * @param a - the message.
 * @param b - the options.
 * @returns what `run` returns.
 */
export function reported<A, B, R>(operation: TelemetryOperation, scheme: TelemetryScheme, run: (a: A, b: B) => R, a: A, b: B): R {
  const reporter = active === undefined ? (active = detectReporter()) : active;
  return reporter === null ? run(a, b) : reporter(operation, scheme, run, a, b);
}

/**
 * Sets where sign and verify calls report: to the given OpenTelemetry API, or nowhere with `false`. In Node this is
 * not needed when `@opentelemetry/api` can be resolved from this package (it is then found on the first call);
 * browsers, Deno without `node_modules`, and bundled applications call it once at start-up. Spans and counts go to
 * whichever tracer and meter providers are registered with that API (none: nothing is recorded).
 * @param api - the `@opentelemetry/api` module (`import * as api from '@opentelemetry/api'`), or `false` to stop
 *   reporting (also in Node, where the API would otherwise be found).
 * @throws TypeError when `api` is neither `false` nor an object with the OpenTelemetry API's `trace`, `context` and
 *   `metrics`.
 * @example
 * ```ts
 * import * as otel from '@opentelemetry/api'
 * import { useOpenTelemetry } from '@httpsig/core'
 * useOpenTelemetry(otel)
 * ```
 */
export function useOpenTelemetry(api: OpenTelemetryApi | false): void {
  if (api === false) active = null;
  else if (isOpenTelemetryApi(api)) active = openTelemetryReporter(api);
  else throw new TypeError('useOpenTelemetry needs the @opentelemetry/api module, or false');
}
