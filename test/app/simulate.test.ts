import {describe, expect, it} from 'vitest'
import {parseSimulateFlags, simulate, type SimulateFlags} from '../../src/app/simulate.js'
import type {KernelSimulationResult} from '../../src/domain/simulation.js'

const flags: SimulateFlags = {
  kernel: 'legacy',
  workload: 'closed',
  concurrency: '8',
  starts: '200',
  'containers-per-pod': '1',
  'init-containers': '0',
  'volumes-per-pod': '1',
  'rootfs-mounts': '1',
  'runtime-mounts': '10',
  'runtime-overhead': 'model',
  pod: true,
  'legacy-fallback': '0',
  cores: '2',
  'system-threads': '1000',
  'host-mounts': '2000',
  'mountinfo-readers': '2',
  'mountinfo-interval': '1s',
  replications: '1',
  seed: '1',
}

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
