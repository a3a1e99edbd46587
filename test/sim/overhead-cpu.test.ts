import {describe, expect, it} from 'vitest'
import {runScenario} from '../../src/sim/run-scenario.js'
import type {KernelModel} from '../../src/model/schema.js'
import {fixtureModel} from './fixtures/model.js'
import {baseScenario} from './fixtures/scenario.js'

// Two starts at once on one core; the fixture's non-mount overhead is a fixed 5 ms.
const twoOnOneCore = baseScenario({path: 'otn', cores: 1, workload: {kind: 'closed', concurrency: 2, starts: 2}})
const withCpuCap = (base: KernelModel, ns: number): KernelModel => ({...base, costs: {...base.costs, forkExecCpu: {ns, source: {command: 'test', samples: 1}}}})
const slowest = (xs: Float64Array): number => Math.max(...xs)

describe("the CPU part of the runtime's overhead (costs.forkExecCpu)", () => {
  it('keeps only that part of an overhead sample on a core, so concurrent starts do not queue behind the rest', () => {
    const base = fixtureModel()
    const whole = runScenario(base, twoOnOneCore, 1)
    const lone = baseScenario({path: 'otn', cores: 1})
    const loneNs = runScenario(base, lone, 1).containerStartNs[0]!
    // Without the cap the two 5 ms overheads share the only core: the slower start takes about 5 ms longer than a lone one.
    expect(slowest(whole.containerStartNs) - loneNs).toBeGreaterThanOrEqual(4_900_000)
    // With 1 ms of each on the core, the other 4 ms asleep, it takes about 1 ms longer.
    const capped = runScenario(withCpuCap(base, 1_000_000), twoOnOneCore, 1)
    expect(slowest(capped.containerStartNs) - loneNs).toBeGreaterThanOrEqual(900_000)
    expect(slowest(capped.containerStartNs) - loneNs).toBeLessThan(1_500_000)
    // A lone start is as long as before: the overhead is the same wall time either way.
    expect(Array.from(runScenario(withCpuCap(base, 1_000_000), lone, 1).containerStartNs)).toEqual(Array.from(runScenario(base, lone, 1).containerStartNs))
  })

  it('leaves an overhead the scenario brings (analyze fits one per class) whole on the core', () => {
    const base = fixtureModel()
    const own = {...twoOnOneCore, runtimeOverhead: {kind: 'fixed' as const, ns: 5_000_000, source: {command: 'test', samples: 1}}}
    expect(Array.from(runScenario(withCpuCap(base, 1_000_000), own, 1).containerStartNs)).toEqual(Array.from(runScenario(base, own, 1).containerStartNs))
  })
})
