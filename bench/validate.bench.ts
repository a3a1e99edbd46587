// Benchmark: model accuracy against real container starts. Runs `densityplan validate` (crun
// run of /bin/true, closed loop) over the default grid M ∈ {0,1000,4000,10000} × C ∈ {1,4,16}
// and prints measured vs predicted p50/p99 with relative errors (target ±20% p50, ±30% p99).
// `--smoke`: one M=0, C=1 cell of 8 starts, to prove the pipeline runs (a few seconds).
// Needs root, Linux and crun; prints why and exits 0 otherwise (figures, never assertions).
// Uses the built CLI (npm run build), like a user would.
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

const smoke = process.argv.includes('--smoke')
const cli = join(import.meta.dirname, '..', 'bin', 'run.js')
if (process.getuid?.() !== 0 || spawnSync('crun', ['--version']).status !== 0) {
  process.stdout.write('validate bench skipped: needs root and crun (sudo scripts/test-prereqs.sh)\n')
  process.exit(0)
}
const args = smoke ? ['--mounts', '0', '--concurrency', '1', '--starts', '8', '--overhead', 'model'] : []
const started = performance.now()
const r = spawnSync(process.execPath, [cli, 'validate', ...args], {stdio: ['ignore', 'inherit', 'inherit'], env: {...process.env, NO_COLOR: '1'}})
process.stdout.write(`validate ${smoke ? '(smoke) ' : ''}wall ${((performance.now() - started) / 1000).toFixed(1)} s, exit ${r.status}\n`)
process.exit(r.status ?? 1)
