/**
 * Reading the `Signature-Agent` field a signature covers: which agent origin the bot names as the home of its key
 * directory. Internal.
 * @packageDocumentation
 */
import { isInnerList, parseDictionary, parseItem, Token, type InnerList, type Item } from 'structured-headers';
import { HeaderTooLargeError, MalformedSignatureError } from '../errors.js';
import type { ComponentId } from '../rfc9421/component-id.js';

/** Longest `Signature-Agent` value read, characters (the URL fetched is bounded by the key fetcher as well). */
export const MAX_SIGNATURE_AGENT_LENGTH = 2048;

/** The member's string, when the member is a string item whose `type` (if any) is `directory`. */
function agentString(member: Item | InnerList | undefined): string | undefined {
  if (member === undefined || isInnerList(member)) return undefined;
  const [value, params] = member;
  if (typeof value !== 'string') return undefined;
  const type = params.get('type');
  if (type !== undefined && !((type instanceof Token ? type.toString() : type) === 'directory')) return undefined;
  return value;
}

/**
 * The origin of the agent named by a covered `Signature-Agent` field. Two syntaxes are read, as the covered
 * component says:
 * - `"signature-agent";key="<member>"` (the current drafts, e.g. `Signature-Agent: sig1="https://agent.example"`):
 *   the field is a Structured Field dictionary and the named member must be a string (its `type` parameter, when
 *   present, `directory`);
 * - `"signature-agent"` (draft-meunier-web-bot-auth-architecture-02, what `web-bot-auth` 0.1.3 covers): the field
 *   is an sf-string (`Signature-Agent: "https://agent.example"`), or a dictionary of exactly one string member.
 *
 * @param lines - the field lines as received.
 * @param component - the covered `signature-agent` component.
 * @param keyId - for errors.
 * @returns the agent origin (`https://agent.example`, with its port when not the default).
 * @throws {@link HeaderTooLargeError} `ERR_HEADER_TOO_LARGE` — over {@link MAX_SIGNATURE_AGENT_LENGTH}.
 * @throws {@link MalformedSignatureError} `ERR_MALFORMED_SIGNATURE` — not one of the syntaxes above, or not an
 *   http(s) URL without credentials.
 * @internal
 */
export function signatureAgentOrigin(lines: readonly string[], component: ComponentId, keyId: string | undefined): string {
  const value = lines.join(', ');
  if (value.length > MAX_SIGNATURE_AGENT_LENGTH) throw new HeaderTooLargeError('The Signature-Agent header is over the size limit', { keyId });
  const key = component.params.get('key');
  let text: string | undefined;
  try {
    if (typeof key === 'string') {
      text = agentString(parseDictionary(value).get(key));
    } else {
      try {
        text = agentString(parseItem(value));
      } catch {
        const dictionary = parseDictionary(value);
        text = dictionary.size === 1 ? agentString([...dictionary.values()][0]) : undefined;
      }
    }
  } catch {
    text = undefined;
  }
  if (text === undefined) throw new MalformedSignatureError('The Signature-Agent header does not name an agent', { keyId });
  let url: URL;
  try { url = new URL(text); } catch { throw new MalformedSignatureError('The Signature-Agent is not a URL', { keyId }); }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '' || url.hostname === '') {
    throw new MalformedSignatureError('The Signature-Agent is not an http(s) URL without credentials', { keyId });
  }
  return url.origin;
}
