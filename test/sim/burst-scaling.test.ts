import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {runScenario} from '../../src/sim/run-scenario.js'
import type {KernelModel} from '../../src/model/schema.js'
import type {Scenario} from '../../src/sim/scenario.js'
import {SIMULATE_DEFAULT_POD} from './fixtures/equivalence-scenarios.js'

// Issue 10 found `simulate --workload burst` growing faster than linearly in the pod count. These
// operation counts (deterministic, unlike wall time) locate it: the engine does a constant number
// of events per namespace_sem acquisition at every size, and a legacy burst is linear in events
// when starts do not read their mount table. What grows faster is the model's own work: each
// legacy start reads its copy of the host table (crun's /proc/mounts, one read acquisition per
// 75 lines) and the table grows by the pods' host mounts, so reads cost O(pods × mounts).
const model = JSON.parse(readFileSync(new URL('../../models/linux-6.18-legacy.json', import.meta.url), 'utf8')) as KernelModel
const pod = SIMULATE_DEFAULT_POD

function burst(pods: number, legacyMountTableReads: number) {
  const scenario: Scenario = {
    path: 'legacy',
    workload: {kind: 'burst', pods},
    cores: 2,
    systemThreads: 1000,
    hostMounts: 1000,
    pod: {...pod, legacyMountTableReads},
    readers: {count: 2, intervalNs: 1e9},
    runtimeOverhead: null,
    teardown: false,
  }
  const out = runScenario(model, scenario, 1)
  return {events: out.events, acquisitions: out.sem.acquisitions}
}

const sizes = [100, 200, 400, 800]

describe('burst cost as the pod count grows', () => {
  it('without the runtime reading its mount table, a legacy burst takes the same events per pod at 100 and 800 pods (linear)', () => {
    const perPod = sizes.map((n) => burst(n, 0).events / n)
    for (const p of perPod) expect(p / perPod[0]!).toBeGreaterThan(0.9)
    for (const p of perPod) expect(p / perPod[0]!).toBeLessThan(1.1)
  })

  it('with the read, events per lock acquisition stay the same at every size while acquisitions per pod grow with the mount table', () => {
    const runs = sizes.map((n) => ({n, ...burst(n, 1)}))
    const perAcquisition = runs.map((r) => r.events / r.acquisitions)
    for (const r of perAcquisition) expect(r).toBeGreaterThan(2.5)
    for (const r of perAcquisition) expect(r).toBeLessThan(4.5)
    const acquisitionsPerPod = runs.map((r) => r.acquisitions / r.n)
    for (let i = 1; i < runs.length; i++) expect(acquisitionsPerPod[i]!).toBeGreaterThan(acquisitionsPerPod[i - 1]!)
  })
})
