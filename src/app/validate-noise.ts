import {quantileCi, type OpenInterval} from '../stats/quantile-ci.js'
import {roundTo} from '../stats/round.js'

/**
 * How much a validate cell's own measurement can tell: the 95 % interval of its measured p50 and
 * p99 from the starts it timed (order statistics, src/stats/quantile-ci.ts), and whether the
 * prediction lies inside it. A p99 of 60 starts has no upper end (more than half the time all
 * 60 lie below the true p99), so a cell that misses its target with the prediction inside the
 * interval is a miss the cell's starts cannot tell from noise; one outside it is a model error
 * the measurement shows (docs/calibrate.md, "validate").
 */
export interface MeasuredIntervals {
  /** ms; null ends are unbounded. */
  p50: OpenInterval
  p99: OpenInterval
}

/** The intervals from one cell's start times (ns, sorted ascending), in ms. */
export function measuredIntervals(sortedNs: ArrayLike<number>): MeasuredIntervals {
  const ms = (ci: OpenInterval): OpenInterval => ({
    low: ci.low === null ? null : roundTo(ci.low / 1e6, 2),
    high: ci.high === null ? null : roundTo(ci.high / 1e6, 2),
  })
  return {p50: ms(quantileCi(sortedNs, 0.5)), p99: ms(quantileCi(sortedNs, 0.99))}
}

export function inside(ci: OpenInterval, value: number): boolean {
  return (ci.low === null || value >= ci.low) && (ci.high === null || value <= ci.high)
}

/** "38.9–44.0", "≥ 52.1", "≤ 9.0" or "any". */
export function intervalText(ci: OpenInterval): string {
  if (ci.low !== null && ci.high !== null) return `${ci.low.toFixed(1)}–${ci.high.toFixed(1)}`
  if (ci.low !== null) return `≥ ${ci.low.toFixed(1)}`
  if (ci.high !== null) return `≤ ${ci.high.toFixed(1)}`
  return 'any'
}
