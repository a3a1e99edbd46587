import {describe, expect, it} from 'vitest'
import {runScenario} from '../../src/sim/run-scenario.js'
import {fixtureModel} from './fixtures/model.js'
import {baseScenario} from './fixtures/scenario.js'

const model = fixtureModel()
const base = baseScenario()

describe('workloads', () => {
  it('poisson arrivals: about rate × duration pods arrive', () => {
    const s = baseScenario({workload: {kind: 'poisson', ratePerSec: 100, durationNs: 10e9}, cores: 8, pod: {...base.pod, runtimeOnly: false}})
    const out = runScenario(model, s, 3)
    // 1,000 expected; the Poisson standard deviation is ~32.
    expect(Math.abs(out.podStartNs.length - 1_000)).toBeLessThan(100)
    expect(out.containerStartNs.length).toBe(2 * out.podStartNs.length)
  })

  it('burst: every pod starts and the host table grows by hostMountsPerPod per pod', () => {
    const s = baseScenario({workload: {kind: 'burst', pods: 30}, pod: {...base.pod, runtimeOnly: false, containers: 2, initContainers: 1}})
    const out = runScenario(model, s, 1)
    expect(out.podStartNs.length).toBe(30)
    expect(out.containerStartNs.length).toBe(30 * 4)
    expect(out.hostMountsMax).toBe(s.hostMounts + 30 * s.pod.hostMountsPerPod)
  })

  it('closed loop: C workers share the starts and never run more than C at once', () => {
    const s = baseScenario({workload: {kind: 'closed', concurrency: 3, starts: 10}, cores: 16})
    const out = runScenario(model, s, 1)
    expect(out.containerStartNs.length).toBe(10)
    // Uncontended start ≈ 6.8 ms; 10 starts over 3 workers = 4 rounds, so at least 4 starts long.
    expect(out.simulatedNs).toBeGreaterThanOrEqual(4 * Math.min(...out.containerStartNs))
  })

  it('a burst makes legacy starts wait for namespace_sem and spin, and OTN starts wait far less', () => {
    const s = (path: 'legacy' | 'otn') =>
      baseScenario({path, hostMounts: 10_000, cores: 16, workload: {kind: 'burst', pods: 50}, pod: {...base.pod, runtimeOnly: false}})
    const legacy = runScenario(model, s('legacy'), 1)
    const otn = runScenario(model, s('otn'), 1)
    const meanWait = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(meanWait(legacy.lockWaitNs)).toBeGreaterThan(10 * meanWait(otn.lockWaitNs))
    expect(legacy.sem.spinNs).toBeGreaterThan(0)
    expect(legacy.sem.utilization).toBeGreaterThan(otn.sem.utilization)
  })

  it('mountinfo readers hold the lock for read in proportion to the table size', () => {
    const s = (hostMounts: number) =>
      baseScenario({hostMounts, readers: {count: 2, intervalNs: 1_000_000}, workload: {kind: 'closed', concurrency: 1, starts: 20}})
    const small = runScenario(model, s(1_000), 1)
    const big = runScenario(model, s(10_000), 1)
    expect(small.sem.readHoldNs).toBeGreaterThan(0)
    expect(big.sem.readHoldNs / big.simulatedNs).toBeGreaterThan(2 * (small.sem.readHoldNs / small.simulatedNs))
  })
})
