import {linearRegression, linearRegressionLine, median, quantileSorted, rSquared} from 'simple-statistics'

/** One measured point: input x (mounts, threads, lines, peers) and a duration in ns. */
export interface FitPoint {
  x: number
  ns: number
}

/** A least-squares line `fixedNs + perUnitNs·x` with its quality. */
export interface LinearFit {
  fixedNs: number
  perUnitNs: number
  /** Coefficient of determination of the raw points against the line (0 when x never varies). */
  r2: number
  /** p90 of |residual| over the raw points, ns. */
  residualP90Ns: number
  samples: number
  /** Distinct x values the fit saw. */
  levels: number
  /** Negative coefficients are clamped to 0 (a cost cannot be negative); this says which. */
  clamped: Array<'fixed' | 'perUnit'>
}

/**
 * Fits `fixedNs + perUnitNs·x` by ordinary least squares over every raw point (not per-x
 * medians, so R² reflects the real spread). Needs at least two distinct x values. A negative
 * intercept or slope (noise around a true zero) is clamped to 0 and reported in `clamped`.
 *
 * @example fitLinear([{x: 0, ns: 10}, {x: 10, ns: 30}]) // {fixedNs: 10, perUnitNs: 2, r2: 1, ...}
 */
export function fitLinear(points: readonly FitPoint[]): LinearFit {
  checkPoints('fitLinear', points)
  const levels = new Set(points.map((p) => p.x)).size
  if (levels < 2) throw new RangeError(`fitLinear: need points at two or more distinct x values, got ${levels}`)
  const pairs = points.map((p) => [p.x, p.ns])
  const {m, b} = linearRegression(pairs)
  const clamped: LinearFit['clamped'] = []
  const fixedNs = b < 0 ? (clamped.push('fixed'), 0) : b
  const perUnitNs = m < 0 ? (clamped.push('perUnit'), 0) : m
  const line = linearRegressionLine({m: perUnitNs, b: fixedNs})
  const r2 = Math.min(1, Math.max(0, rSquared(pairs, line)))
  const residuals = points.map((p) => Math.abs(p.ns - line(p.x))).sort((a, c) => a - c)
  return {fixedNs, perUnitNs, r2: Number.isFinite(r2) ? r2 : 0, residualP90Ns: quantileSorted(residuals, 0.9), samples: points.length, levels, clamped}
}

/**
 * Robust variant for a shared, noisy machine: the line is fitted through the median duration
 * at each x (one stray preemption cannot tilt it), while R² and the residual spread are still
 * computed over every raw point, so they show the real scatter.
 */
export function fitLinearOnMedians(points: readonly FitPoint[]): LinearFit {
  checkPoints('fitLinearOnMedians', points)
  const byX = new Map<number, number[]>()
  for (const p of points) byX.set(p.x, [...(byX.get(p.x) ?? []), p.ns])
  const medians = [...byX].map(([x, ns]) => ({x, ns: median(ns)}))
  const line = fitLinear(medians)
  const pairs = points.map((p) => [p.x, p.ns])
  const f = linearRegressionLine({m: line.perUnitNs, b: line.fixedNs})
  const r2 = rSquared(pairs, f)
  const residuals = points.map((p) => Math.abs(p.ns - f(p.x))).sort((a, c) => a - c)
  return {...line, r2: Number.isFinite(r2) ? Math.min(1, Math.max(0, r2)) : 0, residualP90Ns: quantileSorted(residuals, 0.9), samples: points.length}
}

/** Median of the durations, ns. */
export function medianNs(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('medianNs: no values')
  return median([...values])
}

/** p90 of |value - median|: the spread reported for a constant cost. */
export function spreadP90Ns(values: readonly number[]): number {
  const m = medianNs(values)
  return quantileSorted(
    values.map((v) => Math.abs(v - m)).sort((a, b) => a - b),
    0.9,
  )
}

function checkPoints(fn: string, points: readonly FitPoint[]): void {
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.ns)) throw new RangeError(`${fn}: points must be finite numbers, got x=${p.x} ns=${p.ns}`)
  }
}
