/**
 * SLO solver: the highest pods/node whose p99 pod start latency meets an SLO, read off a
 * simulated density sweep. Kubernetes' own SLO is p99 ≤ 5 s for stateless pods
 * (sig-scalability `pod_startup_latency.md`); the caller passes the threshold.
 *
 * Method: walk the sweep in increasing density and stop at the FIRST point above the SLO
 * (first crossing, not the last point that meets it: a noisy curve that dips back under the SLO
 * past a violation is not capacity anyone should plan on). Between the last good point and the
 * first bad one, interpolate linearly and round down. The 95% interval comes from solving the
 * same problem on the CI band: the upper band crosses first (pessimistic end), the lower band
 * last (optimistic end).
 */

export interface SloCurvePoint {
  podsPerNode: number
  p99Ms: number
  /** 95% CI of p99 at this density: [low, high]. */
  p99Ci95: readonly [number, number]
}

export type SloStatus = 'crossing' | 'beyond-sweep' | 'never'

export interface SloSolution {
  maxPodsPerNode: number
  ci95: [number, number]
  status: SloStatus
}

/**
 * @example
 * solveSlo([{podsPerNode: 10, p99Ms: 1000, p99Ci95: [900, 1100]},
 *           {podsPerNode: 20, p99Ms: 9000, p99Ci95: [8000, 10000]}], 5000)
 * // → {maxPodsPerNode: 15, ci95: [14, 15], status: 'crossing'}
 */
export function solveSlo(points: readonly SloCurvePoint[], sloMs: number): SloSolution {
  if (!(sloMs > 0) || !Number.isFinite(sloMs)) throw new RangeError(`solveSlo: sloMs must be a positive number, got ${sloMs}`)
  if (points.length === 0) throw new RangeError('solveSlo: the sweep has no points')
  const sorted = [...points].sort((a, b) => a.podsPerNode - b.podsPerNode)
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.podsPerNode === sorted[i - 1]!.podsPerNode) throw new RangeError(`solveSlo: density ${sorted[i]!.podsPerNode} appears twice in the sweep`)
  }
  const xs = sorted.map((p) => p.podsPerNode)
  const mid = crossing(
    xs,
    sorted.map((p) => p.p99Ms),
    sloMs,
  )
  const pessimistic = crossing(
    xs,
    sorted.map((p) => p.p99Ci95[1]),
    sloMs,
  )
  const optimistic = crossing(
    xs,
    sorted.map((p) => p.p99Ci95[0]),
    sloMs,
  )
  const low = Math.min(pessimistic.pods, mid.pods)
  const high = Math.max(optimistic.pods, mid.pods)
  return {maxPodsPerNode: mid.pods, ci95: [low, high], status: mid.status}
}

/** First crossing of `ys` above `limit`, interpolated in x and rounded down. */
function crossing(xs: readonly number[], ys: readonly number[], limit: number): {pods: number; status: SloStatus} {
  const firstBad = ys.findIndex((y) => y > limit)
  if (firstBad === -1) return {pods: xs[xs.length - 1]!, status: 'beyond-sweep'}
  if (firstBad === 0) return {pods: 0, status: 'never'}
  const x0 = xs[firstBad - 1]!
  const x1 = xs[firstBad]!
  const y0 = ys[firstBad - 1]!
  const y1 = ys[firstBad]!
  // y0 <= limit < y1, so the fraction is in [0, 1).
  const fraction = (limit - y0) / (y1 - y0)
  const pods = Math.floor(x0 + fraction * (x1 - x0))
  return {pods: Math.min(Math.max(pods, x0), x1 - 1), status: 'crossing'}
}
