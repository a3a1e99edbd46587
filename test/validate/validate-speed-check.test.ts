import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {simulate} from '../../src/app/simulate.js'
import {simRequest} from '../../src/app/validate.js'
import {atKernelSpeed, copyCostError, copySpeedRatio, SPEED_TOLERANCE, speedCheck} from '../../src/app/validate-speed-check.js'
import {loadModelFile} from '../../src/io/model-file.js'
import {KernelModelSchema, type LinearCost} from '../../src/model/schema.js'

const copy: LinearCost = {fixedNs: 0, perUnitNs: 2_600, unit: 'mount', source: {command: 'dp-probe legacy', samples: 15}}

describe('validate: kernel speed check', () => {
  it('says when this machine copies a mount table faster than the model, and by how much predictions run high', () => {
    // 4,022 mounts at ~1,750 ns each before and ~1,770 after, against the model's 2,600.
    const c = speedCheck(copy, 4022, [1750 * 4022, 1740 * 4022, 1760 * 4022], [1770 * 4022])
    expect(c.modelNsPerMount).toBe(2600)
    expect(c.beforeNsPerMount).toBe(1750)
    expect(c.afterNsPerMount).toBe(1770)
    expect(c.ratio).toBeCloseTo(1760 / 2600, 3)
    expect(c.drifted).toBe(true)
    expect(c.line).toMatch(/faster than when the model was measured/)
    // 2,600 / 1,760 − 1 = 48%.
    expect(c.line).toMatch(/predicted high by up to about 48%/)
    expect(c.line).toMatch(/recalibrate/)
  })

  it('says predictions run low when the machine got slower', () => {
    const c = speedCheck(copy, 4000, [3_400 * 4000], [3_400 * 4000])
    expect(c.drifted).toBe(true)
    expect(c.line).toMatch(/slower .* predicted low by up to about 24%/)
  })

  it('is quiet within the tolerance, counting the fixed part of the copy too', () => {
    const withFixed: LinearCost = {...copy, fixedNs: 400_000, perUnitNs: 2_500}
    // Model at 4,000: (400,000 + 10,000,000) / 4,000 = 2,600 ns per mount; measured 2,600 × (1 + tolerance / 2).
    const ns = 2_600 * (1 + SPEED_TOLERANCE / 2) * 4000
    const c = speedCheck(withFixed, 4000, [ns], [ns])
    expect(c.modelNsPerMount).toBe(2600)
    expect(c.drifted).toBe(false)
    expect(c.line).toMatch(/within ±10% of the model/)
  })

  it('refuses a table of no mounts', () => {
    expect(() => speedCheck(copy, 0, [1], [1])).toThrow(/mounts must be positive/)
  })
})

describe("validate --fail-above: the model's copy cost against this machine's", () => {
  it("is the model's relative error against the nearer of the two measurements", () => {
    // A copy cost tripled: model 6,262 ns per mount, this machine 2,272 before and 2,200 after.
    expect(copyCostError({modelNsPerMount: 6262, beforeNsPerMount: 2272, afterNsPerMount: 2200})).toBeCloseTo(6262 / 2272 - 1, 6)
    // Drift between the two is not counted against the model: the after measurement agrees with it.
    expect(copyCostError({modelNsPerMount: 2000, beforeNsPerMount: 3000, afterNsPerMount: 2050})).toBeCloseTo(2000 / 2050 - 1, 6)
    // A model that is too cheap gives a negative error.
    expect(copyCostError({modelNsPerMount: 1000, beforeNsPerMount: 2500, afterNsPerMount: 2600})).toBeCloseTo(1000 / 2500 - 1, 6)
  })

  it("stamps a cell with this machine's copy cost just before it, against the model's at the same M", () => {
    // Median of 1,950, 2,080 and 1,990 ns per mount against the model's 2,600: ×0.765.
    expect(copySpeedRatio(copy, 4022, [1950 * 4022, 2080 * 4022, 1990 * 4022])).toBe(0.765)
    const withFixed: LinearCost = {...copy, fixedNs: 400_000}
    // The model charges 2,600 + 400,000 / 4,000 = 2,700 ns per mount at this M.
    expect(copySpeedRatio(withFixed, 4000, [2_700 * 4000])).toBe(1)
    expect(() => copySpeedRatio(copy, 0, [1])).toThrow(/mounts must be positive/)
  })

  it('compares with what the model charges, its measured shape included', () => {
    // The shape puts the model's copy at 0.8 of its line at 2,022 mounts: 2,080 ns per mount.
    const shaped: LinearCost = {...copy, shape: {x: [22, 2_022, 4_022], ratio: [2, 0.8, 1]}}
    expect(copySpeedRatio(shaped, 2_022, [2_080 * 2_022])).toBe(1)
    expect(speedCheck(shaped, 2_022, [2_080 * 2_022], [2_080 * 2_022]).modelNsPerMount).toBe(2_080)
  })
})

describe("validate: a cell's prediction at its own kernel speed", () => {
  const shipped = join(import.meta.dirname, '..', '..', 'models', 'linux-6.18-legacy.json')
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-at-speed-'))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it("scales the kernel's syscall costs by the stamp and leaves the runtime, grace periods and wake-ups alone", async () => {
    const {model} = await loadModelFile(shipped)
    const fast = atKernelSpeed(model, 0.8)
    for (const name of ['copy', 'chtype', 'pivot', 'umount', 'teardown', 'mountinfoChunk', 'otn', 'dclone'] as const) {
      expect(fast.costs[name].perUnitNs).toBeCloseTo(model.costs[name].perUnitNs * 0.8, 6)
      expect(fast.costs[name].fixedNs).toBeCloseTo(model.costs[name].fixedNs * 0.8, 6)
    }
    // Section holds stay whole ns; propPerPeer (a fraction in the shipped model) is scaled as is.
    for (const name of ['attach', 'moveAttach'] as const) expect(fast.costs[name].ns).toBe(Math.round(model.costs[name].ns * 0.8))
    expect(fast.costs.propPerPeer.ns).toBeCloseTo(model.costs.propPerPeer.ns * 0.8, 6)
    for (const name of ['rcuGp', 'wakeLatency', 'forkExecOverhead', 'forkExecCpu', 'cpuContention', 'cgroupSync'] as const)
      expect(fast.costs[name]).toBe(model.costs[name])
    expect(KernelModelSchema.safeParse(fast).success).toBe(true)
    expect(atKernelSpeed(model, 1)).toEqual(model)
    expect(() => atKernelSpeed(model, 0)).toThrow(/positive/)
    expect(() => atKernelSpeed(model, Number.NaN)).toThrow(/positive/)
  })

  it('halves the simulated namespace_sem hold of a lone start at half the speed stamp', async () => {
    const {model} = await loadModelFile(shipped)
    const hold = async (m: typeof model, name: string): Promise<number> => {
      const path = join(dir, name)
      writeFileSync(path, JSON.stringify(m))
      const req = simRequest({modelPath: path, seed: 1, replications: 1, starts: 50, cores: 2}, {model: m, sha256: '', source: path}, 4_022, 1, 400, 30)
      const r = await simulate(req)
      if (!('namespaceSem' in r)) throw new Error('expected a one-kernel result')
      return r.namespaceSem.writeHoldMs
    }
    const ratio = (await hold(atKernelSpeed(model, 0.5), 'half.json')) / (await hold(model, 'same.json'))
    expect(ratio).toBeGreaterThan(0.49)
    expect(ratio).toBeLessThan(0.51)
  })
})
