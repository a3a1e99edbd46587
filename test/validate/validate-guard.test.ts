import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {KernelModelSchema} from '../../src/model/schema.js'

// The CI gross-regression guard: real crun starts vs the model's prediction, failing when any
// relative error exceeds 50%. The model is calibrated on this machine in this very run
// (`calibrate --quick`), so the guard compares this machine with itself, never with a model
// measured on other hardware: it passes on any machine where the model is right. The real
// accuracy target is checked by `densityplan validate` itself; see docs/calibrate.md.
const cli = join(import.meta.dirname, '..', '..', 'bin', 'run.js')
const env = {...process.env, NO_COLOR: '1'}
// M ∈ {0, 6000} × C ∈ {1, 4}: at 6,000 mounts and 4 concurrent starts the copy under
// namespace_sem write is a large share of a start, so a wrong copy cost shows (see the last test).
const GRID = ['--mounts', '0,6000', '--concurrency', '1,4', '--starts', '48', '--replications', '3']
let dir = ''
let model = ''

interface Cell {
  mounts: number
  concurrency: number
  measuredMs: {p50: number; p99: number}
  predictedMs: {p50: number; p99: number}
  relativeError: {p50: number; p99: number}
}

function validate(modelPath: string, extra: string[]) {
  return spawnSync(process.execPath, [cli, 'validate', '--model', modelPath, ...GRID, ...extra], {encoding: 'utf8', env})
}

/** Calibrates this machine into `out` (the runtime's overhead comes from validate's own M≈0, C=1 cell, so no crun here). */
function calibrate(out: string): void {
  const r = spawnSync(process.execPath, [cli, 'calibrate', '--quick', '--no-crun', '--out', out], {encoding: 'utf8', env})
  if (r.status !== 0) throw new Error(`calibrate --quick failed: ${r.stderr}`)
}

/** The cells of one validate run against `modelPath` that miss the guard's limits, one line each. */
function guardMisses(modelPath: string): string[] {
  const r = validate(modelPath, ['--json'])
  expect(r.status, r.stderr).toBe(0)
  const result = JSON.parse(r.stdout) as {cells: Cell[]; model: {id: string}}
  expect(result.cells).toHaveLength(4)
  const misses: string[] = []
  for (const c of result.cells) {
    expect(c.measuredMs.p50).toBeGreaterThan(0)
    expect(c.predictedMs.p50).toBeGreaterThan(0)
    const p50 = Math.abs(c.relativeError.p50) <= 0.5
    const p99 = Math.abs(c.relativeError.p99) <= 1
    if (!p50 || !p99) {
      const err = `p50 ${(c.relativeError.p50 * 100).toFixed(0)}%, p99 ${(c.relativeError.p99 * 100).toFixed(0)}%`
      misses.push(
        `M=${c.mounts} C=${c.concurrency}: measured ${c.measuredMs.p50}/${c.measuredMs.p99} ms, predicted ${c.predictedMs.p50}/${c.predictedMs.p99} ms (${err})`,
      )
    }
  }
  return misses
}

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('validate starts real containers and must run as root (CI does): sudo npx vitest run test/validate')
  if (spawnSync('crun', ['--version']).status !== 0) throw new Error('crun is not installed: run sudo scripts/test-prereqs.sh')
  dir = mkdtempSync(join(tmpdir(), 'dp-validate-guard-'))
  model = join(dir, 'this-machine.json')
  calibrate(model)
}, 180_000)
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('densityplan validate (CI guard)', () => {
  // p50 carries the ±50% guard. A p99 of 48 starts is the slowest start or two, on both sides
  // (the prediction resamples the 48 starts of the overhead cell), so one slow start moves it by
  // tens of percent: seen +85% at M=22 C=4 once in five fresh-clone runs. It gets a factor of 2.
  //
  // One miss is measured again, calibration included: on this 2-vCPU VM the real starts' p50 at
  // M=6,022, C=1 moves by more than the limit between minutes. CI on 2026-12-01 measured 18.1 ms
  // against a prediction of 29.1 (+60 %); 12 calibrate-then-validate runs on this VM the same day
  // measured 23.5-40.2 ms against 28.1-34.9 (-26 % to +29 %): docs/calibrate.md, "The guard's
  // second attempt". A right model misses one attempt in many; a grossly wrong one misses both.
  it('predicts real crun start times within ±50% (p50) and a factor of 2 (p99) with a model calibrated on this machine in the same run', () => {
    const first = guardMisses(model)
    if (first.length === 0) return
    console.warn(`validate guard: attempt 1 missed (${first.join('; ')}); calibrating again and measuring once more`)
    model = join(dir, 'this-machine-2.json')
    calibrate(model)
    const second = guardMisses(model)
    expect(second, `the second attempt missed too (the first: ${first.join('; ')})`).toEqual([])
  }, 300_000)

  it('fails (exit 4, naming the copy cost) when fed the same model with its copy cost tripled', () => {
    const m = KernelModelSchema.parse(JSON.parse(readFileSync(model, 'utf8')))
    const wrong = join(dir, 'copy-x3.json')
    writeFileSync(
      wrong,
      JSON.stringify({
        ...m,
        id: 'copy-x3',
        costs: {...m.costs, copy: {...m.costs.copy, fixedNs: m.costs.copy.fixedNs * 3, perUnitNs: m.costs.copy.perUnitNs * 3, spread: undefined}},
      }),
    )
    // The guard's comparison: --fail-above 0.5 exits 4 listing every cell beyond ±50%, and the
    // copy cost when this machine's measured copy puts it beyond ±50%.
    const r = validate(wrong, ['--fail-above', '0.5'])
    expect(r.status, r.stderr).toBe(4)
    // Caught for the right reason: the copy cost named as too high against this machine's copy.
    // The cells alone are not enough: this model is low elsewhere on this VM, so a tripled copy
    // cost showed as +30 % to +75 % at M = 6,023 and, in one of eight runs, stayed under +50 %
    // in both M = 6,023 cells (docs/calibrate.md, "The guard and a wrong copy cost").
    const copy = /copy cost: model [\d.]+ ns\/mount at M=\d+, this machine [\d.]+ before the cells and [\d.]+ after: ([+-]\d+)% \(limit ±\+?50%\)/.exec(
      r.stderr,
    )
    expect(copy, r.stderr).not.toBeNull()
    expect(Number(copy![1]), r.stderr).toBeGreaterThan(50)
  }, 240_000)

  it('rejects a malformed grid with exit 2 and names the flag', () => {
    const r = spawnSync(process.execPath, [cli, 'validate', '--concurrency', '1,x'], {encoding: 'utf8', env})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--concurrency expects comma-separated integers/)
  })
})
