// Double-knocking through withHttpSignature with axios's Node http adapter, against the loopback servers of test-support.
import axios from 'axios';
import { Readable } from 'node:stream';
import { doubleKnockCases } from '../../../test-support/double-knock-cases.mjs';
import { withHttpSignature } from '../src/index.js';
import type { AxiosSignatureOptions } from '../src/index.js';

doubleKnockCases((options: AxiosSignatureOptions) => {
  const instance = axios.create({ validateStatus: () => true, headers: { 'content-type': 'application/activity+json' } });
  withHttpSignature(instance, options);
  return async ({ method = 'GET', url, body, stream }) => {
    const data = stream !== undefined ? Readable.from([Buffer.from(stream)]) : body;
    const res = await instance.request({ method, url, ...(data === undefined ? {} : { data }) });
    return res.status;
  };
}, { test, expect, beforeAll, afterAll });
