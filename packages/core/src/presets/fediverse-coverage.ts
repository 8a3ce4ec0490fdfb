/**
 * What a Fediverse signature covers, in each spec: shared by the presets and the client adapters' double-knocking
 * (which derives the other spec's options from these), in a module of its own so that the lazily loaded
 * double-knock policy does not load the presets.
 * @packageDocumentation
 */

/** The headers a Fediverse draft-cavage signature covers (a body adds `digest`): what Mastodon signs and requires. */
export const FEDIVERSE_SIGNED_HEADERS: readonly string[] = ['(request-target)', 'host', 'date'];
/** The components a Fediverse RFC 9421 signature covers (a body adds `content-digest`): what Mastodon requires. */
export const FEDIVERSE_COMPONENTS: readonly string[] = ['@method', '@target-uri'];
