import type {Histogram} from '../domain/snapshot.js'

/**
 * Prometheus histograms (kubelet_pod_start_sli_duration_seconds) merged over nodes and read
 * as quantiles, the way PromQL's histogram_quantile does: linear interpolation inside the
 * bucket that holds the rank, the lower bound of the first bucket being 0; a rank in the +Inf
 * bucket returns the highest finite bound.
 */
export function mergeHistograms(hs: readonly Histogram[]): Histogram | null {
  if (hs.length === 0) return null
  const counts = new Map<number | null, number>()
  let sum = 0
  let count = 0
  for (const h of hs) {
    for (const b of h.buckets) counts.set(b.le, (counts.get(b.le) ?? 0) + b.count)
    sum += h.sum
    count += h.count
  }
  const buckets = [...counts.entries()].map(([le, c]) => ({le, count: c})).sort((a, b) => (a.le ?? Infinity) - (b.le ?? Infinity))
  return {buckets, sum, count}
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
