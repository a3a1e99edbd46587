import {describe, expect, it} from 'vitest'
import {afterDetach, cgroupSync, type DetachRun} from '../../src/model/cgroup-sync-fit.js'
import type {FitPoint} from '../../src/stats/fit.js'

/** A probe run: at each gap (ms), `reps` mounts whose wall time is cpu + wait(gap, rep). */
function run(gaps: number[], reps: number, wait: (gap: number, rep: number) => number, cpuNs = 50_000) {
  const wall: FitPoint[] = []
  const cpu: FitPoint[] = []
  for (let r = 0; r < reps; r++)
    for (const g of gaps) {
      wall.push({x: g, ns: cpuNs + wait(g, r)})
      cpu.push({x: g, ns: cpuNs})
    }
  return {wall, cpu, initCgroupNs: true}
}

const GAPS = [2, 6, 10, 14, 18, 22, 26, 30, 60]

describe('the cgroup2 mount grace period fit', () => {
  it('takes every wait beyond the window as a grace period and puts the window between the last quiet gap and the first waiting one', () => {
    const gpByRep = [7_800_000, 15_900_000, 7_700_000, 13_800_000]
    const fit = cgroupSync(
      run(GAPS, 4, (g, r) => (g >= 18 ? gpByRep[r]! : 10_000)),
      'dp-probe cgroupsync',
    )!
    expect(fit.windowNs).toBe(16_000_000)
    // Gaps 18, 22, 26, 30 and 60 ms are beyond the 16 ms window: five waits of each repetition's length.
    expect(fit.gp).toMatchObject({kind: 'empirical', samplesNs: gpByRep.flatMap((ns) => Array<number>(5).fill(ns)).sort((a, b) => a - b)})
    expect(fit.source.note).toContain('14 ms: 0%')
    expect(fit.source.note).toContain('18 ms: 100%')
  })

  it('counts a gap as waiting once at least half its mounts waited', () => {
    // At 14 ms two of four mounts wait; at 10 ms one of four.
    const fit = cgroupSync(
      run(GAPS, 4, (g, r) => (g >= 18 || (g === 14 && r < 2) || (g === 10 && r === 0) ? 8_000_000 : 0)),
      'x',
    )!
    expect(fit.windowNs).toBe(12_000_000)
  })

  it('gives a zero window and near-zero waits on a kernel whose cgroup2 mount takes no grace period', () => {
    const fit = cgroupSync(
      run(GAPS, 3, () => 5_000),
      'x',
    )!
    expect(fit.windowNs).toBe(0)
    expect(fit.gp).toMatchObject({samplesNs: [5_000, 5_000, 5_000]})
    expect(fit.gp.source.note).toContain('takes no grace period')
  })

  it('measures nothing outside the initial cgroup namespace, where the mount skips the lock', () => {
    expect(cgroupSync({...run(GAPS, 2, () => 8_000_000), initCgroupNs: false}, 'x')).toBeNull()
  })
})

describe("the cgroup2 mount's window distribution", () => {
  it('is the waited share per gap fitted non-decreasing (a dip pooled with the gap before, by mounts), and 1 at the longest gap', () => {
    // 10 ms: 1 of 4 waited; 14 ms: 0 of 4 (noise below the 10 ms share); 18 ms and on: all but at 60 ms one did not.
    const fit = cgroupSync(
      run(GAPS, 4, (g, r) => ((g === 10 && r === 0) || (g >= 18 && !(g === 60 && r === 3)) ? 8_000_000 : 0)),
      'x',
    )!
    expect(fit.windowCdf!.map((p) => [p.gapNs / 1e6, p.waitedShare])).toEqual([
      [2, 0],
      [6, 0],
      [10, 0.125],
      [14, 0.125],
      [18, 1],
      [22, 1],
      [26, 1],
      [30, 1],
      [60, 1],
    ])
  })

  it('does not let one noisy share lift every gap after it, as a running maximum would', () => {
    // 12 mounts a gap; at 2 ms one of 12 waited, at 6–14 ms none: the fit spreads that one wait
    // over the four gaps (1/48 each) instead of reading 1/12 at all of them.
    const fit = cgroupSync(
      run(GAPS, 12, (g, r) => ((g === 2 && r === 5) || g >= 18 ? 8_000_000 : 0)),
      'x',
    )!
    expect(fit.windowCdf!.slice(0, 4).map((p) => p.waitedShare)).toEqual([0.0208, 0.0208, 0.0208, 0.0208])
  })
})

describe("the runtime's own start loop in the window distribution", () => {
  // The probe: no wait up to 14 ms, all from 18 ms (8 ms grace periods).
  const probeRun = run(GAPS, 4, (g) => (g >= 18 ? 8_000_000 : 0))
  const probe = cgroupSync(probeRun, 'x')!
  // 40 crun starts 7 ms apart (wall), 6.7 ms of CPU; one in 20 was off the CPU a grace period longer.
  const startNs = Array.from({length: 40}, (_, i) => (i % 20 === 7 ? 15_000_000 : 7_000_000))
  const cpuNs = startNs.map(() => 6_700_000)

  it("adds the share of starts that waited at the starts' spacing, weighted by starts, and keeps the CDF from falling", () => {
    const fit = cgroupSync(probeRun, 'x', {startNs, cpuNs})!
    // 2 of 40 at 7 ms, 0 of 4 at 10 and 14 ms: pooled, 2 of 48.
    expect(fit.windowCdf!.map((p) => [p.gapNs / 1e6, p.waitedShare])).toEqual([
      [2, 0],
      [6, 0],
      [7, 0.0417],
      [10, 0.0417],
      [14, 0.0417],
      [18, 1],
      [22, 1],
      [26, 1],
      [30, 1],
      [60, 1],
    ])
    expect(fit.source.note).toMatch(/2 of 40 crun starts at C=1/)
    expect(fit.gp).toEqual(probe.gp)
    expect(fit.windowNs).toBe(probe.windowNs)
  })

  it('changes nothing when no start waited, without the CPU times of the same starts, or when the starts are further apart than the longest gap', () => {
    expect(cgroupSync(probeRun, 'x', {startNs: startNs.map(() => 7_000_000), cpuNs})).toEqual(probe)
    expect(cgroupSync(probeRun, 'x', {startNs, cpuNs: cpuNs.slice(1)})).toEqual(probe)
    // Starts 70 ms apart, beyond the probe's longest gap (60 ms), where the rcu_sync is idle anyway.
    const slow = startNs.map((ns) => ns + 63_000_000)
    expect(cgroupSync(probeRun, 'x', {startNs: slow, cpuNs: slow.map((ns) => ns - 300_000 - (ns > 75_000_000 ? 8_000_000 : 0))})).toEqual(probe)
  })
})

describe('the longer grace period after a mass detach', () => {
  /** A `dp-probe cgroupdetach` run: at each delay (ms), `reps` mounts waiting wait(delay), reached elapsed(delay) ms after the teardown. */
  function detachRun(mounts: number, delays: number[], reps: number, wait: (delay: number) => number, elapsedMs: (delay: number) => number): DetachRun {
    const wall: FitPoint[] = []
    const cpu: FitPoint[] = []
    const sinceTeardown: FitPoint[] = []
    for (let r = 0; r < reps; r++)
      for (const d of delays) {
        wall.push({x: d, ns: 100_000 + wait(d)})
        cpu.push({x: d, ns: 100_000})
        sinceTeardown.push({x: d, ns: elapsedMs(d) * 1e6})
      }
    return {mounts, wall, cpu, sinceTeardown}
  }
  const idleGp = Array<number>(20).fill(7_000_000)
  // The largest table: 14 ms at the first delay, 10 at the second, back to 7 from the third; the
  // copy and read before the mount take 20 ms.
  const large = detachRun(
    4_022,
    [0, 25, 50, 75],
    3,
    (d) => (d === 0 ? 14_000_000 : d === 25 ? 10_000_000 : 7_000_000),
    (d) => d + 20,
  )

  it('makes a band of every delay up to the last one still lengthened, ending midway to the next delay in time since the teardown', () => {
    const {fit, note} = afterDetach([large], idleGp, 'dp-probe cgroupdetach')
    expect(fit!.bands.map((b) => [b.untilNs / 1e6, b.gp.kind === 'empirical' ? b.gp.samplesNs : []])).toEqual([
      [32.5, [14_000_000, 14_000_000, 14_000_000]],
      [57.5, [10_000_000, 10_000_000, 10_000_000]],
    ])
    expect(fit!.minMounts).toBe(4_022)
    expect(note).toContain('20.0 ms: 14.0, 45.0 ms: 10.0, 70.0 ms: 7.0')
  })

  it('sets minMounts at the smallest table lengthened at least half as much as the largest', () => {
    // +7 ms for the largest; a 1,022-mount table +4 ms (at least half), a 522-mount one +3 ms (not).
    const at = (mounts: number, ns: number) =>
      detachRun(
        mounts,
        [0],
        3,
        () => ns,
        () => 5,
      )
    expect(afterDetach([at(522, 10_000_000), at(1_022, 11_000_000), large], idleGp, 'x').fit!.minMounts).toBe(1_022)
    expect(afterDetach([at(1_022, 9_000_000), large], idleGp, 'x').fit!.minMounts).toBe(4_022)
  })

  it('models nothing when no delay waits longer than the idle grace period on average, or when the times since the teardown do not grow', () => {
    const flat = detachRun(
      4_022,
      [0, 25],
      3,
      () => 7_000_000,
      (d) => d + 20,
    )
    expect(afterDetach([flat], idleGp, 'x')).toMatchObject({fit: null, note: expect.stringContaining('no lengthening')})
    // Lengthened by little (8 ms against 7) is still a band: a threshold would switch a grace
    // period's worth of prediction on and off between back-to-back runs.
    const slight = detachRun(
      4_022,
      [0, 25],
      3,
      (d) => (d === 0 ? 8_000_000 : 7_000_000),
      (d) => d + 20,
    )
    expect(afterDetach([slight], idleGp, 'x').fit!.bands.map((b) => b.untilNs / 1e6)).toEqual([32.5])
    const jumbled = detachRun(
      4_022,
      [0, 25],
      3,
      () => 14_000_000,
      (d) => 40 - d,
    )
    expect(afterDetach([jumbled], idleGp, 'x').fit).toBeNull()
  })

  it('is part of the cgroupSync fit when the probe measured it, with the idle waits beyond the window as the reference', () => {
    const probe = run(GAPS, 4, (g) => (g >= 18 ? 7_000_000 : 0))
    const fit = cgroupSync({...probe, detach: [large]}, 'dp-probe cgroupsync', undefined, 'dp-probe cgroupdetach --added 4000')!
    expect(fit.afterDetach!.bands).toHaveLength(2)
    expect(fit.afterDetach!.bands[0]!.gp.source.command).toBe('dp-probe cgroupdetach --added 4000')
    expect(fit.source.note).toContain('after a mass detach')
    expect(cgroupSync(probe, 'dp-probe cgroupsync')!.afterDetach).toBeUndefined()
  })
})
