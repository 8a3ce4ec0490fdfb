/**
 * Which crypto backend this build of the package runs on.
 * @packageDocumentation
 */
import { backend } from '#backend';

/**
 * `'node'` (node:crypto) or `'portable'` (@noble/hashes + WebCrypto + node-forge), as chosen by the
 * `#backend` import condition: `node` in Node.js, `portable` elsewhere or when Node runs with
 * `--conditions=portable`.
 */
export const backendName: 'node' | 'portable' = backend.name;
