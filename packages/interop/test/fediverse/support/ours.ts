// Our side of the interoperability tests: an Express app behind @httpsig/server's middleware on loopback, the
// actor host of @httpsig/keys' tests (https on loopback, `*.test` names, a throw-away certificate) with the fetch
// guard that allows only it, and a plain sender for requests another implementation signed.
import { expressMiddleware, type ServerVerifyOptions } from '@httpsig/server';
import express from 'express';
import { createServer } from 'node:http';
import { listenOnLoopback, type Listening } from '../../../../../test-support/loopback.mjs';

export {
  actor, certificateForTestHosts, ed25519Key, guardFor, json, rsaKey, useActorHost, type ActorHost, type TestKey,
} from '../../../../keys/test/support/actor-host.js';

/**
 * What our server answered: the status and its JSON — the verified keyId, and what the Fediverse profile adds to a
 * result when it applies (the scheme `scheme: 'auto'` picked, `queryUnsigned`, `queryComponent`); or the error
 * `code` and `message`.
 */
export interface OurVerdict {
  status: number;
  keyId?: string;
  scheme?: 'cavage' | 'rfc9421';
  queryUnsigned?: true;
  queryComponent?: 'without-question-mark';
  code?: string;
  message?: string;
}

/** An Express app verifying every request with `expressMiddleware(options)`; answers the verified signature. */
export async function ourServer(options: ServerVerifyOptions): Promise<Listening> {
  const application = express();
  application.use(expressMiddleware(options));
  application.use((req, res) => {
    const { keyId, scheme, queryUnsigned, queryComponent } = (req.signature ?? {}) as Omit<OurVerdict, 'status'>;
    res.json({ keyId, scheme, queryUnsigned, queryComponent });
  });
  return listenOnLoopback(createServer(application));
}

/**
 * Sends a request as another implementation signed it, with this Node's fetch (which writes the same `Host` the
 * signature covers, from the URL); answers our server's verdict.
 */
export async function sendSigned(url: string, init: { method?: string; headers: Record<string, string>; body?: string }): Promise<OurVerdict> {
  const headers = Object.fromEntries(Object.entries(init.headers).filter(([name]) => name.toLowerCase() !== 'host'));
  const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: init.body }) });
  return { status: response.status, ...await response.json() as Omit<OurVerdict, 'status'> };
}

/** Reads our server's verdict from a response. */
export async function verdictOf(response: { status: number; body: string }): Promise<OurVerdict> {
  return { status: response.status, ...JSON.parse(response.body) as Omit<OurVerdict, 'status'> };
}
