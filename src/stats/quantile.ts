import {quantileSorted} from 'simple-statistics'

/**
 * The one quantile method densityplan uses: linear interpolation between order statistics,
 * Hyndman–Fan type 7 (R's default `type = 7`, numpy's default `method = "linear"`).
 * For n sorted values and probability p, h = (n − 1)·p and the result is
 * x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]).
 *
 * It delegates to simple-statistics `quantileSorted`, whose method changed in a patch release
 * (7.8.9); the package is pinned to 7.12.1 and test/stats/quantile.test.ts pins known values, so
 * a silent change of method fails a test instead of shifting every p99 we report.
 *
 * @example quantileType7([2, 4.1, 5.9, 8.2, 9.9], 0.9) // => 9.22
 */
export function quantileType7(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('quantileType7: needs at least one value')
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantileType7: p must be in [0, 1], got ${p}`)
  // quantileSorted only indexes and reads .length, so a Float64Array works without a copy.
  return quantileSorted(sorted as number[], p)
}

/** An ascending numeric copy (typed-array sort is numeric, unlike Array#sort's default). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values)
  out.sort()
  return out
}
