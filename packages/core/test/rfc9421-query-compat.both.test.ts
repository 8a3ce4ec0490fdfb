// RFC 9421 `@query` without its leading `?` (Fedify's form): signed only with `queryComponent:
// 'without-question-mark'`, accepted only with `queryComponent: 'rfc9421-or-without-question-mark'` and then
// reported, on both crypto backends.
import { sign, verify, type Rfc9421Request, type VerifyRfc9421Options } from '../src/index.js';
import { buildSignatureBase, verifyRfc9421 } from '../src/rfc9421/index.js';
import { refusal } from './support/outcome.js';
import { withHeaders } from './rfc9421-helpers.js';
import * as edFixture from './support/rfc9421-fixture.js';

const { NOW, at, signed } = edFixture;
const COMPONENTS = ['@method', '@authority', '@path', '@query'];
const outbox: Rfc9421Request = { method: 'GET', url: 'https://b.example/users/bob/outbox?page=true', headers: [['host', 'b.example']] };
const lookups = (): VerifyRfc9421Options['keyLookup'] & { calls: number } => {
  const lookup = Object.assign((id: string | undefined) => {
    lookup.calls += 1;
    return edFixture.lookup(id, {});
  }, { calls: 0 });
  return lookup;
};

test("'without-question-mark' signs the query alone, the default the RFC's `?query`", async () => {
  const bare = await edFixture.sign({ components: COMPONENTS, queryComponent: 'without-question-mark' }, outbox);
  expect(bare.signatureBase).toContain('\n"@query": page=true\n');
  const standard = await edFixture.sign({ components: COMPONENTS }, outbox);
  expect(standard.signatureBase).toContain('\n"@query": ?page=true\n');
  // No query: the RFC's `?`, Fedify's empty value.
  const none = await edFixture.sign({ components: COMPONENTS, queryComponent: 'without-question-mark' }, { ...outbox, url: 'https://b.example/inbox' });
  expect(none.signatureBase).toContain('\n"@query": \n');
  expect(buildSignatureBase({ ...outbox, url: 'https://b.example/inbox' }, { components: ['@query'] })).toBe('"@query": ?\n"@signature-params": ("@query")');
});

test('the strict default refuses the ?-less form', async () => {
  const message = await signed({ components: COMPONENTS, queryComponent: 'without-question-mark' }, outbox);
  expect(await refusal(verifyRfc9421(message, at(NOW)))).toBe('ERR_SIGNATURE_MISMATCH');
  expect(await refusal(verifyRfc9421(message, at(NOW, { queryComponent: 'rfc9421' })))).toBe('ERR_SIGNATURE_MISMATCH');
});

test("'rfc9421-or-without-question-mark' accepts it with one lookup and reports it", async () => {
  const keyLookup = lookups();
  const message = await signed({ components: COMPONENTS, queryComponent: 'without-question-mark' }, outbox);
  const result = await verifyRfc9421(message, at(NOW, { keyLookup, queryComponent: 'rfc9421-or-without-question-mark' }));
  expect(result.queryComponent).toBe('without-question-mark');
  expect(result.signatureBase).toContain('\n"@query": page=true\n');
  expect(keyLookup.calls).toBe(1);
  // The query is still signed: another query fails.
  const moved = { ...(message as Rfc9421Request), url: 'https://b.example/users/bob/outbox?page=false' };
  expect(await refusal(verifyRfc9421(moved, at(NOW, { queryComponent: 'rfc9421-or-without-question-mark' })))).toBe('ERR_SIGNATURE_MISMATCH');
});

test('a standard signature is verified first and not marked; the dispatcher passes the option through', async () => {
  const message = await signed({ components: COMPONENTS }, outbox);
  const result = await verifyRfc9421(message, at(NOW, { queryComponent: 'rfc9421-or-without-question-mark' }));
  expect('queryComponent' in result).toBe(false);
  const bare = await sign(outbox, { scheme: 'rfc9421', key: edFixture.ED_SIGN, algorithm: 'ed25519', keyId: 'k', now: NOW * 1000, headers: COMPONENTS, queryComponent: 'without-question-mark' });
  const received = withHeaders(outbox, bare.headers) as Rfc9421Request;
  await expect(verify(received, { scheme: 'rfc9421', ...at(NOW, { queryComponent: 'rfc9421-or-without-question-mark' }) })).resolves.toMatchObject({ queryComponent: 'without-question-mark' });
});

test('a signature not covering @query is never tried twice, a forged one fails with one lookup', async () => {
  const keyLookup = lookups();
  const message = await signed({ components: ['@method', '@authority', '@path'] }, outbox);
  const forged = withHeaders(message, { signature: 'sig1=:AAAA:' });
  expect(await refusal(verifyRfc9421(forged, at(NOW, { keyLookup, queryComponent: 'rfc9421-or-without-question-mark' })))).toBe('ERR_SIGNATURE_MISMATCH');
  const forgedQuery = withHeaders(await signed({ components: COMPONENTS }, outbox), { signature: 'sig1=:AAAA:' });
  expect(await refusal(verifyRfc9421(forgedQuery, at(NOW, { keyLookup, queryComponent: 'rfc9421-or-without-question-mark' })))).toBe('ERR_SIGNATURE_MISMATCH');
  expect(keyLookup.calls).toBe(2);
});

test('an unknown queryComponent value is a TypeError on sign and verify', async () => {
  expect(await refusal(edFixture.sign({ components: COMPONENTS, queryComponent: 'rfc9421-or-without-question-mark' as never }, outbox))).toBe('TypeError');
  const message = await signed({ components: COMPONENTS }, outbox);
  expect(await refusal(verifyRfc9421(message, at(NOW, { queryComponent: 'without-question-mark' as never })))).toBe('TypeError');
});
