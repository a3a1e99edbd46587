import type {CgroupSync} from './schema.js'
import {medianNs, offCpuExcessNs, type FitPoint} from '../stats/fit.js'
import {roundTo} from '../stats/round.js'

/** Below this median wait at the longest gap, the kernel's cgroup2 mount takes no grace period. */
const NO_GRACE_PERIOD_NS = 200_000

/**
 * The cgroup2 mount's grace period from `dp-probe cgroupsync` (docs/calibrate.md, "Where a lone start
 * waits"). Each timed mount's wait is its wall minus its CPU time. The waits at the
 * longest gap (the rcu_sync is surely idle by then) set the scale; a mount "waited" when its wait
 * exceeds half their median. `windowNs` = midway between the last gap where fewer than half the
 * mounts waited and the first where at least half did; every wait at a gap beyond the window is a
 * sample of `gp`. Null when the probe was not in the initial cgroup namespace, where the mount
 * takes no such lock and the measurement says nothing.
 */
export function cgroupSync(m: {wall: readonly FitPoint[]; cpu: readonly FitPoint[]; initCgroupNs: boolean}, command: string): CgroupSync | null {
  if (!m.initCgroupNs) return null
  if (m.wall.length !== m.cpu.length) throw new Error('cgroupsync: wall and CPU series differ in length')
  const byGap = new Map<number, number[]>()
  m.wall.forEach((w, i) => {
    const waits = byGap.get(w.x) ?? []
    waits.push(Math.max(0, w.ns - m.cpu[i]!.ns))
    byGap.set(w.x, waits)
  })
  const gaps = [...byGap.keys()].sort((a, b) => a - b)
  const longest = gaps[gaps.length - 1]!
  const idle = byGap.get(longest)!
  const idleMedian = medianNs(idle)
  const samplesNs = [...idle].sort((a, b) => a - b).map(Math.round)
  const base = {command, samples: m.wall.length}
  if (idleMedian < NO_GRACE_PERIOD_NS) {
    return {
      windowNs: 0,
      gp: {
        kind: 'empirical',
        samplesNs,
        source: {
          ...base,
          note: `cgroup2 mounts ${longest} ms apart waited a median ${Math.round(idleMedian)} ns: this kernel's cgroup2 mount takes no grace period`,
        },
      },
      source: {...base, note: 'no grace-period wait measured, so no window'},
    }
  }
  const threshold = idleMedian / 2
  const waitedShare = (g: number) => {
    const waits = byGap.get(g)!
    return waits.filter((w) => w > threshold).length / waits.length
  }
  const first = gaps.findIndex((g) => waitedShare(g) >= 0.5)
  const windowMs = first <= 0 ? gaps[0]! / 2 : (gaps[first - 1]! + gaps[first]!) / 2
  // A wait lasts a grace period however long the gap was, so every wait beyond the window is a
  // sample of it: several times the longest gap's few, which miss the rarer 3-4 tick periods.
  const beyond = gaps.filter((g) => g > windowMs).flatMap((g) => byGap.get(g)!.filter((w) => w > threshold))
  // The longest gap's median is above the threshold, so at least one of its waits is too.
  const waitedNs = (beyond.length > 0 ? beyond : idle).sort((a, b) => a - b).map(Math.round)
  const shares = gaps.map((g) => `${g} ms: ${Math.round(waitedShare(g) * 100)}%`).join(', ')
  // The window's CDF: P(window ≤ gap) = share that waited at that gap, made non-decreasing (a
  // lower share at a longer gap is sampling noise), and 1 at the longest gap, where by
  // construction the rcu_sync was idle.
  let running = 0
  const windowCdf = gaps.map((g, i) => {
    running = i === gaps.length - 1 ? 1 : Math.max(running, waitedShare(g))
    return {gapNs: Math.round(g * 1e6), waitedShare: roundTo(running, 4)}
  })
  return {
    windowNs: Math.round(windowMs * 1e6),
    windowCdf,
    gp: {
      kind: 'empirical',
      samplesNs: waitedNs,
      source: {
        ...base,
        samples: waitedNs.length,
        note: `wall minus CPU time of the cgroup2 mounts in the initial cgroup namespace that waited (more than half the median wait at ${longest} ms), at gaps beyond the window: synchronize_rcu in rcu_sync_enter (percpu_down_write of cgroup_threadgroup_rwsem in cgroup_favor_dynmods)`,
      },
    },
    source: {
      ...base,
      note: `share of mounts that waited more than half the median grace period (${Math.round(threshold / 1000)} µs), by ms since the previous mount: ${shares}; windowNs = midway between the last gap below half and the first at or above; windowCdf = those shares, non-decreasing, 1 at the longest gap (the simulator draws a window from it at every exit)`,
    },
  }
}

/**
 * Adds what the runtime's own start loop showed to the window's CDF. The probe times isolated
 * cgroup2 mounts after a quiet gap, and saw none wait at gaps up to 14 ms; back-to-back `crun run`
 * starts at C = 1, about 7 ms apart, waited a grace period in 2.5 % of starts (docs/calibrate.md,
 * "Validate at the end of this session"), which left every predicted C = 1 p99 short. The share
 * of those starts whose off-CPU time exceeds the median start's by more than half the median
 * grace period becomes a point of the CDF at the starts' median wall time (the gap between one
 * start's cgroup2 mount and the next one's), and the CDF is made non-decreasing again (at each
 * gap the larger of the two measurements). Unchanged without a CDF or when no start waited.
 */
export function withRuntimeLoopWaits(sync: CgroupSync, startNs: readonly number[], cpuNs: readonly number[]): CgroupSync {
  if (!sync.windowCdf || startNs.length === 0 || startNs.length !== cpuNs.length || sync.gp.kind !== 'empirical') return sync
  const threshold = medianNs(sync.gp.samplesNs) / 2
  const waited = offCpuExcessNs(startNs, cpuNs).filter((ns) => ns > threshold).length
  if (waited === 0) return sync
  const gapNs = Math.round(medianNs(startNs))
  const share = roundTo(waited / startNs.length, 4)
  const points = [...sync.windowCdf.filter((p) => p.gapNs !== gapNs), {gapNs, waitedShare: share}].sort((a, b) => a.gapNs - b.gapNs)
  let running = 0
  const windowCdf = points.map((p) => ({gapNs: p.gapNs, waitedShare: (running = Math.max(running, p.waitedShare))}))
  return {
    ...sync,
    windowCdf,
    source: {
      ...sync.source,
      note: `${sync.source.note ?? ''}; plus the runtime's start loop: ${waited} of ${startNs.length} crun starts at C=1 (median ${(gapNs / 1e6).toFixed(1)} ms apart) were off the CPU more than ${(threshold / 1e6).toFixed(1)} ms beyond the median start, a point at ${(gapNs / 1e6).toFixed(1)} ms with share ${share}`,
    },
  }
}
