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
