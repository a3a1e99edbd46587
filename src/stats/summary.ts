import {quantileType7, sortedCopy} from './quantile.js'

/** The latency figures every densityplan result reports, in the unit of the input. */
export interface LatencySummary {
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

/**
 * p50/p90/p99 (type 7, see quantile.ts), max and arithmetic mean of a sample.
 * Throws on an empty sample: a summary of nothing would be a made-up zero.
 */
export function summarize(values: ArrayLike<number>): LatencySummary {
  if (values.length === 0) throw new RangeError('summarize: needs at least one value')
  const sorted = sortedCopy(values)
  let sum = 0
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!
  return {
    p50: quantileType7(sorted, 0.5),
    p90: quantileType7(sorted, 0.9),
    p99: quantileType7(sorted, 0.99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  }
}
