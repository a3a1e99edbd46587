// Runs every benchmark in bench/*.bench.ts in turn, each in its own Node process so memory
// figures are per benchmark. `--smoke` asks each for a short run (CI); figures are printed,
// never asserted. Usage: npm run bench [-- --smoke] [-- name-filter]
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

const dir = import.meta.dirname
const args = process.argv.slice(2)
const smoke = args.includes('--smoke')
const filters = args.filter((a) => !a.startsWith('--'))
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((x) => f.includes(x))))
  .sort()
let failed = 0
for (const file of benches) {
  process.stdout.write(`\n== ${file}${smoke ? ' (smoke)' : ''}\n`)
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, file), ...(smoke ? ['--smoke'] : [])], {stdio: 'inherit'})
  if (r.status !== 0) {
    failed++
    process.stdout.write(`!! ${file} exited with ${r.status ?? r.signal}\n`)
  }
}
process.exit(failed ? 1 : 0)
