import type {Histogram} from '../domain/snapshot.js'

/**
 * Prometheus histograms (kubelet_pod_start_sli_duration_seconds) merged over nodes and read
 * as quantiles, the way PromQL's histogram_quantile does: linear interpolation inside the
 * bucket that holds the rank, the lower bound of the first bucket being 0; a rank in the +Inf
 * bucket returns the highest finite bound.
 */
export function mergeHistograms(hs: readonly Histogram[]): Histogram | null {
  if (hs.length === 0) return null
  // Kubelets of different versions use different bucket layouts (the SLI metric's 0.5…3600 s,
  // the default 0.005…10 s). Summing counts by `le` alone would mix cumulative counts of
  // different bounds into a non-monotone histogram, so every input is read at the union of the
  // bounds: exact where it has that bound, linearly interpolated inside its bucket otherwise
  // (histogram_quantile's own assumption), and held at its last finite bound beyond it.
  const finite = [...new Set(hs.flatMap((h) => h.buckets.flatMap((b) => (b.le === null ? [] : [b.le]))))].sort((a, b) => a - b)
  const buckets = [...finite, null].map((le) => ({le, count: hs.reduce((acc, h) => acc + cumulativeAt(h, le), 0)}))
  // A _sum can be negative (an AKS kubelet reported -1.8e10 s after an overflow): it says
  // nothing about the mean, so only non-negative sums are added.
  const sum = hs.reduce((acc, h) => acc + (h.sum >= 0 ? h.sum : 0), 0)
  const count = hs.reduce((acc, h) => acc + h.count, 0)
  return {buckets, sum, count}
}

/** Cumulative count of `h` at bound `le` (null = +Inf: everything observed). */
export function cumulativeAt(h: Histogram, le: number | null): number {
  const inf = h.buckets.find((b) => b.le === null)
  if (le === null) return inf?.count ?? h.count
  let lo = 0
  let loCount = 0
  for (const b of h.buckets) {
    if (b.le === null) break
    if (b.le === le) return b.count
    if (b.le > le) return loCount + ((b.count - loCount) * (le - lo)) / (b.le - lo)
    lo = b.le
    loCount = b.count
  }
  return loCount
}

/** Quantile q in [0, 1] of a cumulative histogram, in the histogram's unit; null when it is empty. */
export function histogramQuantile(h: Histogram, q: number): number | null {
  const total = h.buckets.at(-1)?.count ?? 0
  if (total <= 0) return null
  const rank = q * total
  let prevLe = 0
  let prevCount = 0
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (b.le === null) return prevLe
      const inBucket = b.count - prevCount
      return inBucket > 0 ? prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket : b.le
    }
    if (b.le !== null) prevLe = b.le
    prevCount = b.count
  }
  return prevLe
}
