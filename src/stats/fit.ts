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
 * medians, so R² reflects the real spread). Needs at least two distinct x values. A cost cannot
 * be negative: when the intercept comes out negative the line is fitted again through the origin
 * (the least-squares slope with the intercept held at 0), and when the slope does, it is 0 and the
 * intercept the mean; `clamped` says which. (Until 2026-12-01 the other coefficient was kept from
 * the unconstrained fit. A mount-table copy costs more per mount in bigger tables, so its line
 * has a negative intercept; zeroing it and keeping the steeper slope put the line above every
 * measured point: +8 % at 4,000 mounts and +35 % at 2,000 in one run, docs/calibrate.md, "The
 * copy line's clamp".)
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
  let fixedNs = b
  let perUnitNs = m
  if (m < 0) {
    clamped.push('perUnit')
    perUnitNs = 0
    fixedNs = Math.max(0, points.reduce((sum, p) => sum + p.ns, 0) / points.length)
  } else if (b < 0) {
    clamped.push('fixed')
    fixedNs = 0
    // Least squares through the origin: Σxy / Σx² (x > 0 somewhere: two distinct x values).
    const sxy = points.reduce((sum, p) => sum + p.x * p.ns, 0)
    const sxx = points.reduce((sum, p) => sum + p.x * p.x, 0)
    perUnitNs = Math.max(0, sxy / sxx)
  }
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
  return lineThroughCentres(points, median)
}

/** Least squares through one centre per x (`centre` of the durations there), r2 and residuals over every raw point. */
function lineThroughCentres(points: readonly FitPoint[], centre: (ns: number[]) => number): LinearFit {
  return withResiduals(fitLinear(centresByX(points, centre)), points)
}

/** One point per distinct x, in order of first appearance: `centre` of the durations there (default their median). */
export function centresByX(points: readonly FitPoint[], centre: (ns: number[]) => number = median): FitPoint[] {
  const byX = new Map<number, number[]>()
  for (const p of points) {
    const at = byX.get(p.x)
    if (at) at.push(p.ns)
    else byX.set(p.x, [p.ns])
  }
  return [...byX].map(([x, ns]) => ({x, ns: centre(ns)}))
}

/** The line's r2, residual p90 and sample count over all raw points. */
function withResiduals(line: LinearFit, points: readonly FitPoint[]): LinearFit {
  const pairs = points.map((p) => [p.x, p.ns])
  const f = linearRegressionLine({m: line.perUnitNs, b: line.fixedNs})
  const r2 = rSquared(pairs, f)
  const residuals = points.map((p) => Math.abs(p.ns - f(p.x))).sort((a, c) => a - c)
  return {...line, r2: Number.isFinite(r2) ? Math.min(1, Math.max(0, r2)) : 0, residualP90Ns: quantileSorted(residuals, 0.9), samples: points.length}
}

/**
 * Least squares through the per-x trimmed means (the mean of the middle values, `trim` of them
 * dropped at each end). For samples that fall into two modes in a varying mix (pivot_root's walk
 * of the task list: docs/calibrate.md, "Repeatability after the pivot, order and mountinfo
 * changes"), the median jumps from one mode to the other between runs; the trimmed mean moves with
 * the mix, smoothly, and it is the expected cost a deterministic charge in the simulator should
 * carry.
 */
export function fitLinearOnTrimmedMeans(points: readonly FitPoint[], trim = 0.1): LinearFit {
  checkPoints('fitLinearOnTrimmedMeans', points)
  if (!(trim >= 0 && trim < 0.5)) throw new RangeError(`fitLinearOnTrimmedMeans: trim must be in [0, 0.5), got ${trim}`)
  return lineThroughCentres(points, (ns) => trimmedMean(ns, trim))
}

/** Mean of the values with floor(n × trim) of them dropped at each end. */
export function trimmedMean(values: readonly number[], trim: number): number {
  if (values.length === 0) throw new RangeError('trimmedMean: no values')
  const sorted = [...values].sort((a, b) => a - b)
  const k = Math.floor(sorted.length * trim)
  const kept = sorted.slice(k, sorted.length - k)
  return kept.reduce((a, b) => a + b, 0) / kept.length
}

/** Median of the durations, ns. */
export function medianNs(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('medianNs: no values')
  return median([...values])
}

/**
 * Per sample, how far its off-CPU time (wall − CPU, same order) exceeds the median sample's, ns
 * (negative below it): a start that waited for something the others did not.
 */
export function offCpuExcessNs(wallNs: readonly number[], cpuNs: readonly number[]): number[] {
  const offCpu = wallNs.map((ns, i) => ns - cpuNs[i]!)
  const typical = medianNs(offCpu)
  return offCpu.map((ns) => ns - typical)
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
