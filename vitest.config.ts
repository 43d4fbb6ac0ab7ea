import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two shared cores: integration tests start Java and S3 servers; keep parallelism modest.
    maxWorkers: 2,
  },
});
