/**
 * An axios adapter that wraps the configured one: it signs each hop after `transformRequest` (so the digest
 * covers the bytes axios sends) and follows redirects itself, re-signing every same-origin hop (a hop to
 * another origin only with `signCrossOriginRedirects`, an https → http downgrade never).
 *
 * @packageDocumentation
 */
import type { Knocker } from '@httpsig/core/adapter';
import { AxiosError, AxiosHeaders, getAdapter } from 'axios';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { firstHop, hopConfig } from './hop.js';
import type { Hop } from './hop.js';
import { DEFAULT_MAX_REDIRECTS, assertAuthCompatible } from './options.js';
import { nextHop } from './redirect.js';
import { signHop } from './sign-hop.js';

const ORIGINAL = Symbol.for('@httpsig/axios.original-adapter');

type AdapterSetting = InternalAxiosRequestConfig['adapter'];
type SigningAdapter = AxiosAdapter & { [ORIGINAL]: AdapterSetting };

/**
 * Wraps `original` (a function, a name such as `'http'`/`'fetch'`, or a list) in a signing adapter. A
 * signing adapter given again is unwrapped first, so a retried config is signed once.
 *
 * @param original - the config's adapter setting.
 * @param knocker - core's double-knock policy (off: one try with the signing options).
 * @param maxBodyBytes - the limit for stream bodies.
 * @param signCrossOriginRedirects - sign hops redirected to another origin (never an https → http downgrade).
 * @returns the adapter.
 */
export function createSigningAdapter(
  original: AdapterSetting,
  knocker: Knocker,
  maxBodyBytes: number,
  signCrossOriginRedirects: boolean = false,
): AxiosAdapter {
  const inner = typeof original === 'function' && ORIGINAL in original ? (original as SigningAdapter)[ORIGINAL] : original;
  const adapter = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    assertAuthCompatible(config.auth, await knocker.signings());
    const adapterFn = getAdapter(inner, config);
    const send = (hop: Hop, headers: AxiosHeaders): Promise<AxiosResponse> => adapterFn(hopConfig(config, hop, headers));
    /** Sends a signed hop, and once more with the other spec when core's double-knock policy says so. */
    const knock = async (hop: Hop): Promise<AxiosResponse> => {
      let attempt = await knocker.first(hop.url);
      let response = await send(hop, await signHop(hop, attempt));
      let decision;
      try {
        decision = await knocker.decide(attempt, response.status, response.headers as Record<string, string>, hop.replayable);
      } catch (error) {
        discard(response);
        throw error;
      }
      if (decision.retry !== undefined) {
        discard(response);
        attempt = decision.retry;
        response = await send(hop, await signHop(hop, attempt));
      }
      await knocker.settle(attempt, response.status);
      return response;
    };
    const maxRedirects = config.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    let hop: Hop = await firstHop(config, maxBodyBytes);
    for (let hops = 0; ; hops++) {
      const response = hop.sign ? await knock(hop) : await send(hop, new AxiosHeaders(hop.headers));
      response.config = config;
      const next = maxRedirects === 0 ? undefined : nextHop(hop, response.status, response.headers['location'], signCrossOriginRedirects);
      if (next === undefined) return settle(config, response);
      discard(response);
      if (hops >= maxRedirects) {
        throw new AxiosError('Maximum number of redirects exceeded', 'ERR_FR_TOO_MANY_REDIRECTS', config, response.request);
      }
      hop = next;
    }
  };
  return Object.assign(adapter, { [ORIGINAL]: inner });
}

/** Resolves or rejects like axios's `settle`, with the caller's `validateStatus`. */
function settle(config: InternalAxiosRequestConfig, response: AxiosResponse): AxiosResponse {
  const validate = config.validateStatus;
  if (!response.status || !validate || validate(response.status)) return response;
  throw new AxiosError(
    `Request failed with status code ${response.status}`,
    response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE,
    config,
    response.request,
    response,
  );
}

/** Frees a redirect response whose body is a stream. */
function discard(response: AxiosResponse): void {
  const data = response.data as { destroy?: () => void } | undefined;
  if (data !== null && typeof data === 'object' && typeof data.destroy === 'function') data.destroy();
}
