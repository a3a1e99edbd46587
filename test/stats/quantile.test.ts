import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {quantileType7, sortedCopy} from '../../src/stats/quantile.js'

describe('quantileType7 (Hyndman–Fan type 7, numpy "linear")', () => {
  it('interpolates linearly between order statistics, matching numpy.percentile', () => {
    // numpy.percentile([2, 4.1, 5.9, 8.2, 9.9], [50, 90, 95, 99]) → 5.9, 9.22, 9.56, 9.832
    const xs = [2, 4.1, 5.9, 8.2, 9.9]
    expect(quantileType7(xs, 0.5)).toBeCloseTo(5.9, 12)
    expect(quantileType7(xs, 0.9)).toBeCloseTo(9.22, 12)
    expect(quantileType7(xs, 0.95)).toBeCloseTo(9.56, 12)
    expect(quantileType7(xs, 0.99)).toBeCloseTo(9.832, 12)
  })

  it('averages the two middle values of an even-sized sample at p50 and ends at the extremes', () => {
    // R: quantile(1:10, c(0, .5, .99, 1)) → 1, 5.5, 9.91, 10
    const xs = Float64Array.from({length: 10}, (_, i) => i + 1)
    expect(quantileType7(xs, 0)).toBe(1)
    expect(quantileType7(xs, 0.5)).toBe(5.5)
    expect(quantileType7(xs, 0.99)).toBeCloseTo(9.91, 12)
    expect(quantileType7(xs, 1)).toBe(10)
  })

  it('lies between neighbouring order statistics for any sample and p', () => {
    fc.assert(
      fc.property(fc.array(fc.double({min: 0, max: 1e9, noNaN: true}), {minLength: 1, maxLength: 50}), fc.double({min: 0, max: 1, noNaN: true}), (xs, p) => {
        const s = sortedCopy(xs)
        const q = quantileType7(s, p)
        const h = (s.length - 1) * p
        expect(q).toBeGreaterThanOrEqual(s[Math.floor(h)]! - 1e-6)
        expect(q).toBeLessThanOrEqual(s[Math.ceil(h)]! + 1e-6)
      }),
    )
  })

  it('refuses an empty sample and a probability outside [0, 1]', () => {
    expect(() => quantileType7([], 0.5)).toThrow(/at least one value/)
    expect(() => quantileType7([1], 1.5)).toThrow(/p must be in \[0, 1\]/)
  })

  it('sorts numerically, not as strings', () => {
    expect(Array.from(sortedCopy([10, 9, 100, 1]))).toEqual([1, 9, 10, 100])
  })
})
