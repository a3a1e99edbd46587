import {uniformInt} from 'pure-rand/distribution/uniformInt'
import {xoroshiro128plus} from 'pure-rand/generator/xoroshiro128plus'
import {quantileType7} from './quantile.js'

/**
 * Bootstrap resamples for every confidence interval densityplan reports (analyze and simulate):
 * one setting, documented in docs/model.md and printed in every report's settings.
 */
export const BOOTSTRAP_RESAMPLES = 1000

/** A closed interval [low, high]. */
export type Interval = [number, number]

export interface BootstrapOptions {
  /** Number of bootstrap resamples B. */
  resamples: number
  /** PRNG seed (xoroshiro128+), so the same inputs give the same interval. */
  seed: number
  /** Coverage of the interval; 0.95 gives the 2.5th and 97.5th percentiles of the B estimates. */
  level?: number
}

/**
 * Percentile-bootstrap confidence intervals for quantiles (type 7) of a pooled sample that
 * comes from independent replications of one simulation.
 *
 * The resampling unit is a whole replication when there are two or more: starts inside one run
 * share one lock and one queue, so they are correlated, and resampling them one by one would
 * report intervals that are too narrow (a cluster bootstrap, Davison & Hinkley 1997 §3.8).
 * With a single replication the only option left is to resample individual samples; that
 * interval is optimistic for the same reason, and docs/model.md says so.
 *
 * Each resample draws `units` units with replacement; the quantile of the pooled resample is
 * read straight off the pre-sorted pool with per-unit multiplicities, so a resample costs one
 * pass over the data instead of a sort.
 *
 * @example bootstrapQuantileCis([a, b, c], [0.5, 0.99], {resamples: 1000, seed: 1}) // => [[lo50, hi50], [lo99, hi99]]
 */
export function bootstrapQuantileCis(groups: readonly ArrayLike<number>[], ps: readonly number[], opts: BootstrapOptions): Interval[] {
  if (groups.length === 0) throw new RangeError('bootstrapQuantileCis: needs at least one group')
  if (groups.some((g) => g.length === 0)) throw new RangeError('bootstrapQuantileCis: every group needs at least one value')
  if (!Number.isInteger(opts.resamples) || opts.resamples < 1)
    throw new RangeError(`bootstrapQuantileCis: resamples must be a positive integer, got ${opts.resamples}`)
  const level = opts.level ?? 0.95
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrapQuantileCis: level must be in (0, 1), got ${level}`)
  for (const p of ps) if (!(p >= 0 && p <= 1)) throw new RangeError(`bootstrapQuantileCis: p must be in [0, 1], got ${p}`)

  const pool = pooledByUnit(groups)
  const rng = xoroshiro128plus(opts.seed)
  const counts = new Uint32Array(pool.unitSizes.length)
  const estimates = ps.map(() => new Float64Array(opts.resamples))
  for (let b = 0; b < opts.resamples; b++) {
    counts.fill(0)
    for (let i = 0; i < counts.length; i++) counts[uniformInt(rng, 0, counts.length - 1)]! += 1
    const values = weightedQuantiles(pool, counts, ps)
    for (let j = 0; j < ps.length; j++) estimates[j]![b] = values[j]!
  }
  const alpha = 1 - level
  return estimates.map((e) => {
    e.sort()
    return [quantileType7(e, alpha / 2), quantileType7(e, 1 - alpha / 2)] as Interval
  })
}

export interface Pool {
  /** All values ascending. */
  values: Float64Array
  /** The resampling unit each value belongs to. */
  unitOf: Uint32Array
  /** How many values each unit holds. */
  unitSizes: Uint32Array
  /**
   * With replications as units: entry k·U + u counts the values of unit u among the first
   * k·CHECKPOINT_EVERY values (U units). weightedQuantiles then finds a position by a binary
   * search over these checkpoints (U multiply-adds each) and a short scan, instead of a pass
   * over the whole pool per resample (32 replications of 400 pods: 12,800 values, 1,000 times).
   */
  checkpoints?: Uint32Array
}

/** Values between two checkpoints of Pool.checkpoints. */
export const CHECKPOINT_EVERY = 32

export function pooledByUnit(groups: readonly ArrayLike<number>[]): Pool {
  const byReplication = groups.length > 1
  const raw: number[] = []
  const unitRaw: number[] = []
  groups.forEach((g, gi) => {
    for (let i = 0; i < g.length; i++) {
      raw.push(g[i]!)
      unitRaw.push(byReplication ? gi : i)
    }
  })
  // Ties broken by position, so the order (and thus every result) is fully determined.
  const order = raw.map((_, i) => i).sort((a, b) => raw[a]! - raw[b]! || a - b)
  const unitCount = byReplication ? groups.length : raw.length
  const unitSizes = new Uint32Array(unitCount)
  for (const u of unitRaw) unitSizes[u]! += 1
  const unitOf = Uint32Array.from(order, (i) => unitRaw[i]!)
  return {
    values: Float64Array.from(order, (i) => raw[i]!),
    unitOf,
    unitSizes,
    // One value per unit (a single replication) has as many units as values: checkpoints would
    // cost more than the scan they save.
    ...(byReplication ? {checkpoints: checkpointsOf(unitOf, unitCount)} : {}),
  }
}

function checkpointsOf(unitOf: Uint32Array, units: number): Uint32Array {
  const blocks = Math.floor(unitOf.length / CHECKPOINT_EVERY)
  const out = new Uint32Array((blocks + 1) * units)
  for (let k = 1; k <= blocks; k++) {
    out.copyWithin(k * units, (k - 1) * units, k * units)
    for (let i = (k - 1) * CHECKPOINT_EVERY; i < k * CHECKPOINT_EVERY; i++) out[k * units + unitOf[i]!]! += 1
  }
  return out
}

/** Type-7 quantiles of the multiset where each value of unit u appears counts[u] times. */
export function weightedQuantiles(pool: Pool, counts: Uint32Array, ps: readonly number[]): number[] {
  let total = 0
  for (let u = 0; u < counts.length; u++) total += counts[u]! * pool.unitSizes[u]!
  // Positions (0-based, in the expanded multiset) whose values type 7 interpolates between.
  const wanted = ps.map((p) => {
    const h = (total - 1) * p
    const lo = Math.floor(h)
    return {lo, hi: Math.min(lo + 1, total - 1), frac: h - lo}
  })
  const checkpoints = pool.checkpoints
  if (checkpoints) {
    // Each position on its own: no set or map of positions per resample (this runs 1,000 times per interval).
    return wanted.map(({lo, hi, frac}) => {
      const a = valueAtPosition(pool, checkpoints, counts, lo)
      return frac === 0 ? a : a + frac * (valueAtPosition(pool, checkpoints, counts, hi) - a)
    })
  }
  const positions = [...new Set(wanted.flatMap((w) => [w.lo, w.hi]))].sort((a, b) => a - b)
  const valueAt = new Map<number, number>()
  let next = 0
  let covered = 0
  for (let i = 0; i < pool.values.length && next < positions.length; i++) {
    covered += counts[pool.unitOf[i]!]!
    while (next < positions.length && positions[next]! < covered) valueAt.set(positions[next++]!, pool.values[i]!)
  }
  return wanted.map(({lo, hi, frac}) => {
    const a = valueAt.get(lo)!
    return frac === 0 ? a : a + frac * (valueAt.get(hi)! - a)
  })
}

/**
 * The value at 0-based position `pos` of the expanded multiset: the first pooled value i whose
 * running weight (counts of the units of values 0..i) exceeds pos, as the plain scan finds it.
 */
function valueAtPosition(pool: Pool, checkpoints: Uint32Array, counts: Uint32Array, pos: number): number {
  const units = counts.length
  const coveredAt = (k: number): number => {
    let c = 0
    for (let u = 0, at = k * units; u < units; u++) c += counts[u]! * checkpoints[at + u]!
    return c
  }
  // The last checkpoint whose covered weight is still ≤ pos: the value lies at or after it.
  let lo = 0
  let hi = checkpoints.length / units - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (coveredAt(mid) <= pos) lo = mid
    else hi = mid - 1
  }
  let covered = coveredAt(lo)
  for (let i = lo * CHECKPOINT_EVERY; i < pool.values.length; i++) {
    covered += counts[pool.unitOf[i]!]!
    if (pos < covered) return pool.values[i]!
  }
  return pool.values[pool.values.length - 1]!
}
