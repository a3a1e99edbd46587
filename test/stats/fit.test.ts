import {describe, expect, it} from 'vitest'
import {fitLinear, fitLinearOnMedians, fitLinearOnTrimmedMeans, medianNs, spreadP90Ns, trimmedMean} from '../../src/stats/fit.js'

describe('fitLinear', () => {
  it('recovers a known intercept and slope exactly from noiseless points', () => {
    const points = [0, 1000, 2000, 4000, 10_000].map((x) => ({x, ns: 50_000 + 2.5 * x}))
    const fit = fitLinear(points)
    expect(fit.fixedNs).toBeCloseTo(50_000, 6)
    expect(fit.perUnitNs).toBeCloseTo(2.5, 9)
    expect(fit.r2).toBeCloseTo(1, 12)
    expect(fit.residualP90Ns).toBeLessThan(1e-6)
    expect(fit.levels).toBe(5)
  })

  it('recovers slope and intercept within 2% from repeated noisy points, and R² drops below 1', () => {
    // Deterministic ±3% alternating noise around 20 µs + 4 ns/unit.
    const points = []
    for (const x of [100, 1000, 3000, 6000, 9000]) for (let r = 0; r < 6; r++) points.push({x, ns: (20_000 + 4 * x) * (r % 2 ? 1.03 : 0.97)})
    const fit = fitLinear(points)
    expect(fit.perUnitNs).toBeGreaterThan(3.92)
    expect(fit.perUnitNs).toBeLessThan(4.08)
    expect(Math.abs(fit.fixedNs - 20_000) / 20_000).toBeLessThan(0.25)
    expect(fit.r2).toBeLessThan(1)
    expect(fit.r2).toBeGreaterThan(0.95)
    expect(fit.residualP90Ns).toBeGreaterThan(0)
  })

  it('clamps a negative intercept to zero, fits the slope again through the origin, and says so', () => {
    const fit = fitLinear([
      {x: 10, ns: 0},
      {x: 20, ns: 100},
    ])
    expect(fit.fixedNs).toBe(0)
    // Σxy / Σx² = 2000 / 500, not the unconstrained 10 (whose line, without its intercept of −100,
    // would lie above both points).
    expect(fit.perUnitNs).toBe(4)
    expect(fit.clamped).toEqual(['fixed'])
  })

  it('keeps a convex cost’s line through the points it was fitted to when the intercept is clamped', () => {
    // Per-x medians of a mount-table copy (2026-12-01 05:45, 51 repetitions each): the cost per
    // mount grows with the table, so the unconstrained line's intercept is −650 µs.
    const medians = [
      {x: 22, ns: 63_599},
      {x: 2_022, ns: 4_064_377},
      {x: 4_022, ns: 10_134_807},
      {x: 8_022, ns: 21_406_420},
    ]
    const fit = fitLinear(medians)
    expect(fit.clamped).toEqual(['fixed'])
    expect(fit.perUnitNs).toBeCloseTo(2_608.2, 0)
    const over = (x: number, ns: number) => (fit.perUnitNs * x) / ns - 1
    // Within 4 % at 4,022 and 8,022 mounts (the unconstrained slope with the intercept dropped: +8 % and +2 %).
    expect(Math.abs(over(4_022, 10_134_807))).toBeLessThan(0.04)
    expect(Math.abs(over(8_022, 21_406_420))).toBeLessThan(0.04)
  })

  it('clamps a negative slope to zero and takes the mean as the intercept', () => {
    const fit = fitLinear([
      {x: 0, ns: 120},
      {x: 10, ns: 100},
      {x: 20, ns: 80},
    ])
    expect(fit.perUnitNs).toBe(0)
    expect(fit.fixedNs).toBe(100)
    expect(fit.clamped).toEqual(['perUnit'])
  })

  it('refuses points at a single x value with a message naming the problem', () => {
    expect(() =>
      fitLinear([
        {x: 5, ns: 1},
        {x: 5, ns: 2},
      ]),
    ).toThrow(/two or more distinct x values/)
  })

  it('refuses non-finite points', () => {
    expect(() =>
      fitLinear([
        {x: 1, ns: Number.NaN},
        {x: 2, ns: 1},
      ]),
    ).toThrow(/finite/)
  })
})

describe('medianNs and spreadP90Ns', () => {
  it('give the median and the p90 distance from it', () => {
    expect(medianNs([5, 1, 3])).toBe(3)
    expect(spreadP90Ns([10, 10, 10, 10, 20])).toBeGreaterThan(0)
    expect(spreadP90Ns([7, 7, 7])).toBe(0)
  })
})

describe('fitLinearOnMedians', () => {
  it('ignores one huge outlier per level that would tilt a plain least-squares line', () => {
    const points = []
    for (const x of [0, 1000, 2000, 4000]) {
      for (let r = 0; r < 4; r++) points.push({x, ns: 80_000 + 2.5 * x + r})
      if (x === 4000) points.push({x, ns: 5_000_000})
    }
    const robust = fitLinearOnMedians(points)
    expect(robust.perUnitNs).toBeGreaterThan(2.4)
    expect(robust.perUnitNs).toBeLessThan(2.6)
    expect(fitLinear(points).perUnitNs).toBeGreaterThan(3)
    expect(robust.samples).toBe(points.length)
    expect(robust.r2).toBeLessThan(0.9)
  })
})

describe('fitLinearOnTrimmedMeans', () => {
  // Two modes, fast (100 ns/unit) and slow (200 ns/unit), as pivot_root's walk over a warm or a
  // cold task list. Run A has 9 fast and 11 slow samples at x = 1,000, run B 11 fast and 9 slow:
  // nearly the same mix, but the median sits in a different mode in each.
  const run = (fastAtTop: number) => {
    const points = []
    for (let i = 0; i < 20; i++) points.push({x: 0, ns: 1_000})
    for (let i = 0; i < 20; i++) points.push({x: 1_000, ns: 1_000 + (i < fastAtTop ? 100_000 : 200_000)})
    return points
  }

  it('moves with the mix of two modes where the median jumps between them', () => {
    const [a, b] = [run(9), run(11)]
    expect(fitLinearOnMedians(a).perUnitNs).toBeCloseTo(200, 6)
    expect(fitLinearOnMedians(b).perUnitNs).toBeCloseTo(100, 6)
    // Trimmed means (2 of 20 dropped at each end): 16 middle samples, 7 fast + 9 slow vs 9 fast + 7 slow.
    expect(fitLinearOnTrimmedMeans(a, 0.1).perUnitNs).toBeCloseTo((7 * 100 + 9 * 200) / 16, 6)
    expect(fitLinearOnTrimmedMeans(b, 0.1).perUnitNs).toBeCloseTo((9 * 100 + 7 * 200) / 16, 6)
  })

  it('ignores the stray samples it trims and keeps r2 over every raw point', () => {
    const points = [...run(10), {x: 1_000, ns: 50_000_000}, {x: 0, ns: 0}]
    const fit = fitLinearOnTrimmedMeans(points, 0.1)
    expect(fit.perUnitNs).toBeGreaterThan(100)
    expect(fit.perUnitNs).toBeLessThan(200)
    expect(fit.samples).toBe(42)
  })

  it('refuses a trim that leaves nothing', () => {
    expect(() => fitLinearOnTrimmedMeans(run(10), 0.5)).toThrow(/trim must be in \[0, 0.5\)/)
    expect(() => trimmedMean([], 0.1)).toThrow(/no values/)
    expect(trimmedMean([1, 2, 3, 100], 0.25)).toBe(2.5)
  })
})
