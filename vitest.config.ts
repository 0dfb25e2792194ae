import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Storage tests share one PostgreSQL server; each file uses its own schema, so files may run in parallel.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
