import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      'suno-cover/redis': fileURLToPath(new URL('./src/redis/index.ts', import.meta.url)),
      'suno-cover/node': fileURLToPath(new URL('./src/node/index.ts', import.meta.url)),
      'suno-cover/testing': fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)),
      'suno-cover': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Needs a Chromium the machine may not have: `npm run test:browser` (vitest.browser.config.ts).
    exclude: ['test/browser.test.ts', '**/node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
