import {defineConfig} from 'vitest/config'

const shared = {
  // @oclif/test's runCommand reads what oclif writes through console.log.
  disableConsoleIntercept: true,
  testTimeout: 60_000,
  hookTimeout: 120_000,
}

export default defineConfig({
  test: {
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    // Tests that start servers, containers or a browser share 2 cores; keep the fan-out small.
    maxWorkers: 2,
    projects: [
      {test: {...shared, name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/validate/**'], sequence: {groupOrder: 0}}},
      // Real crun starts timed against the model: they run after every other test file, alone,
      // because a second busy core changes the very CPU costs they measure.
      {test: {...shared, name: 'validate', include: ['test/validate/**/*.test.ts'], fileParallelism: false, sequence: {groupOrder: 1}}},
    ],
  },
})
