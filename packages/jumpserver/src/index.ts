/**
 * `@httpsig/jumpserver`: a JumpServer API client (access keys, bearer tokens with MFA, private tokens), TOTP,
 * and typed errors with hints. The local emulator is in `@httpsig/jumpserver/emulator`.
 *
 * @packageDocumentation
 */
export { accessKey, checkOrg, CLASSIC_SIGNED_HEADERS, DEFAULT_ORG, PAM_SIGNED_HEADERS, ROOT_ORG, SYSTEM_ORG } from './access-key.js';
export type { AccessKeyOptions, JumpServerAlgorithm, JumpServerSigningOptions } from './access-key.js';
export { bearer, privateToken, isSigningAuth } from './auth.js';
export type { BearerAuth, PrivateTokenAuth, JumpServerAuth } from './auth.js';
export { JumpServerClient } from './client.js';
export type { CurrentOrg, JumpServerClientOptions, RequestOptions, PaginateOptions, QueryParams } from './client.js';
export { resources, Collection, ReadOnlyCollection, AssetCollection, ConnectionTokenCollection } from './resources.js';
export type { JumpServerResources, CollectionCallOptions, ListOptions, UserInput, WebComponent } from './resources.js';
export type * from './resource-types.js';
export { login } from './login.js';
export type { LoginOptions, LoginResult, OtpInput, JumpServerUser } from './login.js';
export { totp } from './totp.js';
export type { TotpAlgorithm, TotpOptions, TotpSecret } from './totp.js';
export * from './errors.js';
export type { FetchLike } from './lib/http.js';
