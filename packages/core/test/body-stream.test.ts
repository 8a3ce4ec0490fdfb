// Reading streamed bodies whole, up to a limit.
import { Readable } from 'node:stream';
import { isHttpSignatureError } from '../src/index.js';
import { bufferBody, chunkBytes, concatBytes } from '../src/adapter.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

test('web ReadableStream, Node stream, async and sync iterables of mixed chunks', async () => {
  const parts = ['ab', new Uint8Array([99]), new Uint8Array([100, 101]).buffer, Buffer.from('f')];
  const web = new ReadableStream<Uint8Array>({ start(c) { for (const p of ['ab', 'cd']) c.enqueue(new TextEncoder().encode(p)); c.close(); } });
  expect(text(await bufferBody(web, 10))).toBe('abcd');
  expect(text(await bufferBody(Readable.from(['ab', Buffer.from('cd')]), 10))).toBe('abcd');
  expect(text(await bufferBody((async function* () { yield* parts; })(), 10))).toBe('abcdef');
  expect(text(await bufferBody(parts, 10))).toBe('abcdef');
  expect(await bufferBody([], 0)).toEqual(new Uint8Array(0));
});

test('one byte over the limit is ERR_BODY_TOO_LARGE, and the source is cancelled or destroyed', async () => {
  let cancelled = false;
  const web = new ReadableStream<Uint8Array>({
    pull(c) { c.enqueue(new Uint8Array(4)); },
    cancel() { cancelled = true; },
  });
  const error = await bufferBody(web, 10).catch((e: unknown) => e);
  expect(isHttpSignatureError(error) && error.code).toBe('ERR_BODY_TOO_LARGE');
  expect((error as { limit: number }).limit).toBe(10);
  expect(cancelled).toBe(true);
  const node = Readable.from([Buffer.alloc(6), Buffer.alloc(5)]);
  await expect(bufferBody(node, 10)).rejects.toMatchObject({ code: 'ERR_BODY_TOO_LARGE' });
  expect(node.destroyed).toBe(true);
  await expect(bufferBody([Buffer.alloc(10)], 10)).resolves.toHaveLength(10);
});

test('chunks that are not strings or bytes are refused; chunks are copied', async () => {
  await expect(bufferBody([{ not: 'bytes' }], 10)).rejects.toThrow(TypeError);
  const source = new Uint8Array([1, 2, 3]);
  const copy = chunkBytes(source)!;
  source[0] = 9;
  expect(copy[0]).toBe(1);
  expect(chunkBytes(42)).toBeUndefined();
  expect(concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])])).toEqual(new Uint8Array([1, 2, 3]));
});

test('over the limit on one branch of a tee (a cloned Request body) refuses at once, without waiting for the other branch', async () => {
  const request = new Request('http://x/', { method: 'POST', body: new ReadableStream<Uint8Array>({ pull(c) { c.enqueue(new Uint8Array(1024)); } }), duplex: 'half' } as RequestInit);
  await expect(bufferBody(request.clone().body!, 4096)).rejects.toMatchObject({ code: 'ERR_BODY_TOO_LARGE' });
});
