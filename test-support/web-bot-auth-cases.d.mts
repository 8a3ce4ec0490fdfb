/** Types of the shared Web Bot Auth adapter cases (test-support/web-bot-auth-cases.mjs). */
import type { SigningOptions } from '@httpsig/core';
import type { CoreServer } from './core-server.mjs';

export const SIGNATURE_AGENT: string;
export function webBotAuthServer(): Promise<CoreServer>;
export function webBotAuthCases(
  server: () => CoreServer,
  send: (options: SigningOptions, request: { method: string; url: string }) => Promise<number>,
  jest: { test: (name: string, fn: () => Promise<void>) => void; expect: (value: unknown) => any },
): void;
