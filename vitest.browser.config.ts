import { defineConfig } from 'vitest/config';

/** Browser tests: the real app in a real Chromium (Debian's /usr/bin/chromium via playwright-core). */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One Chromium per file is plenty; running files one after another keeps the machine calm.
    fileParallelism: false,
  },
});
