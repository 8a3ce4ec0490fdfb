/**
 * `@httpsig/core/web-bot-auth`: RFC 9421 as bots and agents use it to prove who they are (Web Bot Auth), and the
 * key directories they publish (HTTP Message Signatures Directory). Keys are named by their RFC 7638 thumbprint
 * (see {@link core/src!keyThumbprint}). Sign as a bot with {@link webBotAuth}; publish keys with {@link createKeyDirectory}.
 * @packageDocumentation
 */
export {
  WEB_BOT_AUTH_TAG, DIRECTORY_TAG, DIRECTORY_MEDIA_TYPE, DIRECTORY_PATH, SIGNATURE_AGENT_HEADER, WEB_BOT_AUTH_COMPONENTS, DIRECTORY_COMPONENTS,
} from './constants.js';
export {
  verifyWebBotAuth, DEFAULT_WEB_BOT_AUTH_MAX_VALIDITY, type VerifyWebBotAuthOptions, type VerifyWebBotAuthResult, type WebBotAuthKeys,
} from './verify.js';
export { webBotAuthKeyring } from './keyring.js';
export { verifyKeyDirectory, type VerifyKeyDirectoryOptions, type VerifyKeyDirectoryResult } from './verify-directory.js';
export {
  webBotAuth, DEFAULT_WEB_BOT_AUTH_EXPIRES_IN, WEB_BOT_AUTH_NONCE_BYTES,
  type WebBotAuthOptions, type WebBotAuthAlgorithm, type SignatureAgentForm,
} from './sign.js';
export {
  createKeyDirectory, DEFAULT_DIRECTORY_MAX_AGE,
  type KeyDirectory, type KeyDirectoryOptions, type KeyDirectoryDocument, type DirectoryKey, type DirectoryRequest, type DirectoryResponse,
} from './directory.js';
