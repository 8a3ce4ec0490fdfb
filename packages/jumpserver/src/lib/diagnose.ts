/** Internal: turn a failed JumpServer answer into a typed error with a hint. */
import {
  JumpServerAuthenticationError,
  JumpServerError,
  JumpServerHttpError,
  JumpServerIpNotAllowedError,
  JumpServerPermissionError,
  JumpServerRateLimitError,
  JumpServerServerError,
} from '../errors.js';
import { serverDetail, type ReadResponse } from './http.js';

/** What the client knows about the request that failed. */
export interface FailureContext {
  method: string;
  target: string;
  /** How the request was authenticated. */
  auth: 'signature' | 'bearer' | 'private-token';
  /** The signed header names, for signature auth. */
  signedHeaders?: readonly string[] | undefined;
  /** The signing string, for signature auth. */
  signingString?: string | undefined;
  /** The organisation sent as X-JMS-ORG, if any. */
  org?: string | undefined;
}

/**
 * Build the typed error for an unsuccessful answer.
 *
 * @param response - the answer.
 * @param context - the request.
 * @returns the error to throw.
 */
export function errorFor(response: ReadResponse, context: FailureContext): JumpServerError {
  const detail = serverDetail(response.json);
  const details = {
    status: response.status,
    method: context.method,
    path: context.target,
    detail,
    signingString: context.signingString,
  };
  const signed = (context.signedHeaders ?? []).map((h) => h.toLowerCase());
  if (response.status === 401) {
    if (/^Ip is not in access ip list/i.test(detail ?? '')) return new JumpServerIpNotAllowedError(details);
    if (context.auth === 'signature') {
      return new JumpServerAuthenticationError(
        'JumpServer did not accept the signature ("Invalid signature."). Check the access key id and secret ' +
          '(and that the key is enabled and, from v3.9, that this IP is in its allow-list). The path must be signed ' +
          'exactly as sent, with its trailing slash and query; a proxy that rewrites the path or a redirect adding ' +
          "the slash breaks it. Compare the error's signingString with what the server received.",
        details,
      );
    }
    if (context.auth === 'bearer') {
      return new JumpServerAuthenticationError(
        'The bearer token is invalid or expired (default lifetime 24 h). Log in again, or give the client ' +
          'credentials so that it re-logs in by itself.',
        details,
      );
    }
    return new JumpServerAuthenticationError(
      'The private token is not valid. A private token is created from the JumpServer shell ' +
        '(user.create_private_token()); an access key id is not a token: use accessKey({ keyId, secret }).',
      details,
    );
  }
  if (response.status === 403) {
    return new JumpServerPermissionError(
      (context.org === undefined
        ? 'No X-JMS-ORG was sent, so the server used the Default organisation. '
        : `The organisation ${context.org} (X-JMS-ORG) does not exist or the user is not a member. `) +
        'Set org to an organisation the user belongs to (Default is 00000000-0000-0000-0000-000000000002; the global ' +
        'org 00000000-0000-0000-0000-000000000000 needs a superuser or auditor), and check the user\'s role allows this API.',
      details,
    );
  }
  if (response.status >= 500) {
    let hint: string;
    if (signed.includes('content-type') || signed.includes('content-length')) {
      hint = 'JumpServer fails with 500 when content-type or content-length is signed: it rebuilds headers from ' +
        'Django META with key[5:], so CONTENT_TYPE becomes "nt-type" and the signed header is "missing". Sign only ' +
        '(request-target) accept date (and x-jms-org): use accessKey().';
    } else if (context.auth === 'signature' && response.status === 500) {
      hint = 'JumpServer answers 500 to a signature whose headers= list names a header the request lacks, or lacks ' +
        '(request-target) or date. Use accessKey() to sign (request-target) accept date.';
    } else if (response.status === 500) {
      hint = 'JumpServer failed while handling the request; its logs (jms_core) have the traceback.';
    } else {
      hint = 'JumpServer or its proxy is unavailable or overloaded (idempotent requests were retried). Try again later.';
    }
    return new JumpServerServerError(hint, details);
  }
  if (response.status >= 300 && response.status < 400) {
    return new JumpServerHttpError(
      `JumpServer redirected the request (to ${response.headers.get('location') ?? 'an unknown place'}). A signed ` +
        'request must not follow a redirect: use the final URL as baseUrl (https, host) and paths ending with "/".',
      details,
    );
  }
  if (response.status === 404) {
    return new JumpServerHttpError('Not found: check the API path (e.g. /api/v1/assets/assets/) and that the object exists in this organisation.', details);
  }
  if (response.status === 429) {
    const raw = response.headers.get('retry-after');
    const seconds = raw !== null && /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
    return new JumpServerRateLimitError(seconds, details);
  }
  return new JumpServerHttpError('JumpServer refused the request; see detail for the field errors.', details);
}
