/** Types of the shared RFC 9421 adapter cases (test-support/rfc9421-cases.mjs). */
import type { SigningOptions } from '@httpsig/core';
import type { CoreServer } from './core-server.mjs';

export const RFC9421_KEY_ID: string;
export const RFC9421_SECRET: string;
export const rfc9421Options: SigningOptions;
export function rfc9421Server(): Promise<CoreServer>;
export function rfc9421Cases(
  server: () => CoreServer,
  send: (options: SigningOptions, request: { method: string; url: string; json?: unknown }) => Promise<number>,
  jest: { test: (name: string, fn: () => Promise<void>) => void; expect: (value: unknown) => any },
): void;
