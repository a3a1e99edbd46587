import type {DurationDistribution} from './schema.js'
import type {Prng} from '../lib/prng.js'

/** Draws one duration in integer nanoseconds (the simulation clock has no fractions). */
export type Sampler = () => number

/** z-score of the 90th percentile of the standard normal distribution. */
const Z90 = 1.2815515655446004

/**
 * Always `ns`. Rounded to an integer, as every sampler is.
 * @example fixed(5000)() === 5000
 */
export function fixed(ns: number): Sampler {
  checkNonNegative('fixed', ns)
  const v = Math.round(ns)
  return () => v
}

/**
 * Exponential with the given mean: inter-arrival times of a Poisson process.
 * @example exponential(1e6, createPrng(1))() // ≈ 1 ms on average
 */
export function exponential(meanNs: number, rng: Prng): Sampler {
  checkNonNegative('exponential', meanNs)
  // 1 - u is in (0, 1], so the log is finite.
  return () => Math.round(-meanNs * Math.log(1 - rng.nextFloat()))
}

/**
 * Log-normal fitted to a median and a 90th percentile: mu = ln(median), sigma = ln(p90/median)/z90.
 * A p90 at or below the median degenerates to the median (sigma = 0).
 * @example lognormal(1e6, 3e6, createPrng(1))() // median 1 ms, one draw in ten above 3 ms
 */
export function lognormal(medianNs: number, p90Ns: number, rng: Prng): Sampler {
  if (!(medianNs > 0) || !(p90Ns > 0) || !Number.isFinite(medianNs) || !Number.isFinite(p90Ns)) {
    throw new RangeError(`lognormal: median and p90 must be positive finite numbers, got ${medianNs} and ${p90Ns}`)
  }
  const mu = Math.log(medianNs)
  const sigma = Math.max(0, Math.log(p90Ns / medianNs) / Z90)
  if (sigma === 0) return fixed(medianNs)
  return () => Math.round(Math.exp(mu + sigma * standardNormal(rng)))
}

/**
 * Resamples measured values uniformly (the bootstrap of a measured distribution).
 * @example empirical([1, 2, 3], createPrng(1))() // one of 1, 2, 3
 */
export function empirical(samplesNs: readonly number[], rng: Prng): Sampler {
  const values = checkedSamples(samplesNs)
  const n = values.length
  return () => values[Math.floor(rng.nextFloat() * n)]!
}

/**
 * A model's sample arrays, checked and rounded once per array: every simulator run builds its
 * samplers again from the same model object (thousands of runs per analyze, and a measured
 * distribution holds hundreds of samples: checking and copying them again was ~1 % of the CPU of
 * the demo's simulator runs in a --cpu-prof profile, 2026-12-01). Callers never mutate the arrays
 * they pass (models are parsed once and shared read-only); a changed array would need a new array
 * object.
 */
const checkedSampleArrays = new WeakMap<readonly number[], Float64Array>()

function checkedSamples(samplesNs: readonly number[]): Float64Array {
  const known = checkedSampleArrays.get(samplesNs)
  if (known !== undefined) return known
  if (samplesNs.length === 0) throw new RangeError('empirical: needs at least one sample')
  for (const s of samplesNs) checkNonNegative('empirical', s)
  const values = Float64Array.from(samplesNs, (s) => Math.round(s))
  checkedSampleArrays.set(samplesNs, values)
  return values
}

/**
 * Draws from a distribution given by its CDF at points (x ascending, share non-decreasing in
 * [0, 1]), linear between them and from (0, 0) to the first point; a draw above the last share
 * is the last x. What a sweep of measured gaps gives: the share of trials that crossed at each.
 * @example piecewiseCdf([{x: 10, share: 0.5}, {x: 20, share: 1}], rng)() // uniform in 0–20 on average
 */
export function piecewiseCdf(points: ReadonlyArray<{x: number; share: number}>, rng: Prng): Sampler {
  if (points.length === 0) throw new RangeError('piecewiseCdf: needs at least one point')
  for (let i = 0; i < points.length; i++) {
    const {x, share} = points[i]!
    checkNonNegative('piecewiseCdf', x)
    if (!(share >= 0 && share <= 1)) throw new RangeError(`piecewiseCdf: share must be in [0, 1], got ${share}`)
    if (i > 0 && (x <= points[i - 1]!.x || share < points[i - 1]!.share)) throw new RangeError('piecewiseCdf: x must ascend and share must not fall')
  }
  return () => {
    const u = rng.nextFloat()
    let prevX = 0
    let prevShare = 0
    for (const {x, share} of points) {
      if (u < share) return Math.round(prevX + ((u - prevShare) / (share - prevShare)) * (x - prevX))
      prevX = x
      prevShare = share
    }
    return Math.round(prevX)
  }
}

/** The sampler for a model file's `DurationDistribution` (src/model/schema.ts). */
export function samplerFor(dist: DurationDistribution, rng: Prng): Sampler {
  switch (dist.kind) {
    case 'fixed':
      return fixed(dist.ns)
    case 'lognormal':
      return lognormal(dist.medianNs, dist.p90Ns, rng)
    case 'empirical':
      return empirical(dist.samplesNs, rng)
  }
}

/** Mean of a `DurationDistribution`, for documentation and closed-form checks. */
export function meanOf(dist: DurationDistribution): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.ns
    case 'lognormal': {
      const sigma = Math.max(0, Math.log(dist.p90Ns / dist.medianNs) / Z90)
      return dist.medianNs * Math.exp((sigma * sigma) / 2)
    }
    case 'empirical':
      return dist.samplesNs.reduce((a, b) => a + b, 0) / dist.samplesNs.length
  }
}

/** Box–Muller, one output per two uniforms so the number of draws per sample is fixed. */
function standardNormal(rng: Prng): number {
  const u1 = 1 - rng.nextFloat() // (0, 1]: log finite
  const u2 = rng.nextFloat()
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
}

function checkNonNegative(fn: string, ns: number): void {
  if (!(ns >= 0) || !Number.isFinite(ns)) throw new RangeError(`${fn}: duration must be a non-negative finite number of ns, got ${ns}`)
}
