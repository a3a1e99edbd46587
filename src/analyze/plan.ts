import type {NodeClassResult} from '../domain/analysis.js'
import type {Histogram} from '../domain/snapshot.js'
import {histogramQuantile} from '../profile/histogram.js'
import type {NodeClass} from '../profile/node-classes.js'
import {quantileType7} from '../stats/quantile.js'
import {roundTo} from '../stats/round.js'
import {BOOTSTRAP_RESAMPLES} from '../stats/bootstrap.js'
import {observedStartsFor, type ObservedStarts} from './back-test.js'
import {DEFAULT_CONTENTION, type ContentionMode} from './contention.js'

/** The flags that shape every class's simulation. */
export interface AnalysisSettings {
  seed: number
  replications: number
  /** Evenly spaced densities in the sweep (today and maxPods are added). */
  sweepPoints: number
  /** The sweep runs to this multiple of the node's maxPods. */
  sweepBeyondMaxPods: number
  /** Burst sizes of the burst × density grid. */
  burstSizes: number[]
  /** Densities of the grid (picked evenly from the sweep). */
  gridDensities: number
  gridReplications: number
  bootstrapResamples: number
  cdfPoints: number
  sloMs: number
  /** --burst: simulate this many pods at once at today's density instead of the snapshot-derived burst. */
  burstOverride?: number
  /** Which CPU-contention curve applies per core count (src/analyze/contention.ts). */
  contention: ContentionMode
  /** The legacy model's measured contention curve, for the per-class note (set by the analyze use case). */
  contentionCurve?: ReadonlyArray<{busyCores: number; slowdown: number}>
  /** Replications per point grow (doubling from `replications`) until the p99's 95% CI half-width ≤ this share of p99 ... */
  targetHalfWidth: number
  /** ... or this many replications per point (then the result lists the point in precision.atCap). */
  maxReplications: number
}

export const DEFAULT_SETTINGS: Omit<AnalysisSettings, 'seed'> = {
  replications: 4,
  contention: DEFAULT_CONTENTION,
  targetHalfWidth: 0.05,
  maxReplications: 32,
  sweepPoints: 6,
  sweepBeyondMaxPods: 1.25,
  burstSizes: [1, 10, 25, 50, 100],
  gridDensities: 3,
  gridReplications: 1,
  bootstrapResamples: BOOTSTRAP_RESAMPLES,
  cdfPoints: 200,
  sloMs: 5000,
}

/**
 * The documented default for the non-mount part of a pod start (kubelet sync, CNI, shim start,
 * image checks without a pull) when the snapshot has too few observed starts: a lognormal with
 * median 1.0 s and p90 1.8 s. It is an assumption, not a measurement, and the report says so.
 */
export const DEFAULT_OVERHEAD = {p50Ms: 1000, p90Ms: 1800}
/** What an observed start of 0 ms stands for: the middle of [0, 1 s), one timestamp tick. */
export const SUBSECOND_START_MS = 500
/** Fewer observed starts than this and a class borrows its pool's, then the default. */
export const MIN_OBSERVED_STARTS = 20

export interface ClassPlan extends AnalysisSettings {
  /** The starting point of the non-kernel fit (observed quantiles) or the documented default. */
  overhead: NodeClassResult['overhead']
  /** What the class's nodes observe today, for the fit and the back-test; null: not back-tested. */
  observed: ObservedStarts | null
  burstToday: number
  burstSource: 'snapshot' | 'override'
  sweepDensities: number[]
  gridBursts: number[]
  /** The grid's densities, picked evenly from the sweep. */
  gridDensityList: number[]
}

export function planClass(cls: NodeClass, settings: AnalysisSettings, poolObservedMs: readonly number[], poolSli: Histogram | null = null): ClassPlan {
  const sweepDensities = densities(cls, settings)
  const burstToday = settings.burstOverride ?? Math.max(cls.bursts.rollingUpdate, cls.bursts.drainRefill, cls.bursts.jobWave)
  const gridDensityList = pickEvenly(sweepDensities, settings.gridDensities)
  return {
    ...settings,
    overhead: overheadFromSli(cls.kubeletSli, 'this class') ?? overheadFromSli(poolSli, 'its pool') ?? overheadFor(cls.observedStartMs, poolObservedMs),
    observed: observedStartsFor(cls.kubeletSli, poolSli, cls.observedStartMs, poolObservedMs),
    burstToday,
    burstSource: settings.burstOverride === undefined ? 'snapshot' : 'override',
    sweepDensities,
    gridBursts: settings.burstSizes,
    gridDensityList,
  }
}

/**
 * Sweep densities: `sweepPoints` evenly from 10% of maxPods to sweepBeyondMaxPods × maxPods, plus
 * today and maxPods. An inner even point within a quarter step of today or maxPods is left out:
 * that point already samples the curve there (e.g. 255 next to a maxPods of 250), and a second
 * simulation a few pods away adds cost, the densest points costing most, but no information.
 */
export function densities(cls: Pick<NodeClass, 'maxPods' | 'podsPerNodeToday'>, s: Pick<AnalysisSettings, 'sweepPoints' | 'sweepBeyondMaxPods'>): number[] {
  const lo = Math.max(2, Math.round(cls.maxPods * 0.1))
  const hi = Math.max(lo + 1, Math.round(cls.maxPods * s.sweepBeyondMaxPods))
  const n = Math.max(2, s.sweepPoints)
  const step = (hi - lo) / (n - 1)
  const anchors = [cls.maxPods, ...(cls.podsPerNodeToday > 0 ? [cls.podsPerNodeToday] : [])]
  const even = Array.from({length: n}, (_, i) => Math.round(lo + step * i))
  const kept = even.filter((x, i) => i === 0 || i === n - 1 || anchors.every((a) => Math.abs(x - a) >= step / 4))
  return [...new Set([...kept, ...anchors])].sort((a, b) => a - b)
}

export function overheadFor(classMs: readonly number[], poolMs: readonly number[]): NodeClassResult['overhead'] {
  const pick =
    classMs.length >= MIN_OBSERVED_STARTS ? {ms: classMs, scope: 'this class'} : poolMs.length >= MIN_OBSERVED_STARTS ? {ms: poolMs, scope: 'its pool'} : null
  if (!pick) {
    return {
      source: 'default',
      ...DEFAULT_OVERHEAD,
      samples: 0,
      note: `fewer than ${MIN_OBSERVED_STARTS} observed pod starts; documented default lognormal (median ${DEFAULT_OVERHEAD.p50Ms} ms, p90 ${DEFAULT_OVERHEAD.p90Ms} ms)`,
    }
  }
  const sorted = Float64Array.from(pick.ms).sort()
  // Pod timestamps have one-second resolution, so a start under a second is observed as 0. When
  // most are, the median is 0 and no lognormal fits: take 0 as the middle of [0, 1 s).
  const zeroMedian = quantileType7(sorted, 0.5) <= 0
  const p50 = zeroMedian ? SUBSECOND_START_MS : quantileType7(sorted, 0.5)
  // A lognormal needs p90 > median; a degenerate sample gets a 10% spread.
  const p90 = Math.max(quantileType7(sorted, 0.9), p50 * 1.1)
  return {
    source: 'observed',
    p50Ms: roundTo(p50, 1),
    p90Ms: roundTo(p90, 1),
    samples: sorted.length,
    note: `fitted to ${sorted.length} observed pod starts on ${pick.scope} (creation → all containers running; includes image pulls and today's kernel time, so it is pessimistic)${zeroMedian ? `; at least half were 0 s at one-second timestamp resolution, so the median is taken as ${SUBSECOND_START_MS} ms` : ''}`,
  }
}

/**
 * The overhead from kubelet's pod start SLI histogram, which is the better source: it is what
 * Kubernetes' SLO measures (excludes image pulls). Null with fewer than MIN_OBSERVED_STARTS pods.
 */
export function overheadFromSli(h: Histogram | null, scope: string): NodeClassResult['overhead'] | null {
  const total = h?.buckets.at(-1)?.count ?? 0
  if (!h || total < MIN_OBSERVED_STARTS) return null
  // Floored at 1 ms: a lognormal needs a positive median (a histogram whose first bucket is le=0).
  const p50 = Math.max(histogramQuantile(h, 0.5)! * 1000, 1)
  const p90 = Math.max(histogramQuantile(h, 0.9)! * 1000, p50 * 1.1)
  return {
    source: 'observed',
    p50Ms: roundTo(p50, 1),
    p90Ms: roundTo(p90, 1),
    samples: Math.round(total),
    note: `fitted to kubelet_pod_start_sli_duration_seconds on ${scope} (${Math.round(total)} pod starts, bucket-interpolated; excludes image pulls; includes today's kernel time, so it is pessimistic)`,
  }
}

function pickEvenly(xs: number[], n: number): number[] {
  if (xs.length <= n) return [...xs]
  return [...new Set(Array.from({length: n}, (_, i) => xs[Math.round(((xs.length - 1) * i) / (n - 1))]!))]
}
