/**
 * Finding `@opentelemetry/api` from the ESM build in Node: a synchronous `require` made for this file, so that it
 * resolves the package as this package's (optional) peer, and only when it is installed. Internal: selected by the
 * `#telemetry` import condition `node` + `import`.
 */
import { createRequire } from 'node:module';
import { reporterOf } from './telemetry-api.js';
import type { Reporter } from '../opentelemetry.js';

/**
 * The reporter of the installed `@opentelemetry/api`, or null when it cannot be loaded.
 * @returns the reporter, or null.
 */
export function detectReporter(): Reporter | null {
  return reporterOf(createRequire(import.meta.url));
}
