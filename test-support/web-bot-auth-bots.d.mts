/** Types of the shared bot request signer (test-support/web-bot-auth-bots.mjs). */
import type { KeyObject } from 'node:crypto';

/** A bot key: the private key, its public JWK and its RFC 7638 thumbprint. */
export interface BotKey {
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
  thumbprint: string;
}

/** How a bot's GET is signed. */
export interface BotSigning {
  /** The private key (Ed25519 signs `ed25519`, RSA `rsa-pss-sha512`). */
  key: KeyObject;
  /** The `keyid` (a thumbprint, or anything to test a wrong one). */
  keyId: string;
  /** The `Signature-Agent` field value as sent (see `agentMember`); none when undefined. */
  agent?: string | undefined;
  /** The covered components. Default `@authority`, and the `agent1` member when `agent` is given. */
  components?: string[] | undefined;
  /** The tag; `null` for none. Default `web-bot-auth`. */
  tag?: string | null | undefined;
  /** Unix seconds. Default now. */
  created?: number | undefined;
  /** Unix seconds. Default `created` + 60. */
  expires?: number | undefined;
  nonce?: string | undefined;
}

export const AGENT_MEMBER: string;
export function botKey(type?: 'ed25519' | 'rsa'): BotKey;
export function botHeaders(url: string, bot: BotSigning): Promise<Record<string, string>>;
export function agentMember(origin: string): string;
