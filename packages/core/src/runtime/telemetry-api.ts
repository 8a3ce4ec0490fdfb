/**
 * Loading `@opentelemetry/api` with a given `require`, for the two Node variants of the `#telemetry` condition.
 * Internal.
 */
import { isOpenTelemetryApi, openTelemetryReporter, type Reporter } from '../opentelemetry.js';

/** The package name, held in a variable so that bundlers do not try to bundle an optional peer. */
const API_PACKAGE = '@opentelemetry/api';

/**
 * The reporter of `@opentelemetry/api` as `load` resolves it; null when it is not installed or cannot be loaded
 * (reporting is never a reason for a sign or verify call to fail).
 * @param load - a synchronous `require`.
 * @returns the reporter, or null.
 */
export function reporterOf(load: (id: string) => unknown): Reporter | null {
  let api: unknown;
  try {
    api = load(API_PACKAGE);
  } catch {
    return null;
  }
  return isOpenTelemetryApi(api) ? openTelemetryReporter(api) : null;
}
