import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
`npm run test:browser`: the browser test alone. It needs Debian's Chromium (`apt-get install
chromium`, which .ci/run does), so it is not part of `npm test`, which runs on a fresh machine.
*/
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/browser.test.ts'], exclude: ['**/node_modules/**'] },
});
