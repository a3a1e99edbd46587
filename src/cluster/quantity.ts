/**
 * Kubernetes resource quantities (`resource.Quantity`) to plain numbers: CPU to millicores,
 * everything else to base units. Handles the forms nodes report: `8`, `7910m`, `31Gi`, `32940Mi`,
 * `1e3`, `128M`, `100k`.
 */
const BINARY: Record<string, number> = {Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60}
const DECIMAL: Record<string, number> = {n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18}

/** The quantity in base units, or null when it is not a valid quantity. */
export function parseQuantity(q: string | undefined): number | null {
  if (q === undefined) return null
  const m = q.trim().match(/^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$/)
  if (!m) return null
  const value = Number(m[1])
  const suffix = m[2] ?? ''
  const factor = BINARY[suffix] ?? DECIMAL[suffix]
  return factor === undefined || !Number.isFinite(value) ? null : value * factor
}

/** CPU quantity in millicores, rounded up as the scheduler does; 0 when absent or invalid. */
export function cpuMilli(q: string | undefined): number {
  const v = parseQuantity(q)
  return v === null ? 0 : Math.ceil(v * 1000 - 1e-9)
}

/** A byte or count quantity as an integer; 0 when absent or invalid. */
export function wholeUnits(q: string | undefined): number {
  const v = parseQuantity(q)
  return v === null ? 0 : Math.ceil(v - 1e-9)
}
