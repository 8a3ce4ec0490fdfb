/**
 * Finding `@opentelemetry/api` from the CommonJS build in Node, with this module's own `require` (it resolves the
 * package as this package's optional peer). Internal: selected by the `#telemetry` import condition `node` +
 * `require`.
 */
import { reporterOf } from './telemetry-api.js';
import type { Reporter } from '../opentelemetry.js';

/** The CommonJS `require` of this module (declared here: the package builds without Node's types). */
declare const require: (id: string) => unknown;

/**
 * The reporter of the installed `@opentelemetry/api`, or null when it cannot be loaded.
 * @returns the reporter, or null.
 */
export function detectReporter(): Reporter | null {
  return reporterOf(require);
}
