// The peers are the versions the README names, and Fedify runs on the Node 22 of the npm registry's `node` package
// while the tests (and our packages) run on this Node.
import { useFedify } from './support/fedify.js';
import { misskeyVersion } from './support/misskey.js';

const fedify = useFedify();

test('Fedify 2.3.6 runs under Node 22 (Fedify requires it), in a process of its own', () => {
  expect(fedify.versions).toEqual({ node: expect.stringMatching(/^v22\./) as unknown, fedify: '2.3.6' });
});

test('Misskey\'s library is 0.0.10, on the tests\' Node', () => {
  expect(misskeyVersion()).toBe('0.0.10');
});
