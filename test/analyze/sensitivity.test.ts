import {describe, expect, it} from 'vitest'
import {analyzeClass} from '../../src/analyze/analyze-class.js'
import {assembleResult} from '../../src/analyze/assemble.js'
import {DEFAULT_SETTINGS, planClass, type AnalysisSettings} from '../../src/analyze/plan.js'
import {runClassJob} from '../../src/analyze/run-classes.js'
import {classSensitivity, OTN_RATIO, VARIATIONS} from '../../src/analyze/sensitivity.js'
import {fakeJob, FIXTURE_MODEL, fakeSimulator, nodeClass} from './support/fake-sim.js'

const settings: AnalysisSettings = {
  ...DEFAULT_SETTINGS,
  seed: 5,
  replications: 2,
  sweepPoints: 4,
  burstSizes: [1, 10],
  gridDensities: 2,
  bootstrapResamples: 50,
  cdfPoints: 10,
}
const model = {id: 'm', file: 'models/m.json', sha256: 'a'.repeat(64), measuredOnKernel: '6.18.0', cpu: 'x', date: '2026-01-01'}

describe('the sensitivity panel', () => {
  it('re-solves SLO ± 1 s on the existing sweep without simulating again', () => {
    const cls = nodeClass({hostMountsToday: 3000})
    const plan = planClass(cls, settings, [])
    const base = analyzeClass(cls, plan, fakeSimulator())
    const calls: Array<{path: string; burst: number; density: number; contention?: string}> = []
    const panel = classSensitivity(cls, plan, fakeSimulator({calls}), base.results)
    const slo = panel.filter((v) => v.group === 'slo')
    expect(slo.map((v) => v.sloMs)).toEqual([4000, 6000])
    // A tighter SLO never allows more pods than a looser one on the same curve.
    expect(slo[0]!.density.legacy.kernelBound).toBeLessThanOrEqual(slo[1]!.density.legacy.kernelBound)
    // Only burst, OTN-cost and contention variations simulate; the full refill equals the base burst (40) and reuses it.
    expect(calls.every((c) => c.burst !== 40 || c.path === 'otn' || c.contention !== plan.contention)).toBe(true)
  })

  it('simulates each (spec, seed) once, though today is also a sweep density', () => {
    const cls = nodeClass({hostMountsToday: 3000})
    const plan = planClass(cls, settings, [])
    const base = analyzeClass(cls, plan, fakeSimulator())
    const keys: string[] = []
    const sim = fakeSimulator()
    classSensitivity(
      cls,
      plan,
      (spec, seed) => {
        keys.push(`${seed}|${JSON.stringify(spec)}`)
        return sim(spec, seed)
      },
      base.results,
    )
    expect(plan.sweepDensities).toContain(cls.podsPerNodeToday)
    expect(keys.length).toBeGreaterThan(0)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('varies only the OTN path for the OTN cost range, with the documented scales', () => {
    const cls = nodeClass({hostMountsToday: 3000})
    const plan = planClass(cls, settings, [])
    const base = analyzeClass(cls, plan, fakeSimulator())
    const seen: Array<{path: string; scale: number | undefined}> = []
    const sim = fakeSimulator()
    classSensitivity(
      cls,
      plan,
      (spec, seed) => {
        seen.push({path: spec.path, scale: spec.otnCostScale})
        return sim(spec, seed)
      },
      base.results,
    )
    const scaled = seen.filter((s) => s.scale !== undefined)
    expect(new Set(scaled.map((s) => s.path))).toEqual(new Set(['otn']))
    expect([...new Set(scaled.map((s) => s.scale))].sort()).toEqual([OTN_RATIO.low / OTN_RATIO.median, OTN_RATIO.high / OTN_RATIO.median].sort())
  })

  it('re-simulates a variation with the seeds of a full analysis, so with the same replications it gives what analysing with that input gives', () => {
    const cls = nodeClass({hostMountsToday: 3000, bursts: {rollingUpdate: 10, drainRefill: 40, jobWave: 1}})
    // The analysis adds replications until its CIs are narrow; capped at --replications it runs exactly as many as the panel.
    const fixed = {...settings, maxReplications: settings.replications}
    const plan = planClass(cls, fixed, [])
    const rolling = classSensitivity(cls, plan, fakeSimulator({noiseMs: 300}), analyzeClass(cls, plan, fakeSimulator({noiseMs: 300})).results).find(
      (v) => v.id === 'burst/rolling-update',
    )!
    const direct = analyzeClass(cls, planClass(cls, {...fixed, burstOverride: 10}, []), fakeSimulator({noiseMs: 300}))
    expect(rolling.p99TodayMs).toEqual({legacy: direct.results.legacy.today.podStart.p99Ms, otn: direct.results.otn.today.podStart.p99Ms})
    // The variation sweeps only up to the lowest capacity limit, so compare the capacity-aware answers.
    expect(rolling.density.legacy.maxPodsPerNode).toBe(direct.density.legacy.maxPodsPerNode)
    expect(rolling.density.otn.maxPodsPerNode).toBe(direct.density.otn.maxPodsPerNode)
  })

  it('names each burst pattern with the pods it starts at once', () => {
    const cls = nodeClass({hostMountsToday: 3000, podsPerNodeToday: 40, bursts: {rollingUpdate: 10, drainRefill: 40, jobWave: 1}})
    const panel = runClassJob(fakeJob(cls), settings, [FIXTURE_MODEL], () => fakeSimulator()).sensitivity
    expect(panel.filter((v) => v.group === 'burst').map((v) => [v.id, v.burstPods])).toEqual([
      ['burst/rolling-update', 10],
      ['burst/quarter', 10],
      ['burst/full-refill', 40],
    ])
    expect(panel.map((v) => v.id)).toEqual(VARIATIONS.map((v) => v.id))
  })

  it('says in the pool verdict which variations flip it, and states the assumed burst', () => {
    // Legacy queueing grows with the burst: a full refill on 3,000 mounts misses the SLO early,
    // a rolling update of 2 pods does not, so the gain (and the verdict) depends on the burst.
    const cls = nodeClass({hostMountsToday: 3000, bursts: {rollingUpdate: 2, drainRefill: 40, jobWave: 1}})
    const result = assembleResult({
      toolVersion: '0',
      cluster: {name: 'u', source: 'demo', nodeCount: 2, podCount: 80},
      generatedAt: '2026-11-20T09:00:00.000Z',
      settings,
      models: {legacy: model, otn: model},
      assumptions: [],
      rules: [],
      classes: [runClassJob(fakeJob(cls), settings, [FIXTURE_MODEL], () => fakeSimulator())],
    })
    const pool = result.pools[0]!
    expect(pool.recommendation.assumes).toBe('assumes a full refill of a drained node (40 pods at once)')
    const flips = pool.sensitivity.filter((v) => v.flipsVerdict)
    expect(flips.length).toBeGreaterThan(0)
    expect(flips.map((v) => v.verdict)).not.toContain(pool.recommendation.verdict)
    expect(pool.recommendation.changesIf).toHaveLength(flips.length)
    for (const [i, v] of flips.entries()) expect(pool.recommendation.changesIf[i]).toContain(`→ ${v.verdict}`)
    expect(pool.sensitivity.find((v) => v.id === 'burst/rolling-update')!.label).toBe('rolling update (maxSurge 25%) (2 pods at once)')
  })
})
