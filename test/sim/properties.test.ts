import {describe, expect, it} from 'vitest'
import fc from 'fast-check'
import {runScenario} from '../../src/sim/run-scenario.js'
import type {Scenario} from '../../src/sim/scenario.js'
import {fixtureModel} from './fixtures/model.js'
import {baseScenario} from './fixtures/scenario.js'

// Properties over small random scenarios with the fixed-cost fixture model (no randomness in
// costs, so only the structure of the scenario varies).
const model = fixtureModel()

interface Shape {
  cores: number
  concurrency: number
  starts: number
  runtimeMounts: number
  readers: number
  teardown: boolean
  pods: boolean
  burst: boolean
}

const smallScenario: fc.Arbitrary<Shape> = fc.record({
  cores: fc.integer({min: 1, max: 4}),
  concurrency: fc.integer({min: 1, max: 4}),
  starts: fc.integer({min: 1, max: 12}),
  runtimeMounts: fc.integer({min: 0, max: 12}),
  readers: fc.integer({min: 0, max: 2}),
  teardown: fc.boolean(),
  pods: fc.boolean(),
  burst: fc.boolean(),
})

function scenarioOf(p: Shape, path: Scenario['path'], hostMounts: number): Scenario {
  const base = baseScenario()
  return baseScenario({
    path,
    hostMounts,
    cores: p.cores,
    workload: p.burst ? {kind: 'burst', pods: p.starts} : {kind: 'closed', concurrency: p.concurrency, starts: p.starts},
    pod: {...base.pod, runtimeMounts: p.runtimeMounts, runtimeOnly: !p.pods},
    readers: {count: p.readers, intervalNs: 2_000_000},
    teardown: p.teardown,
  })
}

describe('simulation properties', () => {
  it('more host mounts never make a lone legacy container start faster', () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 20_000}), fc.integer({min: 0, max: 20_000}), fc.integer({min: 1, max: 1e6}), (m1, m2, seed) => {
        const [lo, hi] = m1 <= m2 ? [m1, m2] : [m2, m1]
        const a = runScenario(model, baseScenario({hostMounts: lo}), seed)
        const b = runScenario(model, baseScenario({hostMounts: hi}), seed)
        expect(b.containerStartNs[0]).toBeGreaterThanOrEqual(a.containerStartNs[0]!)
      }),
      {numRuns: 100},
    )
  })

  // Two things make the total write-hold time depend on timing, not only on M, and so not always
  // grow with it: pods' own host mounts propagate into whichever legacy copies are in flight at
  // that moment (a later chtype/umount walks what landed), and pivot_root walks the containers
  // live at that moment. fast-check found both (fixture model, seed 1: a burst of 10 pods on 4
  // cores with teardown, M 4,603 → 4,611: 61.256 → 61.226 ms of write hold). Without pod host
  // mounts and with pivot_root's per-thread cost set to 0, every write section grows with M.
  it('under contention, more host mounts always add namespace_sem write-hold time (no pod host mounts, no per-thread pivot cost)', () => {
    const fixedPivot = {...model, costs: {...model.costs, pivot: {...model.costs.pivot, perUnitNs: 0}}}
    fc.assert(
      fc.property(smallScenario, fc.integer({min: 0, max: 5_000}), fc.integer({min: 1, max: 5_000}), fc.integer({min: 1, max: 1e6}), (p, m, extra, seed) => {
        const q = {...p, pods: false}
        const a = runScenario(fixedPivot, scenarioOf(q, 'legacy', m), seed)
        const b = runScenario(fixedPivot, scenarioOf(q, 'legacy', m + extra), seed)
        expect(b.sem.writeHoldNs).toBeGreaterThan(a.sem.writeHoldNs)
      }),
      {numRuns: Number(process.env.SIM_PROP_RUNS ?? 60)},
    )
  })

  // The MEAN start time is not monotone in M once starts overlap, and that is the model, not a
  // bug: a slower copy reorders who gets a core, who spins and who sleeps, and can let a start
  // share a pending expedited RCU grace period (rcu.ts). Counterexamples fast-check found
  // (fixture model, seed 1): closed 4 workers × 4 pods on 3 cores, M 0 → 115: mean 8.13 → 8.04 ms;
  // without the RCU term, a burst of 11 pods on 3 cores, M 1328 → 1471: mean 23.72 → 23.49 ms.
  // What does hold: starts that do not overlap each get slower, whatever the pod shape.
  it('starts that do not overlap each get slower with more host mounts (same seed)', () => {
    fc.assert(
      fc.property(smallScenario, fc.integer({min: 0, max: 5_000}), fc.integer({min: 1, max: 5_000}), fc.integer({min: 1, max: 1e6}), (p, m, extra, seed) => {
        const q = {...p, readers: 0, burst: false, concurrency: 1}
        const a = runScenario(model, scenarioOf(q, 'legacy', m), seed)
        const b = runScenario(model, scenarioOf(q, 'legacy', m + extra), seed)
        for (let i = 0; i < a.containerStartNs.length; i++) expect(b.containerStartNs[i]).toBeGreaterThan(a.containerStartNs[i]!)
      }),
      {numRuns: Number(process.env.SIM_PROP_RUNS ?? 60)},
    )
  })

  it('OTN container starts do not depend on the host mount table (no readers)', () => {
    fc.assert(
      fc.property(smallScenario, fc.integer({min: 0, max: 20_000}), fc.integer({min: 0, max: 20_000}), fc.integer({min: 1, max: 1e6}), (p, m1, m2, seed) => {
        const q = {...p, readers: 0}
        const a = runScenario(model, scenarioOf(q, 'otn', m1), seed)
        const b = runScenario(model, scenarioOf(q, 'otn', m2), seed)
        expect(b.containerStartNs).toEqual(a.containerStartNs)
        expect(b.podStartNs).toEqual(a.podStartNs)
      }),
      {numRuns: Number(process.env.SIM_PROP_RUNS ?? 60)},
    )
  })

  it('every start is recorded once, and lock hold never exceeds the start time', () => {
    fc.assert(
      fc.property(smallScenario, fc.constantFrom<Scenario['path']>('legacy', 'otn'), fc.integer({min: 1, max: 1e6}), (p, path, seed) => {
        const s = scenarioOf(p, path, 1_000)
        const out = runScenario(model, s, seed)
        const perPod = 1 + s.pod.initContainers + s.pod.containers
        expect(out.containerStartNs.length).toBe(p.pods ? p.starts * perPod : p.starts)
        expect(out.podStartNs.length).toBe(p.pods ? p.starts : 0)
        for (let i = 0; i < out.containerStartNs.length; i++) {
          expect(out.lockHoldNs[i]! + out.lockWaitNs[i]!).toBeLessThanOrEqual(out.containerStartNs[i]!)
        }
        expect(out.sem.utilization).toBeLessThanOrEqual(1 + 1e-12)
      }),
      {numRuns: Number(process.env.SIM_PROP_RUNS ?? 60)},
    )
  })
})
