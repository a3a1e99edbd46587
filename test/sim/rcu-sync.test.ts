import {describe, expect, it} from 'vitest'
import {Environment, type ProcessGenerator} from '../../src/sim/engine.js'
import {RcuSync} from '../../src/sim/rcu-sync.js'
import {fixed} from '../../src/model/distributions.js'
import {runScenario} from '../../src/sim/run-scenario.js'
import type {KernelModel} from '../../src/model/schema.js'
import {fixtureModel} from './fixtures/model.js'
import {baseScenario} from './fixtures/scenario.js'

/** Runs one enterExit at each arrival time and returns when each caller got through. */
function mountsAt(
  arrivals: ReadonlyArray<readonly [string, number]>,
  windowNs: number | (() => number),
  gpNs: number,
): {done: [string, number][]; waits: number} {
  const env = new Environment()
  const sync = new RcuSync(env, typeof windowNs === 'number' ? fixed(windowNs) : windowNs, fixed(gpNs))
  const done: [string, number][] = []
  for (const [name, arrive] of arrivals) {
    env.process(
      (function* (): ProcessGenerator {
        if (arrive > 0) yield env.timeout(arrive)
        const wait = sync.enterExit()
        if (wait) yield wait
        done.push([name, env.now])
      })(),
    )
  }
  env.run()
  return {done, waits: sync.gracePeriods}
}

describe("the cgroup2 mount's rcu_sync", () => {
  it('makes the first mount wait a grace period, and lets one that comes within the window after it through at once', () => {
    // a waits 1,000 and leaves at 1,000; b comes 500 later (< window 800); c comes 800 after b left.
    const {done, waits} = mountsAt(
      [
        ['a', 0],
        ['b', 1_500],
        ['c', 2_300],
      ],
      800,
      1_000,
    )
    expect(done).toEqual([
      ['a', 1_000],
      ['b', 1_500],
      ['c', 3_300],
    ])
    expect(waits).toBe(2)
  })

  it('restarts the window at every exit, so mounts closer together than the window never wait again', () => {
    const {done, waits} = mountsAt(
      [
        ['a', 0],
        ['b', 1_700],
        ['c', 2_400],
        ['d', 3_100],
      ],
      800,
      1_000,
    )
    expect(done.map(([, t]) => t)).toEqual([1_000, 1_700, 2_400, 3_100])
    expect(waits).toBe(1)
  })

  it('lets mounts that arrive while a grace period is awaited share it', () => {
    const {done, waits} = mountsAt(
      [
        ['a', 0],
        ['b', 300],
        ['c', 999],
      ],
      800,
      1_000,
    )
    expect(done).toEqual([
      ['a', 1_000],
      ['b', 1_000],
      ['c', 1_000],
    ])
    expect(waits).toBe(1)
  })

  it('draws a new window at every exit when the window is a distribution', () => {
    // Windows drawn in turn: 300 after a's exit (at 1,000), then 5,000 after b's (at 2,500).
    const windows = [300, 5_000, 300]
    let next = 0
    const {done, waits} = mountsAt(
      [
        ['a', 0],
        ['b', 1_500],
        ['c', 6_000],
      ],
      () => windows[next++]!,
      1_000,
    )
    // b comes 500 after a left, beyond a's 300 window: it waits. c comes 3,500 after b left, inside b's 5,000 window.
    expect(done).toEqual([
      ['a', 1_000],
      ['b', 2_500],
      ['c', 6_000],
    ])
    expect(waits).toBe(2)
  })
})

describe('a closed loop of starts with costs.cgroupSync', () => {
  const base = fixtureModel()
  const withSync = (windowNs: number, gpNs: number): KernelModel => ({
    ...base,
    costs: {...base.costs, cgroupSync: {windowNs, gp: {kind: 'fixed', ns: gpNs, source: {command: 'test', samples: 1}}, source: {command: 'test', samples: 1}}},
  })
  const p50 = (xs: Float64Array): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

  it('adds the grace period to every start of a legacy loop slower than the window, and nothing when starts come faster', () => {
    const loop = (hostMounts: number) => baseScenario({path: 'legacy', hostMounts, workload: {kind: 'closed', concurrency: 1, starts: 20}})
    const gpNs = 3_000_000
    const slowPlain = runScenario(base, loop(10_000), 1)
    const fastPlain = runScenario(base, loop(0), 1)
    // Mounts come one start apart: choose a window between the fast and the slow loop's start length.
    const fastNs = p50(fastPlain.containerStartNs)
    const slowNs = p50(slowPlain.containerStartNs)
    expect(slowNs).toBeGreaterThan(2 * fastNs)
    const windowNs = Math.round((fastNs + slowNs) / 2)
    const slowSync = runScenario(withSync(windowNs, gpNs), loop(10_000), 1)
    expect(p50(slowSync.containerStartNs) - p50(slowPlain.containerStartNs)).toBe(gpNs)
    const fastSync = runScenario(withSync(windowNs, gpNs), loop(0), 1)
    // Only the very first start finds the rcu_sync idle (the others move by a thread or two of pivot_root, not by a grace period).
    expect(Math.abs(p50(fastSync.containerStartNs) - p50(fastPlain.containerStartNs))).toBeLessThan(gpNs / 100)
    expect(Array.from(fastSync.containerStartNs).filter((v, i) => v - fastPlain.containerStartNs[i]! > gpNs / 2)).toHaveLength(1)
  })
})

describe('the longer grace period after a mass detach (costs.cgroupSync.afterDetach)', () => {
  /** A detach of `detached` mounts at 0, then one cgroup2 mount at `mountAt`: how long it waited. */
  function waitAfterDetach(detached: number, mountAt: number, busy = false): number {
    const env = new Environment()
    const bands = [
      {untilNs: 10_000, gp: fixed(3_000)},
      {untilNs: 30_000, gp: fixed(2_000)},
    ]
    const sync = new RcuSync(env, fixed(0), fixed(1_000), {minMounts: 500, bands, allCoresBusy: () => busy})
    let waited = -1
    env.process(
      (function* (): ProcessGenerator {
        sync.noteDetach(detached)
        yield env.timeout(mountAt)
        const start = env.now
        const wait = sync.enterExit()
        if (wait) yield wait
        waited = env.now - start
      })(),
    )
    env.run()
    return waited
  }

  it('draws from the band the time since the detach falls in, and the idle grace period after the last band', () => {
    expect(waitAfterDetach(4_000, 0)).toBe(3_000)
    expect(waitAfterDetach(4_000, 9_999)).toBe(3_000)
    expect(waitAfterDetach(4_000, 10_000)).toBe(2_000)
    expect(waitAfterDetach(4_000, 29_999)).toBe(2_000)
    expect(waitAfterDetach(4_000, 30_000)).toBe(1_000)
  })

  it('ignores detaches below minMounts, and every band while all cores are busy', () => {
    expect(waitAfterDetach(499, 0)).toBe(1_000)
    expect(waitAfterDetach(500, 0)).toBe(3_000)
    expect(waitAfterDetach(4_000, 0, true)).toBe(1_000)
  })

  it('lengthens every lone legacy start after the first on a big table, and none below minMounts', () => {
    const base = fixtureModel()
    const fixedNs = (ns: number) => ({kind: 'fixed' as const, ns, source: {command: 'test', samples: 1}})
    // Window 0: every cgroup2 mount waits a grace period; 5 ms idle, 12 ms after a mass detach.
    const sync = {windowNs: 0, gp: fixedNs(5_000_000), source: {command: 'test', samples: 1}}
    const plain: KernelModel = {...base, costs: {...base.costs, cgroupSync: sync}}
    const lengthened: KernelModel = {
      ...base,
      costs: {...base.costs, cgroupSync: {...sync, afterDetach: {minMounts: 1_000, bands: [{untilNs: 1e12, gp: fixedNs(12_000_000)}]}}},
    }
    const loop = (hostMounts: number) => baseScenario({path: 'legacy', hostMounts, workload: {kind: 'closed', concurrency: 1, starts: 20}})
    const before = runScenario(plain, loop(4_000), 1).containerStartNs
    const after = runScenario(lengthened, loop(4_000), 1).containerStartNs
    // The first start follows no detach; each later one follows the previous start's old-root umount of ~4,000 mounts.
    expect(Array.from(after, (ns, i) => ns - before[i]!)).toEqual([0, ...Array<number>(19).fill(7_000_000)])
    expect(runScenario(lengthened, loop(900), 1)).toEqual(runScenario(plain, loop(900), 1))
  })
})
