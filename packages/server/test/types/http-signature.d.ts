// Minimal typings for Joyent's http-signature (it ships none); only what the tests call.
declare module 'http-signature' {
  import type { ClientRequest } from 'node:http';
  interface SignOptions {
    keyId: string;
    key: string | Buffer;
    algorithm?: string;
    headers?: string[];
  }
  const httpSignature: { sign(request: ClientRequest, options: SignOptions): boolean };
  export default httpSignature;
}
