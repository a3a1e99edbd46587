import {describe, expect, it} from 'vitest'
import {quantileCi} from '../../src/stats/quantile-ci.js'

const ranks = (n: number) => Array.from({length: n}, (_, i) => i + 1)

describe('the order-statistic confidence interval of a quantile', () => {
  it('brackets the median of 60 values by the 22nd and 39th, as the binomial table gives', () => {
    // B ~ Bin(60, 0.5): F(21) = 0.0137 ≤ 0.025 < F(22) = 0.0259, so the lower end is x(22);
    // F(37) = 0.9741 < 0.975 ≤ F(38) = 0.9863, so the upper end is x(39).
    expect(quantileCi(ranks(60), 0.5)).toEqual({low: 22, high: 39})
  })

  it('cannot bound the p99 of 60 values from above, and puts its lower end at the third largest', () => {
    // 0.99^60 = 0.547: more than half the time all 60 lie below the true p99. P(B ≤ 57) = 0.022.
    expect(quantileCi(ranks(60), 0.99)).toEqual({low: 58, high: null})
  })

  it('bounds the p99 of 1,000 values on both sides', () => {
    const ci = quantileCi(ranks(1_000), 0.99)
    expect(ci.low).toBeGreaterThanOrEqual(980)
    expect(ci.low).toBeLessThan(990)
    expect(ci.high).toBeGreaterThan(990)
    expect(ci.high).toBeLessThanOrEqual(1_000)
  })

  it('cannot bound the median of 3 values at all at 95 %', () => {
    expect(quantileCi([1, 2, 3], 0.5)).toEqual({low: null, high: null})
  })

  it('rejects empty input and probabilities at 0 or 1', () => {
    expect(() => quantileCi([], 0.5)).toThrow(/at least one/)
    expect(() => quantileCi([1], 1)).toThrow(/p must be/)
  })
})
