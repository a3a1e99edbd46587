/**
 * Weighted least-squares fit of a non-decreasing sequence to `values` (isotonic regression, by
 * pooling adjacent violators): wherever a value is below the one before it, the two are replaced
 * by their weighted mean, repeatedly, so each pooled run takes the mean of its members. For
 * shares measured at increasing x (each a binomial estimate), this is the maximum-likelihood
 * non-decreasing curve; a running maximum instead lets one high noisy share lift every point after
 * it (docs/calibrate.md, "The window distribution's estimator").
 *
 * @example nonDecreasingFit([0, 0.25, 0, 1], [4, 4, 4, 4]) // => [0, 0.125, 0.125, 1]
 */
export function nonDecreasingFit(values: readonly number[], weights: readonly number[]): number[] {
  if (values.length !== weights.length) throw new RangeError('nonDecreasingFit: values and weights differ in length')
  for (const w of weights) if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`nonDecreasingFit: weights must be positive, got ${w}`)
  // Blocks of pooled points: their mean, total weight and how many points they cover.
  const means: number[] = []
  const totals: number[] = []
  const sizes: number[] = []
  for (let i = 0; i < values.length; i++) {
    let mean = values[i]!
    let total = weights[i]!
    let size = 1
    while (means.length > 0 && means[means.length - 1]! > mean) {
      const prevTotal = totals.pop()!
      mean = (means.pop()! * prevTotal + mean * total) / (prevTotal + total)
      total += prevTotal
      size += sizes.pop()!
    }
    means.push(mean)
    totals.push(total)
    sizes.push(size)
  }
  return means.flatMap((m, b) => Array<number>(sizes[b]!).fill(m))
}
