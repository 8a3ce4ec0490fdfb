// RFC 9421's published Ed25519 (B.1.4) and RSA-PSS (B.1.2) test keys, and their RFC 7638 thumbprints: the keyids
// the Web Bot Auth draft's examples use for them.
import { pemOf } from '../rfc9421-helpers.js';

/** The Ed25519 test key, private (PEM). */
export const ED_SIGN: string = pemOf('rfc9421-test-key-ed25519.private.pem');
/** The Ed25519 test key, public (PEM). */
export const ED_VERIFY: string = pemOf('rfc9421-test-key-ed25519.public.pem');
/** The RSA-PSS test key, private (PEM). */
export const PSS_SIGN: string = pemOf('rfc9421-test-key-rsa-pss.private.pem');
/** The RSA-PSS test key, public (PEM). */
export const PSS_VERIFY: string = pemOf('rfc9421-test-key-rsa-pss.public.pem');
/** The thumbprint of the Ed25519 test key. */
export const ED_KEYID = 'poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U';
/** The thumbprint of the RSA-PSS test key. */
export const PSS_KEYID = 'oD0HwocPBSfpNy5W3bpJeyFGY_IQ_YpqxSjQ3Yd-CLA';
