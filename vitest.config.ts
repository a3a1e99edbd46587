import {defineConfig} from 'vitest/config'
import {ALL_TESTS, SYSTEM_TESTS, VALIDATE_TESTS} from './test/suites.js'

const SYSTEM_SETUP = './test/support/system-setup.ts'

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
      // npm run test:unit: no root, no build, no apt packages (test/suites.ts says which files are which).
      // The files of a worker share one module graph (isolate: false): unit tests mock and stub
      // nothing (test/suites.test.ts checks), and importing zod, vega-lite and the core once per
      // worker instead of once per file halves the suite's CPU time (21 → 11 s).
      {test: {...shared, name: 'unit', include: [ALL_TESTS], exclude: [...SYSTEM_TESTS, ...VALIDATE_TESTS], isolate: false, sequence: {groupOrder: 0}}},
      // npm run test:system: root, crun, Chromium, kubectl, the built CLI.
      {test: {...shared, name: 'system', include: [...SYSTEM_TESTS], setupFiles: [SYSTEM_SETUP], sequence: {groupOrder: 0}}},
      // Real crun starts timed against the model (system tests too): they run after every other
      // test file, alone, because a second busy core changes the very CPU costs they measure.
      {test: {...shared, name: 'validate', include: [...VALIDATE_TESTS], setupFiles: [SYSTEM_SETUP], fileParallelism: false, sequence: {groupOrder: 1}}},
    ],
  },
})
