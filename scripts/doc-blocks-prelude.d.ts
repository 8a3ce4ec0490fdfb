// What the code blocks of the docs and the TSDoc @examples may use without declaring it, read by
// scripts/check-doc-blocks.mjs. A block gets the declarations of the names it uses and does not declare or
// import itself: those of `doc-blocks` (every block), overridden by those of `doc-blocks:<file>` or
// `doc-blocks:<folder>/` for the blocks of that file or folder. One name per declaration.
//
// Keep these to what a reader would have in scope at that point of the page (a key lookup, a request, an app, the
// imports of the page's first block); a block that is wrong is fixed in the docs, not hidden here.

declare module 'doc-blocks' {
  // Credentials and keys the reader holds.
  const accessKeyId: string
  const accessKeySecret: string
  const secret: string
  const keyId: string
  const key: string
  const privateKeyPem: string
  const publicKeyPem: string
  const proxyKey: string
  function secretFor(keyId: string): Promise<string>
  function publicKeyOf(keyId: string): Promise<string>
  function publicKeyFor(keyId: string): Promise<string>
  const secrets: Map<string, string>
  const keys: Map<string, import('@httpsig/core').VerificationKey>
  const keyLookup: import('@httpsig/core').KeyLookup

  // The message at hand: a request to sign or as received, its body, a node:http server's request and response.
  const request: import('@httpsig/core').SignableRequest
  const received: import('@httpsig/core').SignableRequest
  const body: string
  const rawBody: Uint8Array
  const rawBodyBytes: Uint8Array
  const req: import('node:http').IncomingMessage
  const res: import('node:http').ServerResponse
  const err: unknown

  // The application around it.
  const app: import('express').Express
  const redis: import('ioredis').Redis
  const log: { warn(...args: unknown[]): void }
  const metrics: { increment(name: string, tags?: Record<string, string | undefined>): void }
  const db: {
    keys: { find(keyId: string): Promise<{ publicKeyPem: string } | null> }
    oneOrNone(sql: string, values: unknown[]): Promise<{ kind: 'hmac' | 'rsa'; secret: string; public_key: string } | null>
    /** Inserts a row unless its key exists; resolves whether it was inserted (a replay store over a database). */
    insertIfAbsent(key: string, row: object): Promise<boolean>
  }
}

// README.md: the RFC 9421 section continues the Signing and Verifying sections.
declare module 'doc-blocks:README.md' {
  import { sign } from '@httpsig/core'
  import { verify } from '@httpsig/core'
  // the RFC 9421 section's lookup
  const keyLookup: import('@httpsig/core').Rfc9421KeyLookup
}

declare module 'doc-blocks:docs/guides/fediverse.md' {
  // the activity to deliver, and the lookups of the first block
  const activity: { type: string; actor: string }
  const cavageLookup: import('@httpsig/core').KeyLookup
  const rfc9421Lookup: import('@httpsig/core').Rfc9421KeyLookup
}

declare module 'doc-blocks:docs/guides/jumpserver.md' {
  import { JumpServerClient } from '@httpsig/jumpserver'
  import { bearer } from '@httpsig/jumpserver'
  const client: import('@httpsig/jumpserver').JumpServerClient
  const password: string
  const totpSecret: string
}

declare module 'doc-blocks:docs/guides/keys.md' {
  import { expressMiddleware } from '@httpsig/server'
  import { remoteKeyLookup } from '@httpsig/keys'
}

declare module 'doc-blocks:docs/guides/rfc9421.md' {
  import { signRfc9421 } from '@httpsig/core/rfc9421'
  import { verifyRfc9421 } from '@httpsig/core/rfc9421'
  const forwardedRequest: import('@httpsig/core').SignableRequest
  const sentRequest: import('@httpsig/core').SignableRequest
  const answer: string
  // the client's fetch response
  const res: Response
  const keyLookup: import('@httpsig/core').Rfc9421KeyLookup
}

declare module 'doc-blocks:docs/guides/server.md' {
  import express from 'express'
  import { expressMiddleware } from '@httpsig/server'
  import { MemoryReplayStore } from '@httpsig/server'
  // a Hono handler's context, and what it answers
  const c: import('hono').Context
  const data: { ok: boolean }
}

declare module 'doc-blocks:packages/core/src/' {
  // a web Request (bufferBody) and the response carrying Accept-Signature
  const response: Response
}

declare module 'doc-blocks:packages/core/src/presets/' {
  const ed25519Pem: string
  const cavageLookup: import('@httpsig/core').KeyLookup
  const rfc9421Lookup: import('@httpsig/core').Rfc9421KeyLookup
}

declare module 'doc-blocks:packages/core/src/verify.ts' {
  const cavageLookup: import('@httpsig/core').KeyLookup
  const rfc9421Lookup: import('@httpsig/core').Rfc9421KeyLookup
}

declare module 'doc-blocks:packages/core/src/rfc9421/' {
  const keyLookup: import('@httpsig/core').Rfc9421KeyLookup
}

declare module 'doc-blocks:packages/core/src/replay-store.ts' {
  import { verifyRfc9421 } from '@httpsig/core/rfc9421'
  const keyLookup: import('@httpsig/core').Rfc9421KeyLookup
}

declare module 'doc-blocks:packages/core/src/body-stream.ts' {
  const request: Request
}

declare module 'doc-blocks:packages/core/src/client-options.ts' {
  // an adapter's options, whichever entry point exports splitClientOptions
  const options: Parameters<typeof splitClientOptions>[0]
}

declare module 'doc-blocks:packages/core/src/sign-outgoing.ts' {
  const options: Parameters<typeof signOutgoing>[1]
  const finalUrl: string
  const pairs: Parameters<typeof signOutgoing>[0]['headers']
  const bytes: Uint8Array
}

declare module 'doc-blocks:packages/core/src/errors.ts' {
  const options: import('@httpsig/core').VerifyOptions
}

declare module 'doc-blocks:packages/jumpserver/src/' {
  import { signedFetch } from '@httpsig/fetch'
  const client: import('@httpsig/jumpserver').JumpServerClient
  const baseUrl: string
  const username: string
  const password: string
}

declare module 'doc-blocks:packages/keys/src/' {
  import { expressMiddleware } from '@httpsig/server'
  import { verify } from '@httpsig/core'
}

declare module 'doc-blocks:packages/server/src/' {
  import express from 'express'
  import http from 'node:http'
  const options: import('@httpsig/server').ServerVerifyOptions
  // the context of a Hono handler that keeps the verified signature
  const c: import('hono').Context<{ Variables: { signature: import('@httpsig/server').SignatureVerification } }>
}

declare module 'doc-blocks:packages/server/src/fastify.ts' {
  const app: import('fastify').FastifyInstance
}

// Hono apps that keep the verified signature
declare module 'doc-blocks:packages/server/src/fetch.ts' {
  const app: import('hono').Hono<{ Variables: { signature: import('@httpsig/server').SignatureVerification } }>
}

declare module 'doc-blocks:packages/server/src/response.ts' {
  const app: import('hono').Hono<{ Variables: { signature: import('@httpsig/server').SignatureVerification } }>
}

declare module 'doc-blocks:packages/server/src/sign-response.ts' {
  const app: import('hono').Hono
}
