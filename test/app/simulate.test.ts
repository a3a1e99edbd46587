import {describe, expect, it} from 'vitest'
import {parseSimulateFlags, simulate, type SimulateFlags} from '../../src/app/simulate.js'
import type {KernelSimulationResult} from '../../src/domain/simulation.js'
import {SIMULATE_FLAG_DEFAULTS} from '../support/simulate-flags.js'

const flags: SimulateFlags = {...SIMULATE_FLAG_DEFAULTS, kernel: 'legacy', concurrency: '8', starts: '200', 'host-mounts': '2000', replications: '1'}

describe('simulate --sections-keep-core (opt-in approximation)', () => {
  it('is off by default: the scenario echo does not mention it', async () => {
    const result = (await simulate(parseSimulateFlags(flags))) as KernelSimulationResult
    expect('sectionsKeepCore' in result.scenario).toBe(false)
  })

  it('when on, is echoed and simulates a different run with fewer events under CPU contention', async () => {
    const base = (await simulate(parseSimulateFlags(flags))) as KernelSimulationResult
    const kept = (await simulate(parseSimulateFlags({...flags, 'sections-keep-core': true}))) as KernelSimulationResult
    expect(kept.scenario.sectionsKeepCore).toBe(true)
    expect(kept.events).toBeLessThan(base.events)
  })
})

describe('simulate on several threads (hooks.jobs)', () => {
  const both: SimulateFlags = {...flags, kernel: 'both', replications: '5'}

  it('gives the same result on 3 threads as on 1, and reports every run once', async () => {
    const alone = await simulate(parseSimulateFlags(both))
    const seen: number[] = []
    const threaded = await simulate(parseSimulateFlags(both), {jobs: 3, onRun: (done, total) => seen.push(done, total)})
    expect(JSON.stringify(threaded)).toBe(JSON.stringify(alone))
    // 2 paths × 5 replications, counted 1..10 whichever thread ran them.
    expect(seen.filter((_, i) => i % 2 === 0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(seen.filter((_, i) => i % 2 === 1).every((t) => t === 10)).toBe(true)
  })
})
