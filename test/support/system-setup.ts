import {existsSync} from 'node:fs'
import {join} from 'node:path'

// Runs before every system test file (vitest.config.ts). They run the built CLI, so a missing
// build is said once, with the fix, instead of as an oclif error deep inside each test.
const root = join(import.meta.dirname, '..', '..')
if (!existsSync(join(root, 'dist', 'commands', 'analyze.js'))) {
  throw new Error(
    'the system tests run the built CLI and dist/ is missing: run npm run build (npm test and npm run test:system build first), or run npm run test:unit, which needs no build',
  )
}
