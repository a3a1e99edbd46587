import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {nonDecreasingFit} from '../../src/stats/isotonic.js'

describe('nonDecreasingFit (pool adjacent violators)', () => {
  it('pools a dip with the point before it, by weight', () => {
    expect(nonDecreasingFit([0, 0.25, 0, 1], [4, 4, 4, 4])).toEqual([0, 0.125, 0.125, 1])
    // The heavier point pulls the pooled mean towards itself.
    expect(nonDecreasingFit([0.5, 0.2], [1, 3])).toEqual([0.275, 0.275])
  })

  it('pools back across several earlier blocks when a late value is low', () => {
    // 0.4 and 0 pool to 0.2, which is below 0.3, so all three pool to 0.7 / 3; 0.1 stays.
    const fit = nonDecreasingFit([0.1, 0.3, 0.4, 0], [1, 1, 1, 1])
    expect(fit[0]).toBe(0.1)
    for (const v of fit.slice(1)) expect(v).toBeCloseTo(0.7 / 3, 12)
  })

  it('leaves a non-decreasing sequence alone, and always returns one that never falls and keeps the weighted mean', () => {
    expect(nonDecreasingFit([0, 0.1, 0.1, 0.7], [2, 1, 5, 1])).toEqual([0, 0.1, 0.1, 0.7])
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({min: 0, max: 1, noNaN: true}), fc.integer({min: 1, max: 60})), {minLength: 1, maxLength: 20}), (points) => {
        const values = points.map((p) => p[0])
        const weights = points.map((p) => p[1])
        const fit = nonDecreasingFit(values, weights)
        expect(fit).toHaveLength(values.length)
        for (let i = 1; i < fit.length; i++) expect(fit[i]!).toBeGreaterThanOrEqual(fit[i - 1]! - 1e-12)
        const mean = (xs: number[]) => xs.reduce((s, x, i) => s + x * weights[i]!, 0)
        expect(mean(fit)).toBeCloseTo(mean(values), 9)
      }),
      {numRuns: 300},
    )
  })

  it('refuses weights that are not positive', () => {
    expect(() => nonDecreasingFit([0.1], [0])).toThrow(/positive/)
    expect(() => nonDecreasingFit([0.1, 0.2], [1])).toThrow(/length/)
  })
})
