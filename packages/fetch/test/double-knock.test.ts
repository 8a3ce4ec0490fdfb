// Double-knocking through signedFetch with undici's fetch, against the loopback servers of test-support.
import { fetch as undiciFetch } from 'undici';
import { doubleKnockCases } from '../../../test-support/double-knock-cases.mjs';
import { signedFetch } from '../src/index.js';
import type { FetchLike, SignedFetchOptions } from '../src/index.js';

doubleKnockCases((options: SignedFetchOptions) => {
  const fetchSigned = signedFetch(options, undiciFetch as unknown as FetchLike);
  return async ({ method = 'GET', url, body, stream }) => {
    const init: RequestInit & { duplex?: 'half' } = { method, headers: { 'content-type': 'application/activity+json' } };
    if (body !== undefined) init.body = body;
    if (stream !== undefined) {
      init.body = new ReadableStream({ start(controller) { controller.enqueue(new TextEncoder().encode(stream)); controller.close(); } });
      init.duplex = 'half';
    }
    const res = await fetchSigned(url, init);
    await res.arrayBuffer();
    return res.status;
  };
}, { test, expect, beforeAll, afterAll });
