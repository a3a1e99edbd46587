/**
 * How many times faster the candidate is than the baseline: baseline / candidate
 * (2 means the candidate takes half the time). Null when the candidate took no time at all,
 * where a ratio would be infinite and JSON cannot carry Infinity.
 */
export function speedup(baselineValue: number, candidateValue: number): number | null {
  if (!(baselineValue >= 0) || !(candidateValue >= 0)) {
    throw new RangeError(`speedup: durations must be non-negative numbers, got ${baselineValue} and ${candidateValue}`)
  }
  if (candidateValue === 0) return null
  return baselineValue / candidateValue
}
