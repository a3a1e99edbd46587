import {describe, expect, it} from 'vitest'
import {summarize} from '../../src/stats/summary.js'
import {speedup} from '../../src/stats/speedup.js'
import {roundTo} from '../../src/stats/round.js'

describe('summarize', () => {
  it('reports type-7 p50/p90/p99, the max and the mean of 1..100 regardless of input order', () => {
    const xs = Array.from({length: 100}, (_, i) => 100 - i)
    // numpy.percentile(range(1, 101), [50, 90, 99]) → 50.5, 90.1, 99.01
    const s = summarize(xs)
    expect(s.p50).toBeCloseTo(50.5, 12)
    expect(s.p90).toBeCloseTo(90.1, 12)
    expect(s.p99).toBeCloseTo(99.01, 12)
    expect(s.max).toBe(100)
    expect(s.mean).toBe(50.5)
  })

  it("does not reorder the caller's array", () => {
    const xs = [3, 1, 2]
    summarize(xs)
    expect(xs).toEqual([3, 1, 2])
  })

  it('refuses an empty sample rather than inventing zeros', () => {
    expect(() => summarize([])).toThrow(/at least one value/)
  })
})

describe('speedup', () => {
  it('is baseline over candidate, so halving the time is a speedup of 2', () => {
    expect(speedup(10, 5)).toBe(2)
    expect(speedup(3, 6)).toBe(0.5)
  })

  it('is null rather than Infinity when the candidate took no time', () => {
    expect(speedup(4, 0)).toBeNull()
  })

  it('rejects negative or NaN durations', () => {
    expect(() => speedup(-1, 2)).toThrow(/non-negative/)
    expect(() => speedup(1, Number.NaN)).toThrow(/non-negative/)
  })
})

describe('roundTo', () => {
  it('rounds to a fixed number of decimals and never returns -0', () => {
    expect(roundTo(0.1 + 0.2, 3)).toBe(0.3)
    expect(roundTo(1.23456, 2)).toBe(1.23)
    expect(Object.is(roundTo(-0.0001, 3), 0)).toBe(true)
  })

  it('refuses non-finite values', () => {
    expect(() => roundTo(Number.POSITIVE_INFINITY, 3)).toThrow(/finite/)
  })
})
