// The client the shared double-knocking cases (test-support/double-knock-cases.mjs) drive, for one got major.
import got from 'got';
import { Readable } from 'node:stream';
import type { KnockCaseRequest } from '../../../../test-support/double-knock-cases.mjs';
import { httpSignature, type GotSignatureOptions } from '../../src/index.js';

/**
 * A maker of got clients with `httpSignature(options)` that never throw on HTTP errors or retry on their own.
 * @param gotInstance - got, of the major under test (got 13 is typed as got 14 here: the calls made are the same).
 * @returns `(options) => send`, where `send` resolves to the response status.
 */
export function knockClient(gotInstance: typeof got = got): (options: GotSignatureOptions) => (request: KnockCaseRequest) => Promise<number> {
  return (options) => {
    const client = gotInstance.extend({ throwHttpErrors: false, retry: { limit: 0 }, headers: { 'content-type': 'application/activity+json' } }, httpSignature(options));
    return async ({ method = 'GET', url, body, stream }) => {
      const res = await client(url, {
        method: method as 'GET',
        ...(body === undefined ? {} : { body }),
        ...(stream === undefined ? {} : { body: Readable.from([Buffer.from(stream)]) }),
      });
      return res.statusCode;
    };
  };
}
