import {describe, expect, it} from 'vitest'
import {empirical, exponential, fixed, lognormal, meanOf, piecewiseCdf, samplerFor} from '../../src/model/distributions.js'
import {createPrng} from '../../src/lib/prng.js'

const N = 200_000
const source = {command: 'test', samples: 1}

function sorted(sample: () => number, n = N): Float64Array {
  return Float64Array.from({length: n}, sample).sort()
}
const at = (xs: Float64Array, q: number): number => xs[Math.floor(q * (xs.length - 1))]!
const meanOfArr = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0) / xs.length

describe('duration distributions', () => {
  it('fixed always returns its value, rounded to whole ns', () => {
    expect([fixed(5_000)(), fixed(2.6)()]).toEqual([5_000, 3])
  })

  it('exponential has the requested mean and the median ln 2 times it', () => {
    const xs = sorted(exponential(1_000_000, createPrng(1)))
    expect(meanOfArr(xs) / 1_000_000).toBeCloseTo(1, 1)
    expect(at(xs, 0.5) / (Math.LN2 * 1_000_000)).toBeCloseTo(1, 1)
  })

  it('lognormal from (median, p90) reproduces that median and p90', () => {
    const xs = sorted(lognormal(1_000_000, 4_000_000, createPrng(2)))
    expect(at(xs, 0.5) / 1_000_000).toBeCloseTo(1, 1)
    expect(at(xs, 0.9) / 4_000_000).toBeCloseTo(1, 1)
    expect(meanOfArr(xs) / meanOf({kind: 'lognormal', medianNs: 1_000_000, p90Ns: 4_000_000, source})).toBeCloseTo(1, 1)
  })

  it('lognormal with p90 at the median degenerates to a constant', () => {
    const s = lognormal(7_000, 7_000, createPrng(3))
    expect([s(), s(), s()]).toEqual([7_000, 7_000, 7_000])
  })

  it('empirical resamples only the measured values, each about equally often', () => {
    const counts = new Map<number, number>()
    const s = empirical([10, 20, 30, 40], createPrng(4))
    for (let i = 0; i < 40_000; i++) {
      const v = s()
      counts.set(v, (counts.get(v) ?? 0) + 1)
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([10, 20, 30, 40])
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500)
  })

  it('builds the sampler a model DurationDistribution names', () => {
    const rng = createPrng(5)
    expect(samplerFor({kind: 'fixed', ns: 42, source}, rng)()).toBe(42)
    expect([3, 9]).toContain(samplerFor({kind: 'empirical', samplesNs: [3, 9], source}, rng)())
    const draws = sorted(samplerFor({kind: 'lognormal', medianNs: 100_000, p90Ns: 200_000, source}, rng), 20_001)
    expect(at(draws, 0.5) / 100_000).toBeCloseTo(1, 1)
    for (const x of draws.slice(0, 100)) expect(Number.isInteger(x)).toBe(true)
  })

  it('rejects negative or non-finite parameters naming the function', () => {
    const rng = createPrng(6)
    expect(() => fixed(-1)).toThrow(/^fixed:/)
    expect(() => exponential(Number.NaN, rng)).toThrow(/^exponential:/)
    expect(() => lognormal(0, 10, rng)).toThrow(/^lognormal:/)
    expect(() => empirical([], rng)).toThrow(/^empirical:/)
  })
})

describe('piecewiseCdf', () => {
  it('draws with the given shares below each point, linear in between', () => {
    const draw = piecewiseCdf(
      [
        {x: 10, share: 0.2},
        {x: 20, share: 0.2},
        {x: 30, share: 1},
      ],
      createPrng(3),
    )
    const xs = Array.from({length: 20_000}, () => draw())
    const below = (v: number) => xs.filter((x) => x < v).length / xs.length
    expect(below(10)).toBeCloseTo(0.2, 1)
    expect(below(20)).toBeCloseTo(0.2, 1)
    expect(below(25)).toBeCloseTo(0.6, 1)
    expect(Math.max(...xs)).toBeLessThanOrEqual(30)
  })

  it('refuses points that fall or shares outside [0, 1]', () => {
    expect(() => piecewiseCdf([], createPrng(1))).toThrow(/at least one/)
    expect(() =>
      piecewiseCdf(
        [
          {x: 10, share: 0.5},
          {x: 5, share: 0.6},
        ],
        createPrng(1),
      ),
    ).toThrow(/ascend/)
    expect(() =>
      piecewiseCdf(
        [
          {x: 10, share: 0.5},
          {x: 20, share: 0.4},
        ],
        createPrng(1),
      ),
    ).toThrow(/not fall/)
    expect(() => piecewiseCdf([{x: 10, share: 1.5}], createPrng(1))).toThrow(/\[0, 1\]/)
  })
})
