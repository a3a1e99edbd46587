/**
 * Number formatting shared by the HTML and Markdown renderers. Fixed locale (en-US) so the same
 * result renders to the same bytes on every machine.
 */

// Made on first use: creating it costs ~15 ms, and analyze's worker threads load this file
// (sensitivity.ts uses formatMs) without ever formatting an integer.
let integer: Intl.NumberFormat | undefined

/** A latency for people: `4.2 ms`, `850 ms`, `5.82 s`. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
}

/** A 95% CI of a latency: `4.9–5.3 s`. */
export function formatMsInterval([low, high]: readonly [number, number]): string {
  return `${formatMs(low)} – ${formatMs(high)}`
}

export function formatInt(n: number): string {
  integer ??= new Intl.NumberFormat('en-US', {maximumFractionDigits: 0})
  return integer.format(n)
}

/** A signed integer change: `+12`, `−3`, `0`. */
export function formatSigned(n: number): string {
  if (n > 0) return `+${formatInt(n)}`
  if (n < 0) return `−${formatInt(-n)}`
  return '0'
}

/** A fraction 0..1 as a percentage: `97%`, `0.4%`. */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100
  if (pct > 0 && pct < 1) return `${pct.toFixed(1)}%`
  return `${Math.round(pct)}%`
}

/** `2.4×` speed-up factor. */
export function formatFactor(x: number): string {
  return `${x.toFixed(x < 10 ? 1 : 0)}×`
}

/** Numbers with a few decimals at most, for pod-shape means. */
export function formatDecimal(x: number, digits = 1): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(digits)
}
