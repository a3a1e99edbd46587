/**
 * The one duration syntax of every flag and rule that takes a time (--slo, --window,
 * --request-timeout, --duration, --runtime-overhead, --fail-on p99>5s): a non-negative decimal
 * number, optional spaces, then a unit: ns, us (or µs), ms, s, m, h or d, in any letter case.
 * A bare number is refused, because nothing shows which unit was meant. docs/durations.md
 * lists the rules; each flag then checks its own range.
 */
const UNIT_NS: Readonly<Record<string, number>> = {ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86_400e9}

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h|d)\s*$/i

/** The units, for error messages: `ns, us, ms, s, m, h, d`. */
export const DURATION_UNITS = 'ns, us, ms, s, m, h, d'

/** `500ms`, `30s`, `1.5m`, `250us`, `2d` → integer nanoseconds; undefined for anything else, a bare number included. */
export function parseDurationNs(text: string): number | undefined {
  const m = DURATION.exec(text)
  if (!m) return undefined
  return Math.round(Number(m[1]) * UNIT_NS[m[2]!.toLowerCase()]!)
}

/** The same syntax in (possibly fractional) milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const ns = parseDurationNs(text)
  return ns === undefined ? undefined : ns / 1e6
}
