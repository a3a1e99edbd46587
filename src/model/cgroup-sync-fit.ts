import type {CgroupSync} from './schema.js'
import {medianNs, offCpuExcessNs, type FitPoint} from '../stats/fit.js'
import {nonDecreasingFit} from '../stats/isotonic.js'
import {roundTo} from '../stats/round.js'

/** Below this median wait at the longest gap, the kernel's cgroup2 mount takes no grace period. */
const NO_GRACE_PERIOD_NS = 200_000

/**
 * The cgroup2 mount's grace period from `dp-probe cgroupsync` (docs/calibrate.md, "Where a lone start
 * waits"). Each timed mount's wait is its wall minus its CPU time. The waits at the
 * longest gap (the rcu_sync is surely idle by then) set the scale; a mount "waited" when its wait
 * exceeds half their median. `windowNs` = midway between the last gap where fewer than half the
 * mounts waited and the first where at least half did; every wait at a gap beyond the window is a
 * sample of `gp`. With `runtimeLoop`, the runtime's own back-to-back starts add a point to the
 * window's CDF (runtimeLoopShare); with `m.detach`, the longer grace period after a mass detach
 * (afterDetach). Null when the probe was not in the initial cgroup namespace,
 * where the mount takes no such lock and the measurement says nothing.
 */
export function cgroupSync(
  m: {wall: readonly FitPoint[]; cpu: readonly FitPoint[]; initCgroupNs: boolean; detach?: readonly DetachRun[]},
  command: string,
  runtimeLoop?: RuntimeLoop,
  detachCommand?: string,
): CgroupSync | null {
  if (!m.initCgroupNs) return null
  if (m.wall.length !== m.cpu.length) throw new Error('cgroupsync: wall and CPU series differ in length')
  const byGap = offCpuWaitsByX(m.wall, m.cpu)
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
  // The shares are binomial estimates from a few mounts each; the window's CDF is their
  // non-decreasing fit, weighted by mounts (stats/isotonic.ts), and 1 at the longest gap, where by
  // construction the rcu_sync was idle.
  const probeShares = gaps.map((g) => ({gapNs: Math.round(g * 1e6), share: waitedShare(g), weight: byGap.get(g)!.length}))
  const probeFit = fittedShares(probeShares)
  const first = probeFit.findIndex((p) => p.waitedShare >= 0.5)
  const windowMs = first <= 0 ? gaps[0]! / 2 : (gaps[first - 1]! + gaps[first]!) / 2
  // A wait lasts a grace period however long the gap was, so every wait beyond the window is a
  // sample of it: several times the longest gap's few, which miss the rarer 3-4 tick periods.
  const beyond = gaps.filter((g) => g > windowMs).flatMap((g) => byGap.get(g)!.filter((w) => w > threshold))
  // The longest gap's median is above the threshold, so at least one of its waits is too.
  const waitedNs = (beyond.length > 0 ? beyond : idle).sort((a, b) => a - b).map(Math.round)
  const shares = gaps.map((g, i) => `${g} ms: ${Math.round(probeShares[i]!.share * 100)}%`).join(', ')
  // A start loop slower than the longest gap says nothing the probe did not: the rcu_sync is idle by then.
  const loop = runtimeLoop ? runtimeLoopShare(runtimeLoop, medianNs(waitedNs) / 2, longest * 1e6) : null
  const detach = m.detach && m.detach.length > 0 ? afterDetach(m.detach, waitedNs, detachCommand ?? 'dp-probe cgroupdetach') : null
  return {
    windowNs: Math.round(windowMs * 1e6),
    windowCdf: loop ? fittedShares([...probeShares, loop.point]) : probeFit,
    gp: {
      kind: 'empirical',
      samplesNs: waitedNs,
      source: {
        ...base,
        samples: waitedNs.length,
        note: `wall minus CPU time of the cgroup2 mounts in the initial cgroup namespace that waited (more than half the median wait at ${longest} ms), at gaps beyond the window: synchronize_rcu in rcu_sync_enter (percpu_down_write of cgroup_threadgroup_rwsem in cgroup_favor_dynmods)`,
      },
    },
    ...(detach?.fit ? {afterDetach: detach.fit} : {}),
    source: {
      ...base,
      note: `share of mounts that waited more than half the median grace period (${Math.round(threshold / 1000)} µs), by ms since the previous mount: ${shares}; windowNs = midway between the last gap below half and the first at or above, in the fitted shares; windowCdf = the shares fitted non-decreasing (adjacent violators pooled, weighted by mounts), 1 at the longest gap (the simulator draws a window from it at every exit)${loop ? `; plus ${loop.note}` : ''}${detach ? `; after a mass detach: ${detach.note}` : ''}`,
    },
  }
}

/** A measured share of mounts (or starts) that waited at one gap, and how many were measured. */
interface RawShare {
  gapNs: number
  share: number
  weight: number
}

/** The window's CDF from raw shares: points at one gap merged (weighted), 1 at the last gap, then a non-decreasing weighted fit. */
function fittedShares(raw: readonly RawShare[]): NonNullable<CgroupSync['windowCdf']> {
  const merged: RawShare[] = []
  for (const p of [...raw].sort((a, b) => a.gapNs - b.gapNs)) {
    const last = merged[merged.length - 1]
    if (last !== undefined && last.gapNs === p.gapNs) {
      const weight = last.weight + p.weight
      merged[merged.length - 1] = {gapNs: p.gapNs, share: (last.share * last.weight + p.share * p.weight) / weight, weight}
    } else merged.push(p)
  }
  // The last gap is 1 before the fit, not after: a mount there that did not wait is noise, and
  // pooled with it the gaps before would be pulled below 1.
  const fit = nonDecreasingFit(
    merged.map((p, i) => (i === merged.length - 1 ? 1 : p.share)),
    merged.map((p) => p.weight),
  )
  return merged.map((p, i) => ({gapNs: p.gapNs, waitedShare: roundTo(fit[i]!, 4)}))
}

/** Back-to-back `crun run` starts at C = 1: each start's wall and CPU time, ns. */
export interface RuntimeLoop {
  startNs: readonly number[]
  cpuNs: readonly number[]
}

/**
 * What the runtime's own start loop adds to the window's CDF. The probe times isolated cgroup2
 * mounts after a quiet gap, and saw none wait at gaps up to 14 ms; back-to-back `crun run` starts
 * at C = 1, about 7 ms apart, waited a grace period in 2.5 % of starts (docs/calibrate.md,
 * "Validate at the end of this session"), which left every predicted C = 1 p99 short. The share
 * of those starts whose off-CPU time exceeds the median start's by more than half the median
 * grace period is a point at the starts' median wall time (the gap between one start's cgroup2
 * mount and the next one's), weighted by the number of starts. Null when no start waited, the
 * two series do not match, or the starts are at least the probe's longest gap apart.
 */
function runtimeLoopShare(loop: RuntimeLoop, thresholdNs: number, longestGapNs: number): {point: RawShare; note: string} | null {
  const {startNs, cpuNs} = loop
  if (startNs.length === 0 || startNs.length !== cpuNs.length) return null
  const waited = offCpuExcessNs(startNs, cpuNs).filter((ns) => ns > thresholdNs).length
  if (waited === 0) return null
  const gapNs = Math.round(medianNs(startNs))
  if (gapNs >= longestGapNs) return null
  const share = waited / startNs.length
  return {
    point: {gapNs, share, weight: startNs.length},
    note: `the runtime's start loop: ${waited} of ${startNs.length} crun starts at C=1 (median ${(gapNs / 1e6).toFixed(1)} ms apart) were off the CPU more than ${(thresholdNs / 1e6).toFixed(1)} ms beyond the median start, a point at ${(gapNs / 1e6).toFixed(1)} ms with share ${roundTo(share, 4)}`,
  }
}

/**
 * `dp-probe cgroupdetach` at one table size: the mounts each torn-down copy held, and each timed
 * mount's wall and CPU time and the ns from the teardown to it, by ms slept after the teardown.
 */
export interface DetachRun {
  mounts: number
  wall: readonly FitPoint[]
  cpu: readonly FitPoint[]
  sinceTeardown: readonly FitPoint[]
}

/**
 * Longer grace periods after a mass detach (docs/calibrate.md, "A grace period after a mass
 * detach is longer"). On Linux 6.18 a grace period that starts right after thousands of mounts
 * were torn down lasted up to twice the idle one, fading over 60-80 ms. The largest table's
 * delays become bands by time since the teardown (the probe's mean time from the teardown to the
 * mount at that delay, which includes the next start's copy and read), each ending midway to the
 * next (the last one as far beyond as the step before it), each with the waits measured at its
 * delay as its `gp`. Bands after the last one whose mean wait exceeds the idle grace period's
 * (`gpNs`) at all are dropped: from there on the idle `gp` applies. No threshold above zero: with
 * one (a fifth of the idle grace period, until 2026-12-01) a first band of 8.5–11.7 ms against
 * ~6–7 idle was modelled in some back-to-back runs and not in others, and lone starts'
 * predictions moved by its 2–5 ms between them (docs/calibrate.md, "No bar above zero"); a band
 * lengthened by little changes a prediction by little. `minMounts` is the smallest table whose
 * wait at the first delay was lengthened at least half as much as the largest table's (a smaller
 * table is copied and read sooner, so it is measured nearer its teardown). Null fit, with the
 * reason, when no delay shows a lengthening.
 */
export function afterDetach(
  runs: readonly DetachRun[],
  gpNs: readonly number[],
  command: string,
): {fit: NonNullable<CgroupSync['afterDetach']> | null; note: string} {
  const sized = [...runs].filter((r) => r.wall.length > 0).sort((a, b) => a.mounts - b.mounts)
  const largest = sized[sized.length - 1]
  if (largest === undefined || gpNs.length === 0) return {fit: null, note: 'not measured'}
  const idleMean = mean(gpNs)
  const byDelay = offCpuWaitsByX(largest.wall, largest.cpu)
  const delays = [...byDelay.keys()].sort((a, b) => a - b)
  const excess = (waits: readonly number[]) => Math.max(0, mean(waits) - idleMean)
  const ms = (ns: number) => (ns / 1e6).toFixed(1)
  // Time from the teardown to the mount, by delay: the sleep plus the next start's copy and read.
  const elapsedMs = delays.map((d) => mean(largest.sinceTeardown.filter((p) => p.x === d).map((p) => p.ns)) / 1e6)
  const means = delays.map((d, i) => `${elapsedMs[i]!.toFixed(1)} ms: ${ms(mean(byDelay.get(d)!))}`).join(', ')
  const measured = `mean wait of a cgroup2 mount after tearing down ${largest.mounts} mounts and copying and reading the table, by ms since the teardown: ${means} (idle grace period ${ms(idleMean)} ms)`
  let last = -1
  delays.forEach((d, i) => {
    if (excess(byDelay.get(d)!) > 0) last = i
  })
  if (last < 0) return {fit: null, note: `not modelled: ${measured}, no lengthening`}
  if (elapsedMs.some((e, i) => !Number.isFinite(e) || (i > 0 && e <= elapsedMs[i - 1]!)))
    return {fit: null, note: `not modelled: ${measured}, but the times from the teardown to the mounts do not grow with the delay`}
  const untilMs = (i: number): number => {
    if (i < delays.length - 1) return (elapsedMs[i]! + elapsedMs[i + 1]!) / 2
    const step = delays.length > 1 ? elapsedMs[i]! - elapsedMs[i - 1]! : elapsedMs[i]!
    return elapsedMs[i]! + step / 2
  }
  const bands = delays.slice(0, last + 1).map((d, i) => {
    const waits = byDelay.get(d)!
    return {
      untilNs: Math.round(untilMs(i) * 1e6),
      gp: {
        kind: 'empirical' as const,
        samplesNs: [...waits].sort((a, b) => a - b).map(Math.round),
        source: {
          command,
          samples: waits.length,
          note: `wall minus CPU time of cgroup2 mounts ${elapsedMs[i]!.toFixed(1)} ms after a copy of ${largest.mounts} mounts was torn down (${d} ms slept, then the next copy and read)`,
        },
      },
    }
  })
  const ex0 = excess(byDelay.get(delays[0]!)!)
  const smaller = sized.slice(0, -1).map((r) => ({mounts: r.mounts, ex: excess(offCpuWaitsByX(r.wall, r.cpu).get(delays[0]!) ?? [])}))
  const minMounts = smaller.find((p) => p.ex >= ex0 / 2)?.mounts ?? largest.mounts
  const sizes = smaller.map((p) => `${p.mounts} mounts: +${ms(p.ex)} ms`).join(', ')
  const truncated = last === delays.length - 1 ? `; still longer at the last delay (${delays[last]} ms), so the bands may end too early` : ''
  return {
    fit: {minMounts, bands},
    note: `${measured}; ${bands.length} band(s) up to ${ms(bands[bands.length - 1]!.untilNs)} ms${truncated}; minMounts = the smallest table whose wait right after its teardown was lengthened at least half as much as the largest's (+${ms(ex0)} ms)${sizes ? `: ${sizes}` : ''}`,
  }
}

/** Each timed mount's wait (its wall minus its CPU time, same order, at least 0), grouped by the x it was timed at. */
function offCpuWaitsByX(wall: readonly FitPoint[], cpu: readonly FitPoint[]): Map<number, number[]> {
  const by = new Map<number, number[]>()
  wall.forEach((w, i) => {
    const waits = by.get(w.x) ?? []
    waits.push(Math.max(0, w.ns - (cpu[i]?.ns ?? 0)))
    by.set(w.x, waits)
  })
  return by
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}
