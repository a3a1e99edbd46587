/**
 * Rounds to a fixed number of decimals so that JSON output is stable and readable: the same
 * simulation always prints the same digits, and float noise (0.30000000000000004) never shows.
 * -0 becomes 0 so that no output ever contains "-0".
 */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`roundTo: value must be finite, got ${value}`)
  const factor = 10 ** decimals
  const rounded = Math.round(value * factor) / factor
  return rounded === 0 ? 0 : rounded
}
