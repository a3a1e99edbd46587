import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // @oclif/test's runCommand reads what oclif writes through console.log.
    disableConsoleIntercept: true,
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests that start servers, containers or a browser share 2 cores; keep the fan-out small.
    maxWorkers: 2,
  },
})
