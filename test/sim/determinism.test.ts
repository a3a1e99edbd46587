import {describe, expect, it} from 'vitest'
import {runScenario} from '../../src/sim/run-scenario.js'
import {fixtureModel} from './fixtures/model.js'
import {baseScenario} from './fixtures/scenario.js'

// Random costs this time (log-normal wake-ups, RCU and fork/exec; empirical pod overhead), so
// the seed matters.
const source = {command: 'test', samples: 1}
const model = fixtureModel({
  wakeLatency: {kind: 'lognormal', medianNs: 20_000, p90Ns: 80_000, source},
  rcuGp: {kind: 'lognormal', medianNs: 500_000, p90Ns: 3_000_000, source},
  forkExecOverhead: {kind: 'lognormal', medianNs: 4_000_000, p90Ns: 7_000_000, source},
})
const base = baseScenario()
const scenario = baseScenario({
  workload: {kind: 'poisson', ratePerSec: 200, durationNs: 300_000_000},
  pod: {...base.pod, runtimeOnly: false, containers: 2, initContainers: 1, podOverhead: {kind: 'empirical', samplesNs: [1e6, 2e6, 5e6], source}},
  readers: {count: 2, intervalNs: 20_000_000},
  teardown: true,
  podLifetime: {kind: 'fixed', ns: 50_000_000, source},
})

describe('determinism', () => {
  it('the same seed gives identical outputs', () => {
    const a = runScenario(model, scenario, 42)
    const b = runScenario(model, scenario, 42)
    expect(b).toEqual(a)
    expect(a.podStartNs.length).toBeGreaterThan(20)
  })

  it('counting instants changes no output; there are fewer instants than events, more than pods', () => {
    const plain = runScenario(model, scenario, 42)
    const counted = runScenario(model, scenario, 42, {countInstants: true})
    expect(plain.instants).toBeNull()
    expect({...counted, instants: null}).toEqual(plain)
    expect(counted.instants).toBeGreaterThan(counted.podStartNs.length)
    expect(counted.instants).toBeLessThan(counted.events)
  })

  it('a different seed gives different outputs', () => {
    const a = runScenario(model, scenario, 42)
    const b = runScenario(model, scenario, 43)
    expect(b.containerStartNs).not.toEqual(a.containerStartNs)
    expect(b.simulatedNs).not.toBe(a.simulatedNs)
  })

  it('an OTN scenario with a legacy fallback fraction sends about that share of starts down the legacy path', () => {
    const s = baseScenario({path: 'otn', legacyFallbackFraction: 0.25, workload: {kind: 'closed', concurrency: 2, starts: 2_000}})
    const out = runScenario(model, s, 5)
    expect(out.containerStarts.legacy + out.containerStarts.otn).toBe(2_000)
    expect(out.containerStarts.legacy / 2_000).toBeGreaterThan(0.2)
    expect(out.containerStarts.legacy / 2_000).toBeLessThan(0.3)
  })

  it('pods that exit give their host mounts back', () => {
    const out = runScenario(model, scenario, 42)
    const shape = scenario.pod
    expect(out.hostMountsMax).toBeGreaterThan(scenario.hostMounts + shape.hostMountsPerPod)
    expect(out.hostMountsMax).toBeLessThan(scenario.hostMounts + out.podStartNs.length * shape.hostMountsPerPod)
  })

  it('rejects a scenario it cannot run with a message naming the field', () => {
    expect(() => runScenario(model, baseScenario({cores: 0}), 1)).toThrow(/cores must be a positive integer/)
    expect(() => runScenario(model, baseScenario({workload: {kind: 'poisson', ratePerSec: 0, durationNs: 1}}), 1)).toThrow(/ratePerSec/)
    expect(() => runScenario(model, baseScenario({path: 'otn', legacyFallbackFraction: 2}), 1)).toThrow(/legacyFallbackFraction/)
  })
})
