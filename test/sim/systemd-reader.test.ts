import {describe, expect, it} from 'vitest'
import type {ProcessGenerator} from '../../src/sim/engine.js'
import {buildNode, runScenario} from '../../src/sim/run-scenario.js'
import {newTask} from '../../src/sim/node.js'
import {hostMount} from '../../src/sim/paths/host-mounts.js'
import {systemdReader} from '../../src/sim/paths/systemd-reader.js'
import {createPrng} from '../../src/lib/prng.js'
import {fixtureModel} from './fixtures/model.js'
import {baseScenario} from './fixtures/scenario.js'

const model = fixtureModel()
const chunk = model.costs.mountinfoChunk

/** Host mounts at the given times on a node with `hostMounts` mounts and a systemd reader. */
function withSystemd(hostMounts: number, mountAtNs: number[]) {
  const node = buildNode(model, baseScenario({hostMounts}), createPrng(1))
  const systemd = {name: 'systemd', waitNs: 0, holdNs: 0}
  let done = false
  node.env.process(systemdReader(node, systemd, {burst: 5, windowNs: 1e9}, () => done))
  const kubelet = newTask('kubelet', 0)
  node.env.process(
    (function* (): ProcessGenerator {
      for (const t of mountAtNs) {
        if (t > node.env.now) yield node.env.timeout(t - node.env.now)
        yield* hostMount(node, kubelet)
      }
      yield node.env.timeout(3e9)
      done = true
    })(),
  )
  node.env.run(10e9)
  return {node, systemd}
}

describe('systemd mountinfo reader', () => {
  it('re-reads the whole table after a host mount, one read acquisition per 75-line chunk', () => {
    const {node, systemd} = withSystemd(75, [0])
    // 76 lines after the mount: a 75-line chunk and a 1-line chunk.
    expect(node.sem.stats().readAcquisitions).toBe(2)
    expect(systemd.holdNs).toBe(2 * chunk.fixedNs + 76 * chunk.perUnitNs)
  })

  it('reads at most 5 times per second and folds the changes it missed into one later read', () => {
    const {node} = withSystemd(0, [0, 1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 7e6, 8e6, 9e6])
    // Tables of 1..10 lines: one chunk per read. 5 reads in the first second, then one at 1 s.
    expect(node.sem.stats().readAcquisitions).toBe(6)
  })

  it('is off unless the scenario asks for it, and makes legacy bursts slower when on', () => {
    const base = baseScenario()
    // The runtimes' own table reads are off here, so every read section is systemd's.
    const s = baseScenario({hostMounts: 5_000, cores: 8, workload: {kind: 'burst', pods: 20}, pod: {...base.pod, runtimeOnly: false, legacyMountTableReads: 0}})
    const off = runScenario(model, s, 1)
    const on = runScenario(model, {...s, systemdReader: {burst: 5, windowNs: 1e9}}, 1)
    expect(off.sem.readHoldNs).toBe(0)
    expect(on.sem.readHoldNs).toBeGreaterThan(0)
    expect(Math.max(...on.podStartNs)).toBeGreaterThan(Math.max(...off.podStartNs))
  })
})
