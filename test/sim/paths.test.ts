import {describe, expect, it} from 'vitest'
import {buildNode, runScenario} from '../../src/sim/run-scenario.js'
import {newTask} from '../../src/sim/node.js'
import {legacyStart} from '../../src/sim/paths/legacy.js'
import {hostMount} from '../../src/sim/paths/host-mounts.js'
import type {ProcessGenerator} from '../../src/sim/engine.js'
import {createPrng} from '../../src/lib/prng.js'
import type {KernelModel, LinearCost} from '../../src/model/schema.js'
import {fixtureModel} from './fixtures/model.js'
import {costAtNs} from '../../src/model/linear-cost.js'
import {baseScenario} from './fixtures/scenario.js'

// Uncontended starts must cost exactly the sum of their modelled steps; expected values are
// computed here from the model's costs, not copied from a run.
const model = fixtureModel()
const c = model.costs
const lin = (cost: LinearCost, x: number): number => cost.fixedNs + cost.perUnitNs * x
const fixedNs = (d: KernelModel['costs']['rcuGp']): number => (d.kind === 'fixed' ? d.ns : Number.NaN)
const overheadNs = fixedNs(c.forkExecOverhead)
const rcuNs = fixedNs(c.rcuGp)

/**
 * Write-held part of a legacy start on a host table of M mounts with T threads: copy, two
 * propagation passes over the copy (before the mounts, and on the old root after pivot_root),
 * attaches, pivot, old-root detach.
 */
function legacyWriteHoldNs(m: number, t: number, runtimeMounts: number): number {
  return lin(c.copy, m) + 2 * lin(c.chtype, m) + (runtimeMounts + 1) * c.attach.ns + lin(c.pivot, t) + lin(c.umount, m)
}
/** The runtime's one read of its copy's table: a read section per 75-line chunk, the last one partial. */
function tableReadNs(lines: number): number {
  const full = Math.floor(lines / 75)
  const rest = lines - full * 75
  return full * lin(c.mountinfoChunk, 75) + (rest > 0 ? lin(c.mountinfoChunk, rest) : 0)
}
/** Lock-held part (write and read) of a legacy start on a host table of M mounts with T threads. */
function legacyHoldNs(m: number, t: number, runtimeMounts: number): number {
  return legacyWriteHoldNs(m, t, runtimeMounts) + tableReadNs(m)
}
function otnHoldNs(runtimeMounts: number, binds: number, rootfsMounts: number): number {
  return binds * lin(c.dclone, 1) + lin(c.otn, rootfsMounts) + runtimeMounts * c.moveAttach.ns
}

describe('a single container start with no contention', () => {
  it('legacy: equals fork/exec + copy + table read + chtype + attaches + pivot + chtype again + umount + one RCU grace period', () => {
    const s = baseScenario({path: 'legacy', hostMounts: 3_000, systemThreads: 800})
    const out = runScenario(model, s, 1)
    const hold = legacyHoldNs(3_000, 800, s.pod.runtimeMounts)
    expect(Array.from(out.containerStartNs)).toEqual([overheadNs + hold + rcuNs])
    expect(Array.from(out.lockHoldNs)).toEqual([hold])
    expect(Array.from(out.lockWaitNs)).toEqual([0])
    expect(out.sem.writeHoldNs).toBe(legacyWriteHoldNs(3_000, 800, s.pod.runtimeMounts))
    expect(out.sem.readHoldNs).toBe(tableReadNs(3_000))
  })

  it('legacy: copy, chtype and umount with a measured shape are charged along it, not along their line', () => {
    // Shapes as calibrate measures them on this VM: under the line at 2,000 mounts, on it at 4,000.
    const shape = {x: [22, 2_022, 4_022], ratio: [2, 0.8, 1]}
    const shaped: KernelModel = {
      ...model,
      costs: {...c, copy: {...c.copy, shape}, chtype: {...c.chtype, shape}, umount: {...c.umount, shape}},
    }
    const s = baseScenario({path: 'legacy', hostMounts: 3_000, systemThreads: 800})
    const out = runScenario(shaped, s, 1)
    const at = (cost: LinearCost, x: number) => Math.round(costAtNs(cost, x))
    const sc = shaped.costs
    const write = at(sc.copy, 3_000) + 2 * at(sc.chtype, 3_000) + (s.pod.runtimeMounts + 1) * c.attach.ns + lin(c.pivot, 800) + at(sc.umount, 3_000)
    expect(out.sem.writeHoldNs).toBe(write)
    // 3,000 mounts lie between 2,022 (ratio 0.8) and 4,022 (1): the shape charges less than the line.
    expect(write).toBeLessThan(legacyWriteHoldNs(3_000, 800, s.pod.runtimeMounts))
  })

  it('legacy: a runtime that neither reads its table nor re-marks the old root pays one chtype and no read', () => {
    const base = baseScenario({path: 'legacy', hostMounts: 3_000, systemThreads: 800})
    const s = {...base, pod: {...base.pod, legacyMountTableReads: 0, legacyOldRootRepropagation: false}}
    const out = runScenario(model, s, 1)
    const hold = legacyWriteHoldNs(3_000, 800, s.pod.runtimeMounts) - lin(c.chtype, 3_000)
    expect(Array.from(out.containerStartNs)).toEqual([overheadNs + hold + rcuNs])
    expect(out.sem.readHoldNs).toBe(0)
  })

  it('legacy: each extra read of the table adds one more pass of read sections over the copy', () => {
    const base = baseScenario({path: 'legacy', hostMounts: 3_000, systemThreads: 800})
    const out = runScenario(model, {...base, pod: {...base.pod, legacyMountTableReads: 3}}, 1)
    expect(out.sem.readHoldNs).toBe(3 * tableReadNs(3_000))
  })

  it('OTN: equals fork/exec + detached clones + one rootfs-subtree copy + move_mounts, with no M, T or RCU term', () => {
    const s = baseScenario({path: 'otn', hostMounts: 3_000, systemThreads: 800})
    const out = runScenario(model, s, 1)
    const hold = otnHoldNs(s.pod.runtimeMounts, s.pod.runtimeMounts, s.pod.rootfsMounts)
    expect(Array.from(out.containerStartNs)).toEqual([overheadNs + hold])
    expect(Array.from(out.lockHoldNs)).toEqual([hold])
  })

  it('OTN: only bind mounts are pre-opened under the lock; fsmount-made filesystems are not', () => {
    const s = baseScenario({path: 'otn'})
    const out = runScenario(model, {...s, pod: {...s.pod, runtimeBindMounts: 4}}, 1)
    expect(Array.from(out.containerStartNs)).toEqual([overheadNs + otnHoldNs(s.pod.runtimeMounts, 4, s.pod.rootfsMounts)])
  })

  it('`crun run /bin/true` (closed loop with teardown) adds the namespace teardown and its RCU grace period', () => {
    for (const path of ['legacy', 'otn'] as const) {
      const s = baseScenario({path, teardown: true})
      const start =
        path === 'legacy'
          ? legacyHoldNs(s.hostMounts, s.systemThreads, s.pod.runtimeMounts) + rcuNs
          : otnHoldNs(s.pod.runtimeMounts, s.pod.runtimeMounts, s.pod.rootfsMounts)
      const out = runScenario(model, s, 1)
      expect(Array.from(out.containerStartNs)).toEqual([overheadNs + start + lin(c.teardown, s.pod.containerMounts) + rcuNs])
    }
  })

  it('a runtime overhead given in the scenario replaces the model fork/exec overhead', () => {
    const s = baseScenario({path: 'otn', runtimeOverhead: {kind: 'fixed', ns: 123_000, source: {command: 'test', samples: 1}}})
    const out = runScenario(model, s, 1)
    expect(out.containerStartNs[0]).toBe(123_000 + otnHoldNs(s.pod.runtimeMounts, s.pod.runtimeMounts, s.pod.rootfsMounts))
  })
})

describe('a single pod with no contention', () => {
  it('legacy: overhead, sandbox mounts and start, init container start and exit, app rootfs mount and start, in sequence', () => {
    const base = baseScenario()
    const s = baseScenario({
      workload: {kind: 'burst', pods: 1},
      pod: {
        ...base.pod,
        runtimeOnly: false,
        containers: 1,
        initContainers: 1,
        hostMountsPerPod: 5,
        podOverhead: {kind: 'fixed', ns: 2_000_000, source: {command: 'test', samples: 1}},
      },
    })
    const m = s.hostMounts
    const t = s.systemThreads
    const n = s.pod.runtimeMounts
    const start = (mounts: number, threads: number): number => overheadNs + legacyHoldNs(mounts, threads, n) + rcuNs
    // 5 host mounts: 2 for the sandbox (rootfs, shm/netns...), one rootfs overlay per init and app container.
    const sandbox = start(m + 3, t) // the sandbox copies the table after its 3 host mounts
    const expected =
      2_000_000 + // pod overhead
      3 * c.attach.ns + // 3 sandbox host mounts (5 - 2 container rootfs overlays)
      sandbox +
      c.attach.ns + // init rootfs overlay
      start(m + 4, t + 1) + // init start: the sandbox is live (one more thread)
      lin(c.teardown, s.pod.containerMounts) +
      rcuNs + // init exits
      c.attach.ns + // app rootfs overlay
      start(m + 5, t + 1) // app start
    const out = runScenario(model, s, 1)
    expect(Array.from(out.podStartNs)).toEqual([expected])
    expect(out.containerStartNs.length).toBe(3)
    expect(out.hostMountsMax).toBe(m + 5)
  })

  it('a host mount made while a legacy copy is in flight pays one propagation and grows the copy the start later unmounts', () => {
    const s = baseScenario({path: 'legacy'})
    const node = buildNode(model, s, createPrng(1))
    const start = newTask('c0', 0)
    const host = newTask('kubelet', 0)
    node.env.process(legacyStart(node, start))
    node.env.process(
      (function* (): ProcessGenerator {
        yield node.env.timeout(overheadNs + 100_000) // during c0's copy_mnt_ns: spins, then runs before c0's chtype
        yield* hostMount(node, host)
      })(),
    )
    node.env.run()
    const m = s.hostMounts
    const hostHold = c.attach.ns + c.propPerPeer.ns * 1
    // c0 reads its first table chunk as the copy ends; the spinning host mount takes the lock
    // before the next one. rwsem_mark_wake then hands c0 the read lock before c0 runs, so its
    // wake-up latency counts as hold. The copy grew by one mount: both chtype passes and the
    // umount walk one more (the table read was sized when it began).
    const startHold = legacyHoldNs(m, s.systemThreads, s.pod.runtimeMounts) + fixedNs(c.wakeLatency) + 2 * c.chtype.perUnitNs + c.umount.perUnitNs
    expect([host.holdNs, start.holdNs, start.waitNs]).toEqual([hostHold, startHold, hostHold])
    expect(node.env.now).toBe(overheadNs + startHold + hostHold + rcuNs)
    expect([node.state.hostMounts, node.state.inFlightCopies]).toEqual([m + 1, 0])
  })

  it('a host mount with no legacy copy in flight pays no propagation', () => {
    const node = buildNode(model, baseScenario(), createPrng(1))
    const host = newTask('kubelet', 0)
    node.env.process(hostMount(node, host))
    node.env.run()
    expect(host.holdNs).toBe(c.attach.ns)
  })
})

describe('runtime overhead on a core', () => {
  it('only the CPU share of the runtime overhead competes for cores', () => {
    // Two bare OTN starts at once on one core: with all 5 ms on the core the second waits 5 ms;
    // with a 20% CPU share it waits only for the first's 1 ms on the core.
    const base = baseScenario({path: 'otn', cores: 1, workload: {kind: 'burst', pods: 2}})
    const hold = otnHoldNs(base.pod.runtimeMounts, base.pod.runtimeMounts, base.pod.rootfsMounts)
    const allCpu = runScenario(model, base, 1)
    const fifth = runScenario(model, {...base, runtimeOverheadCpuFraction: 0.2}, 1)
    expect(Math.max(...allCpu.containerStartNs)).toBeGreaterThanOrEqual(2 * overheadNs + hold)
    expect(Math.max(...fifth.containerStartNs)).toBeLessThan(overheadNs + 0.2 * overheadNs + 2 * hold + 1)
    expect(Math.min(...fifth.containerStartNs)).toBe(overheadNs + hold)
  })
})
