import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

// The CI gross-regression guard: a small grid of real crun starts vs the model's prediction,
// failing if any relative error exceeds 50%. The real accuracy target (±20% p50, ±30% p99 on the
// full grid) is checked by `densityplan validate` itself; see docs/calibrate.md.
const cli = join(import.meta.dirname, '..', '..', 'bin', 'run.js')

interface Cell {
  mounts: number
  concurrency: number
  measuredMs: {p50: number; p99: number}
  predictedMs: {p50: number; p99: number}
  relativeError: {p50: number; p99: number}
}

describe('densityplan validate (CI guard)', () => {
  it('predicts real crun start times within ±50% on a small grid', () => {
    if (process.getuid?.() !== 0) throw new Error('validate starts real containers and must run as root (CI does): sudo npx vitest run test/validate')
    if (spawnSync('crun', ['--version']).status !== 0) throw new Error('crun is not installed: run sudo scripts/test-prereqs.sh')
    const r = spawnSync(process.execPath, [cli, 'validate', '--mounts', '0,2000', '--concurrency', '1,4', '--starts', '48', '--replications', '3', '--json'], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    expect(r.status, r.stderr).toBe(0)
    const result = JSON.parse(r.stdout) as {cells: Cell[]; verdict: string}
    expect(result.cells).toHaveLength(4)
    for (const c of result.cells) {
      expect(c.measuredMs.p50).toBeGreaterThan(0)
      expect(c.predictedMs.p50).toBeGreaterThan(0)
      const where = `M=${c.mounts} C=${c.concurrency}: measured ${c.measuredMs.p50}/${c.measuredMs.p99} ms, predicted ${c.predictedMs.p50}/${c.predictedMs.p99} ms`
      expect(Math.abs(c.relativeError.p50), where).toBeLessThanOrEqual(0.5)
      expect(Math.abs(c.relativeError.p99), where).toBeLessThanOrEqual(0.5)
    }
  }, 120_000)

  it('rejects a malformed grid with exit 2 and names the flag', () => {
    const r = spawnSync(process.execPath, [cli, 'validate', '--concurrency', '1,x'], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--concurrency expects comma-separated integers/)
  })
})
