// Each jest project runs the suites on one backend; this proves the project really selected it.
import { backendName } from '../src/index.js';

declare const EXPECTED_BACKEND: string;

test('the running backend is the one this project selected', () => {
  expect(backendName).toBe(EXPECTED_BACKEND);
});
