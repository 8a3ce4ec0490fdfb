/**
 * `@httpsig/core/web-bot-auth`: RFC 9421 as bots and agents use it to prove who they are (Web Bot Auth), and the
 * key directories they publish (HTTP Message Signatures Directory). Keys are named by their RFC 7638 thumbprint
 * (see {@link core/src!keyThumbprint}).
 * @packageDocumentation
 */
export { WEB_BOT_AUTH_TAG, DIRECTORY_TAG, DIRECTORY_MEDIA_TYPE, DIRECTORY_PATH, SIGNATURE_AGENT_HEADER } from './constants.js';
