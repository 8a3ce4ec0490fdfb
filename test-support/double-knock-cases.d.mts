/** Types of the shared double-knocking adapter cases (test-support/double-knock-cases.mjs). */
import type { SigningOptions } from '@httpsig/core';
import type { ClientOptions } from '@httpsig/core/adapter';

/** Draft-cavage preferred, RFC 9421 derived: the Fediverse case in one option (`doubleKnock: true`). */
export const cavageFirst: SigningOptions & ClientOptions;
/** RFC 9421 preferred, draft-cavage derived. */
export const rfc9421First: SigningOptions & ClientOptions;

/** One request of a case: a GET by default; `body` a string, `stream` the text of a stream body. */
export interface KnockCaseRequest {
  method?: string;
  url: string;
  body?: string;
  stream?: string;
}

export function doubleKnockCases(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the adapter's own options type
  client: (options: any) => (request: KnockCaseRequest) => Promise<number>,
  jest: {
    test: (name: string, fn: () => Promise<void>) => void;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect: (value: unknown) => any;
    beforeAll: (fn: () => Promise<void>) => void;
    afterAll: (fn: () => Promise<void>) => void;
  },
  /** `retryKeepsHooks: false` for got before 14.5 (no `preserveHooks`): one knock per request. */
  traits?: { retryKeepsHooks?: boolean },
): void;
