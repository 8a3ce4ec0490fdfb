/**
 * The options of the two dispatchers, {@link sign} and {@link verify}, and of the client adapters: either scheme.
 *
 * @packageDocumentation
 */
import type { CavageSignOptions, CavageSigningOptions } from './cavage/types.js';
import type { Rfc9421SignOptions, Rfc9421SigningOptions } from './rfc9421/types.js';

/**
 * Options that say how to sign, shared by {@link sign} and every client adapter: draft-cavage
 * ({@link CavageSigningOptions}, `scheme` `'authorization'` or `'signature'`) or RFC 9421
 * ({@link Rfc9421SigningOptions}, `scheme: 'rfc9421'`).
 */
export type SigningOptions = CavageSigningOptions | Rfc9421SigningOptions;

/** Options of {@link sign}: the signing options plus the body and clock of this one request. */
export type SignOptions = CavageSignOptions | Rfc9421SignOptions;
