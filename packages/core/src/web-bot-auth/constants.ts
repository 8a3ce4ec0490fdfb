/**
 * The fixed names of Web Bot Auth and of the HTTP Message Signatures Directory, as the drafts give them.
 * @see https://datatracker.ietf.org/doc/draft-meunier-web-bot-auth-architecture/
 * @see https://datatracker.ietf.org/doc/draft-meunier-http-message-signatures-directory/
 */

/** The `tag` parameter of a bot's request signature. */
export const WEB_BOT_AUTH_TAG = 'web-bot-auth';

/** The `tag` parameter of the signatures on a key directory response. */
export const DIRECTORY_TAG = 'http-message-signatures-directory';

/** The media type a key directory is served with (a JWK set, RFC 7517 §5). */
export const DIRECTORY_MEDIA_TYPE = 'application/http-message-signatures-directory+json';

/** The well-known path of a key directory on the agent's origin. */
export const DIRECTORY_PATH = '/.well-known/http-message-signatures-directory';

/** The header naming the origin (or URL) of the signing agent's key directory, covered by the signature when sent. */
export const SIGNATURE_AGENT_HEADER = 'signature-agent';

/**
 * The components every bot signature covers (a sent `Signature-Agent` is covered on top): `@authority`, the
 * draft's minimum. What {@link core/src/web-bot-auth!webBotAuth} covers by default, what
 * {@link core/src/web-bot-auth!verifyWebBotAuth} requires, and what a server's `Accept-Signature` challenge asks for.
 */
export const WEB_BOT_AUTH_COMPONENTS: readonly string[] = ['@authority'];

/**
 * The components a directory response's signatures must cover: the authority it was requested from
 * (`"@authority";req`). {@link core/src/web-bot-auth!createKeyDirectory} covers `content-digest` too;
 * {@link core/src/web-bot-auth!verifyKeyDirectory} requires these.
 */
export const DIRECTORY_COMPONENTS: readonly string[] = ['"@authority";req'];
