import type {Histogram} from '../domain/snapshot.js'
import {createPrng} from '../lib/prng.js'
import {quantileType7, sortedCopy} from '../stats/quantile.js'
import {histogramQuantile} from '../profile/histogram.js'

/**
 * The back-test: what a class's nodes observe today, and the same view of the simulation of
 * today (today's kernel path, density, mounts and burst). The non-kernel start time is fitted so
 * that the two agree (fit-overhead.ts), and the agreement is then checked on an independent run.
 *
 * Like is compared with like: the simulated starts go through the same observation the data went
 * through — binned into the kubelet histogram's buckets and read with histogram_quantile's
 * interpolation, or rounded to the timestamps' resolution — so bucket interpolation and
 * second-resolution timestamps bias both sides alike, and a histogram or a sample that is mostly
 * zeros is compared as it is instead of being fitted (a lognormal of zeros does not exist).
 */

/** Fewer observed starts than this and a class borrows its pool's, then has no back-test. */
export const MIN_OBSERVED_STARTS = 20

export type ObservedStarts =
  | {kind: 'kubelet-sli'; scope: 'class' | 'pool'; histogram: Histogram; samples: number}
  | {kind: 'pod-timestamps'; scope: 'class' | 'pool'; valuesMs: readonly number[]; resolutionMs: number; samples: number}

/** What each source includes, for the report: the SLI and timestamps measure different things. */
export const SOURCE_INCLUDES: Record<ObservedStarts['kind'], string> = {
  'kubelet-sli':
    'kubelet_pod_start_sli_duration_seconds: pod creation to all containers started, excluding image pulls and init containers (the Kubernetes SLI)',
  'pod-timestamps':
    'pod creationTimestamp to the last container running.startedAt: includes image pulls and init containers, which the SLI excludes, so the fitted non-kernel time includes them too',
}

/** Per class: its own SLI histogram, its pool's, its own pod timestamps, its pool's; null when none has enough starts. */
export function observedStartsFor(
  classSli: Histogram | null,
  poolSli: Histogram | null,
  classMs: readonly number[],
  poolMs: readonly number[],
): ObservedStarts | null {
  for (const [h, scope] of [
    [classSli, 'class'],
    [poolSli, 'pool'],
  ] as const) {
    const total = h?.buckets.at(-1)?.count ?? 0
    if (h && total >= MIN_OBSERVED_STARTS) return {kind: 'kubelet-sli', scope, histogram: h, samples: Math.round(total)}
  }
  for (const [ms, scope] of [
    [classMs, 'class'],
    [poolMs, 'pool'],
  ] as const) {
    if (ms.length >= MIN_OBSERVED_STARTS) return {kind: 'pod-timestamps', scope, valuesMs: ms, resolutionMs: timestampResolutionMs(ms), samples: ms.length}
  }
  return null
}

/** 1000 when every value is a whole second (Kubernetes timestamps have second resolution), else 1. */
export function timestampResolutionMs(valuesMs: readonly number[]): number {
  return valuesMs.every((v) => v % 1000 === 0) ? 1000 : 1
}

export interface Quantiles {
  p50Ms: number
  p90Ms: number
  p99Ms: number
}

/** Quantile levels the fit matches (the whole shape, not only p50/p90: see fit-overhead.ts). */
export const FIT_LEVELS = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] as const

/** p50/p90/p99 and the quantiles at FIT_LEVELS, ms. */
export interface QuantileView extends Quantiles {
  levelsMs: number[]
  /**
   * Sampling noise of the p99 (observed side only): half the spread between the quantiles at
   * 0.99 ± sqrt(0.99·0.01/n), the order-statistic band of one standard error. A fit asks no more of
   * the p99 than this.
   */
  p99NoiseMs?: number
}

/** The observed p50/p90/p99 (after the smoothing `simulatedView` applies too). */
export function observedView(obs: ObservedStarts, seed: number): QuantileView {
  const d = Math.sqrt((0.99 * 0.01) / Math.max(1, obs.samples))
  if (obs.kind === 'kubelet-sli') {
    const q = (p: number): number => (histogramQuantile(obs.histogram, p) ?? 0) * 1000
    return {...histogramQuantiles(obs.histogram), p99NoiseMs: (q(Math.min(1, 0.99 + d)) - q(0.99 - d)) / 2}
  }
  const view = smoothedQuantiles(Float64Array.from(obs.valuesMs), obs.resolutionMs, seed)
  const sorted = sortedCopy(Float64Array.from(obs.valuesMs))
  return {...view, p99NoiseMs: (quantileType7(sorted, Math.min(1, 0.99 + d)) - quantileType7(sorted, 0.99 - d)) / 2}
}

/** The simulated starts as the observation would have recorded them, as p50/p90/p99. */
export function simulatedView(obs: ObservedStarts, simulatedMs: Float64Array, seed: number): QuantileView {
  if (obs.kind === 'kubelet-sli') return histogramQuantiles(binLike(obs.histogram, simulatedMs))
  return smoothedQuantiles(roundLikeTimestamps(simulatedMs, obs.resolutionMs, seed), obs.resolutionMs, seed ^ 0x5bd1e995)
}

/** A histogram with `h`'s bucket bounds (seconds) holding `valuesMs`. */
export function binLike(h: Histogram, valuesMs: Float64Array): Histogram {
  const sorted = sortedCopy(valuesMs)
  let sum = 0
  for (const v of sorted) sum += v / 1000
  let at = 0
  const buckets = h.buckets.map((b) => {
    if (b.le === null) return {le: null, count: sorted.length}
    while (at < sorted.length && sorted[at]! / 1000 <= b.le) at++
    return {le: b.le, count: at}
  })
  return {buckets, sum, count: sorted.length}
}

/**
 * A duration L between two timestamps truncated to `resolutionMs` is recorded as
 * floor(u + L/r)·r − floor(u)·r for the creation's unknown phase u ~ U(0,1): on average L, but
 * always a whole multiple of r. Applied to simulated starts, with a seeded phase per pod.
 */
export function roundLikeTimestamps(valuesMs: Float64Array, resolutionMs: number, seed: number): Float64Array {
  if (resolutionMs <= 1) return valuesMs
  const rng = createPrng(seed)
  return valuesMs.map((v) => {
    const u = rng.nextFloat()
    return (Math.floor(u + v / resolutionMs) - Math.floor(u)) * resolutionMs
  })
}

/**
 * Quantiles of whole-resolution values spread uniformly over ±r/2 (seeded), so they move
 * smoothly with the underlying times (plain quantiles of whole seconds jump from one second to
 * the next, which leaves a fit nothing to follow). Same treatment for observed and simulated.
 */
function smoothedQuantiles(valuesMs: Float64Array, resolutionMs: number, seed: number): QuantileView {
  let spread = valuesMs
  if (resolutionMs > 1) {
    const rng = createPrng(seed)
    spread = valuesMs.map((v) => Math.max(0, v + (rng.nextFloat() - 0.5) * resolutionMs))
  }
  const s = sortedCopy(spread)
  return {p50Ms: quantileType7(s, 0.5), p90Ms: quantileType7(s, 0.9), p99Ms: quantileType7(s, 0.99), levelsMs: FIT_LEVELS.map((q) => quantileType7(s, q))}
}

function histogramQuantiles(h: Histogram): QuantileView {
  const q = (p: number): number => (histogramQuantile(h, p) ?? 0) * 1000
  return {p50Ms: q(0.5), p90Ms: q(0.9), p99Ms: q(0.99), levelsMs: FIT_LEVELS.map(q)}
}

/**
 * Tolerance of the back-test per quantile: the simulated-today quantile must lie within this
 * share of the observed one, or within TOLERANCE_FLOOR_MS (second-resolution timestamps: half a
 * second), whichever is larger. p99 gets more room: its observed value rests on 1% of the starts
 * and, from a histogram, on the interpolation inside one wide bucket.
 */
export const BACK_TEST_TOLERANCE = {p50: 0.1, p90: 0.1, p99: 0.25} as const
export const TOLERANCE_FLOOR_MS = 100

export interface BackTestComparison {
  observed: Quantiles
  simulated: Quantiles
  /** (simulated − observed) / observed, per quantile (0 when both are 0). */
  errorPct: {p50: number; p90: number; p99: number}
  withinTolerance: boolean
  /** The quantiles outside their tolerance. */
  misses: Array<'p50' | 'p90' | 'p99'>
}

export function compareQuantiles(observed: Quantiles, simulated: Quantiles, resolutionMs: number): BackTestComparison {
  const floor = Math.max(TOLERANCE_FLOOR_MS, resolutionMs / 2)
  const keys = ['p50', 'p90', 'p99'] as const
  const misses = keys.filter((k) => Math.abs(simulated[`${k}Ms`] - observed[`${k}Ms`]) > Math.max(BACK_TEST_TOLERANCE[k] * observed[`${k}Ms`], floor))
  const err = (k: (typeof keys)[number]): number => {
    const o = observed[`${k}Ms`]
    const d = simulated[`${k}Ms`] - o
    return o > 0 ? d / o : d === 0 ? 0 : Math.sign(d)
  }
  return {observed, simulated, errorPct: {p50: err('p50'), p90: err('p90'), p99: err('p99')}, withinTolerance: misses.length === 0, misses}
}

/**
 * Observed and simulated cumulative fractions at common bounds, for the chart (observed histogram
 * vs simulated CDF): the kubelet histogram's finite buckets, or whole multiples of the
 * timestamps' resolution (at most 40 points, up to 1.25 × the larger p99).
 */
export function cdfAtBounds(
  obs: ObservedStarts,
  simulatedMs: Float64Array,
  seed: number,
  p99Ms: number,
): Array<{leMs: number; observed: number; simulated: number}> {
  if (obs.kind === 'kubelet-sli') {
    const sim = binLike(obs.histogram, simulatedMs)
    const total = obs.histogram.buckets.at(-1)?.count ?? 0
    const n = simulatedMs.length || 1
    return obs.histogram.buckets.flatMap((b, i) =>
      b.le === null ? [] : [{leMs: b.le * 1000, observed: total > 0 ? b.count / total : 0, simulated: sim.buckets[i]!.count / n}],
    )
  }
  const rounded = sortedCopy(roundLikeTimestamps(simulatedMs, obs.resolutionMs, seed))
  const observed = sortedCopy(Float64Array.from(obs.valuesMs))
  const top = Math.max(obs.resolutionMs, 1.25 * p99Ms)
  const step = niceStep(top / 40, obs.resolutionMs)
  const out: Array<{leMs: number; observed: number; simulated: number}> = []
  for (let le = step; le < top + step; le += step) out.push({leMs: le, observed: fractionAtMost(observed, le), simulated: fractionAtMost(rounded, le)})
  return out
}

function niceStep(raw: number, resolutionMs: number): number {
  const base = Math.max(resolutionMs, 1)
  const candidates = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 60_000].map((c) => c * (resolutionMs > 1 ? base : 1))
  return candidates.find((c) => c >= raw && c % base === 0) ?? candidates.at(-1)!
}

function fractionAtMost(sorted: Float64Array, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return sorted.length > 0 ? lo / sorted.length : 0
}
