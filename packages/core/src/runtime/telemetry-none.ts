/**
 * No OpenTelemetry API is looked for outside Node (browsers, workers, other runtimes' default condition): reporting
 * starts only with `useOpenTelemetry`, and a page never downloads the reporting code it did not ask for. Internal:
 * the `#telemetry` import condition `default`.
 */
import type { Reporter } from '../opentelemetry.js';

/**
 * Nothing found: reporting is off until `useOpenTelemetry` is called.
 * @returns null.
 */
export function detectReporter(): Reporter | null {
  return null;
}
