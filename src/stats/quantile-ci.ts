import {binomialDistribution} from 'simple-statistics'

/** A confidence interval; null for an end the sample cannot bound. */
export interface OpenInterval {
  low: number | null
  high: number | null
}

/**
 * Distribution-free confidence interval of the p-quantile from n sorted values: the order
 * statistics x(l) and x(u) (1-based) whose ranks bracket a Binomial(n, p) count with probability
 * at least `level`, P(x(l) ≤ ξp ≤ x(u)) = F(u − 1) − F(l − 1) with F the binomial CDF. An end
 * that no order statistic reaches is null: with 60 starts the p99's upper end is (0.99^60 = 55 %
 * of the time all 60 lie below the true p99), which is what "a p99 of 60 starts is close to
 * their maximum" means in numbers. No resampling, so no seed and no bootstrap's understatement at
 * extreme quantiles.
 */
export function quantileCi(sorted: ArrayLike<number>, p: number, level = 0.95): OpenInterval {
  const n = sorted.length
  if (n === 0) throw new RangeError('quantileCi: needs at least one value')
  if (!(p > 0 && p < 1)) throw new RangeError(`quantileCi: p must be in (0, 1), got ${p}`)
  if (!(level > 0 && level < 1)) throw new RangeError(`quantileCi: level must be in (0, 1), got ${level}`)
  const pmf = binomialDistribution(n, p)
  if (pmf === undefined) throw new RangeError(`quantileCi: no binomial table for n = ${n}`)
  // cdf[k] = P(B ≤ k); simple-statistics stops the table where the rest is below its epsilon.
  const cdf: number[] = []
  let acc = 0
  for (let k = 0; k <= n; k++) {
    acc += pmf[k] ?? 0
    cdf.push(Math.min(1, acc))
  }
  const tail = (1 - level) / 2
  // Lower end x(l): P(x(l) ≤ ξp) = P(B ≥ l) = 1 − F(l − 1) ≥ 1 − tail, the largest such l.
  // Upper end x(u): P(ξp ≤ x(u)) = P(B ≤ u − 1) = F(u − 1) ≥ 1 − tail, the smallest such u.
  let l = 0
  for (let k = 1; k <= n && cdf[k - 1]! <= tail; k++) l = k
  let u = 0
  for (let k = n; k >= 1 && cdf[k - 1]! >= 1 - tail; k--) u = k
  return {low: l >= 1 ? sorted[l - 1]! : null, high: u >= 1 ? sorted[u - 1]! : null}
}
