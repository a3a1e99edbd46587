import {describe, expect, it} from 'vitest'
import {
  analyzeClass,
  burstAt,
  MIN_REPLICATIONS_FOR_CI,
  mountsAt,
  nextReplications,
  replicationsFor,
  SWEEP_STOP_FACTOR,
} from '../../src/analyze/analyze-class.js'
import {DEFAULT_SETTINGS, densities, overheadFor, planClass, type AnalysisSettings} from '../../src/analyze/plan.js'
import {estimatedCost} from '../../src/analyze/run-classes.js'
import {fakeJob, fakeSimulator, nodeClass} from './support/fake-sim.js'

const settings: AnalysisSettings = {
  ...DEFAULT_SETTINGS,
  seed: 1,
  replications: 2,
  sweepPoints: 4,
  burstSizes: [1, 10],
  gridDensities: 2,
  bootstrapResamples: 50,
  cdfPoints: 20,
}

describe('analyzeClass', () => {
  it('gives OTN more pods/node under the SLO when the legacy lock time grows with the mount table', () => {
    // Fake: legacy holds 0.01 ms/mount per pod, all pods queue: at d pods, p99 ≈ 1000 + d·0.01·mounts(d),
    // which passes 5 s before 138 pods (3,980 mounts); OTN's flat 1 ms never does.
    const cls = nodeClass({hostMountsToday: 3000})
    const r = analyzeClass(cls, planClass(cls, settings, []), fakeSimulator())
    expect(r.results.legacy.slo.status).toBe('crossing')
    expect(r.results.otn.slo.maxPodsPerNode).toBeGreaterThan(r.results.legacy.slo.maxPodsPerNode)
    // The gain is between capacity-aware densities: OTN's kernel bound is past maxPods 110, which binds.
    expect(r.density.otn).toMatchObject({maxPodsPerNode: 110, binding: 'max-pods', lowerBound: false})
    expect(r.density.legacy.maxPodsPerNode).toBe(Math.min(110, r.results.legacy.slo.maxPodsPerNode))
    expect(r.delta.podsPerNodeGain).toBe(r.density.otn.maxPodsPerNode - r.density.legacy.maxPodsPerNode)
    expect(r.delta.p99TodayMs).toBeLessThan(0)
  })

  it("computes today's figures from the burst at today's density, by hand", () => {
    const cls = nodeClass({podsPerNodeToday: 10, hostMountsToday: 500, bursts: {rollingUpdate: 1, drainRefill: 10, jobWave: 1}})
    const r = analyzeClass(cls, planClass(cls, settings, []), fakeSimulator())
    // Legacy hold = 5 ms (500 mounts); pod i starts at 1000 + 5i + 5 → max 1050, p50 (type 7 of 1005..1050) 1027.5.
    expect(r.results.legacy.today.burstPods).toBe(10)
    expect(r.results.legacy.today.podStart.maxMs).toBe(1050)
    expect(r.results.legacy.today.podStart.p50Ms).toBe(1027.5)
    // Breakdown per pod: mean wait 22.5 ms, hold 5 ms, the rest 1000 ms.
    expect(r.results.legacy.today.breakdown).toEqual({lockWaitMs: 22.5, lockHoldMs: 5, otherMs: 1000})
    expect(r.results.legacy.today.cdf).toHaveLength(20)
    expect(r.results.legacy.today.cdf[0]).toEqual({q: 0, ms: 1005})
    expect(r.results.legacy.today.cdf.at(-1)).toEqual({q: 1, ms: 1050})
  })

  it('stops the sweep at the first density whose p99 exceeds 3× the SLO', () => {
    const cls = nodeClass({hostMountsToday: 20_000, hostMountsPerPod: 200})
    const r = analyzeClass(cls, planClass(cls, {...settings, sweepPoints: 8}, []), fakeSimulator())
    const sweep = r.results.legacy.sweep
    expect(sweep.at(-1)!.p99Ms).toBeGreaterThan(SWEEP_STOP_FACTOR * settings.sloMs)
    expect(sweep.slice(0, -1).every((p) => p.p99Ms <= SWEEP_STOP_FACTOR * settings.sloMs)).toBe(true)
    expect(sweep.length).toBeLessThan(r.results.otn.sweep.length)
  })

  it('is a pure function of the seed: same seed, same result; another seed, another result', () => {
    const cls = nodeClass()
    const a = analyzeClass(cls, planClass(cls, settings, []), fakeSimulator({noiseMs: 100}))
    const b = analyzeClass(cls, planClass(cls, settings, []), fakeSimulator({noiseMs: 100}))
    const c = analyzeClass(cls, planClass(cls, {...settings, seed: 2}, []), fakeSimulator({noiseMs: 100}))
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c))
  })

  it('uses the same seeds on both kernel paths (common random numbers)', () => {
    const seeds: Record<string, number[]> = {legacy: [], otn: []}
    const sim = fakeSimulator()
    const cls = nodeClass()
    analyzeClass(cls, planClass(cls, settings, []), (spec, seed) => {
      seeds[spec.path]!.push(seed)
      return sim(spec, seed)
    })
    expect(seeds.otn!.slice(0, 2)).toEqual(seeds.legacy!.slice(0, 2))
  })

  it('simulates only the burst sizes of the grid that fit the density', () => {
    const calls: Array<{path: string; burst: number; density: number}> = []
    const cls = nodeClass()
    const r = analyzeClass(cls, planClass(cls, {...settings, burstSizes: [1, 10, 500]}, []), fakeSimulator({calls}))
    expect(r.results.legacy.burstGrid.every((c) => c.burstPods <= c.podsPerNode)).toBe(true)
    expect(r.results.legacy.burstGrid.some((c) => c.burstPods === 500)).toBe(false)
  })
})

describe('operating points', () => {
  it('extrapolates the mount table by the per-pod slope and never below the empty-node baseline', () => {
    const cls = {hostMountsToday: 430, hostMountsPerPod: 10, podsPerNodeToday: 40}
    expect(mountsAt(cls, 40)).toBe(430)
    expect(mountsAt(cls, 100)).toBe(1030)
    expect(mountsAt(cls, 0)).toBe(30)
  })

  it("keeps today's burst share of the node's pods at other densities, capped by the density", () => {
    expect(burstAt({burstToday: 10}, {podsPerNodeToday: 40}, 80)).toBe(20)
    expect(burstAt({burstToday: 40}, {podsPerNodeToday: 40}, 10)).toBe(10)
    expect(burstAt({burstToday: 1}, {podsPerNodeToday: 40}, 4)).toBe(1)
  })

  it('uses fewer replications only where one run already holds enough pod starts, never fewer than 2', () => {
    expect(replicationsFor({replications: 6}, 10)).toBe(6)
    expect(replicationsFor({replications: 6}, 400)).toBe(2)
    expect(replicationsFor({replications: 6}, 150)).toBe(3)
  })

  it('grows replications to the count the 1/√n shrinking predicts, between a quarter more and double, never past the cap', () => {
    const plan = {targetHalfWidth: 0.05, maxReplications: 32}
    // Below the count whose interval the rule trusts: straight to it, whatever the interval says.
    expect(nextReplications(3, 0.001, plan)).toBe(MIN_REPLICATIONS_FOR_CI)
    expect(nextReplications(2, 0.5, {...plan, maxReplications: 4})).toBe(4)
    // 16 replications at ±5.4%: 16 · (5.4/5)² · 1.1 = 20.5 → 21 (doubling would have run 32).
    expect(nextReplications(16, 0.054, plan)).toBe(21)
    // Just above the target: at least a quarter more (8 → 10), not one at a time.
    expect(nextReplications(8, 0.0501, plan)).toBe(10)
    // Far above it: at most double, and never past the cap.
    expect(nextReplications(8, 0.3, plan)).toBe(16)
    expect(nextReplications(24, 0.3, plan)).toBe(32)
  })

  it('sweeps from 10% of maxPods to beyond maxPods, including today and maxPods', () => {
    const xs = densities({maxPods: 110, podsPerNodeToday: 37}, {sweepPoints: 4, sweepBeyondMaxPods: 1.25})
    expect(xs).toEqual([11, 37, 53, 96, 110, 138])
  })

  it('leaves out an inner even point within a quarter step of today or maxPods, never an end', () => {
    // maxPods 250, sweep 25..313 in 6 points (step 57.6): 83 sits 8 from today's 75 and 255 sits 5 from maxPods.
    expect(densities({maxPods: 250, podsPerNodeToday: 75}, {sweepPoints: 6, sweepBeyondMaxPods: 1.25})).toEqual([25, 75, 140, 198, 250, 313])
    // Today at the low end: the end stays.
    expect(densities({maxPods: 250, podsPerNodeToday: 26}, {sweepPoints: 6, sweepBeyondMaxPods: 1.25})).toEqual([25, 26, 83, 140, 198, 250, 313])
  })
})

describe('non-mount overhead', () => {
  it('is fitted to the class’s observed starts when it has enough', () => {
    const ms = Array.from({length: 21}, (_, i) => 1000 + i * 100)
    const o = overheadFor(ms, [])
    expect(o).toMatchObject({source: 'observed', p50Ms: 2000, p90Ms: 2800, samples: 21})
  })

  it("borrows the pool's starts, then falls back to the documented default and says so", () => {
    const pool = Array.from({length: 30}, () => 1500)
    expect(overheadFor([1, 2], pool)).toMatchObject({source: 'observed', p50Ms: 1500, samples: 30})
    const d = overheadFor([], [])
    expect(d).toMatchObject({source: 'default', p50Ms: 1000, p90Ms: 1800, samples: 0})
    expect(d.note).toMatch(/documented default/)
  })
})

describe('estimatedCost', () => {
  it('grows with the densities a class sweeps and the containers each pod starts', () => {
    const small = fakeJob(nodeClass({maxPods: 58}))
    const large = fakeJob(nodeClass({maxPods: 250}))
    const wide = fakeJob(nodeClass({maxPods: 58, podShape: {...nodeClass().podShape, containersPerPod: 3}}))
    expect(estimatedCost(large, settings)).toBeGreaterThan(estimatedCost(small, settings))
    expect(estimatedCost(wide, settings)).toBeGreaterThan(estimatedCost(small, settings))
  })
})
