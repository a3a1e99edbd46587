import {describe, expect, it} from 'vitest'
import {
  binLike,
  cdfAtBounds,
  compareQuantiles,
  observedStartsFor,
  observedView,
  roundLikeTimestamps,
  simulatedView,
  timestampResolutionMs,
} from '../../src/analyze/back-test.js'
import {fitOverhead} from '../../src/analyze/fit-overhead.js'
import type {Histogram} from '../../src/domain/snapshot.js'
import {lognormal} from '../../src/model/distributions.js'
import {createPrng} from '../../src/lib/prng.js'

const hist = (pairs: Array<[number | null, number]>): Histogram => ({buckets: pairs.map(([le, count]) => ({le, count})), sum: 0, count: pairs.at(-1)![1]})

describe('the back-test observation', () => {
  it('prefers the class SLI histogram, then the pool one, then class and pool timestamps', () => {
    const h = hist([
      [1, 10],
      [2, 25],
      [null, 25],
    ])
    const ms = Array.from({length: 30}, (_, i) => i * 1000)
    expect(observedStartsFor(h, null, ms, ms)).toMatchObject({kind: 'kubelet-sli', scope: 'class', samples: 25})
    expect(
      observedStartsFor(
        hist([
          [1, 3],
          [null, 3],
        ]),
        h,
        ms,
        [],
      ),
    ).toMatchObject({kind: 'kubelet-sli', scope: 'pool'})
    expect(observedStartsFor(null, null, ms.slice(0, 5), ms)).toMatchObject({kind: 'pod-timestamps', scope: 'pool', resolutionMs: 1000})
    expect(observedStartsFor(null, null, [1, 2], [3])).toBeNull()
  })

  it('recognises whole-second timestamps and millisecond ones', () => {
    expect(timestampResolutionMs([0, 1000, 3000])).toBe(1000)
    expect(timestampResolutionMs([0, 1000, 1234])).toBe(1)
  })

  it('bins simulated starts into the histogram buckets, cumulatively, by hand', () => {
    const h = hist([
      [0.5, 0],
      [1, 0],
      [2, 0],
      [null, 0],
    ])
    const binned = binLike(h, Float64Array.from([100, 500, 700, 1500, 2500]))
    expect(binned.buckets.map((b) => b.count)).toEqual([2, 3, 4, 5])
    expect(binned.count).toBe(5)
  })

  it('rounds simulated durations to whole seconds the way truncated timestamps do, without bias', () => {
    const rounded = roundLikeTimestamps(new Float64Array(20_000).fill(400), 1000, 7)
    expect(new Set(rounded)).toEqual(new Set([0, 1000]))
    const mean = rounded.reduce((s, v) => s + v, 0) / rounded.length
    expect(Math.abs(mean - 400)).toBeLessThan(15)
  })

  it('never crashes on second-resolution starts that are mostly zeros, and fits a valid lognormal to them', () => {
    // 80% of pods "start in 0 s" (creation and start in the same second): the old p50-as-median fit gave a median of 0.
    const values = Array.from({length: 200}, (_, i) => (i % 5 === 0 ? 1000 : 0))
    const obs = observedStartsFor(null, null, values, [])!
    const target = observedView(obs, 1)
    const fit = fitOverhead(target, (g) => simulatedView(obs, drawLognormal(g.p50Ms, g.p90Ms, 2000, 3), 1))
    expect(fit.p50Ms).toBeGreaterThan(0)
    expect(fit.p90Ms).toBeGreaterThan(fit.p50Ms)
    expect(() => lognormal(fit.p50Ms * 1e6, fit.p90Ms * 1e6, createPrng(1))()).not.toThrow()
    expect(Number.isFinite(fit.simulated.p99Ms)).toBe(true)
  })

  it('handles a zero-heavy SLI histogram (everything in the first bucket) with finite quantiles and fit', () => {
    const h = hist([
      [0.5, 480],
      [1, 495],
      [2, 500],
      [null, 500],
    ])
    const obs = observedStartsFor(h, null, [], [])!
    const target = observedView(obs, 1)
    expect(target.p50Ms).toBeGreaterThan(0)
    expect(target.p50Ms).toBeLessThan(500)
    const fit = fitOverhead(target, (g) => simulatedView(obs, drawLognormal(g.p50Ms, g.p90Ms, 2000, 3), 1))
    expect(fit.p50Ms).toBeGreaterThanOrEqual(1)
    expect(fit.p90Ms).toBeGreaterThan(fit.p50Ms)
  })

  it('passes within 10% at p50/p90 and 25% at p99, with an absolute floor, and lists the misses', () => {
    const observed = {p50Ms: 1000, p90Ms: 2000, p99Ms: 4000}
    expect(compareQuantiles(observed, {p50Ms: 1090, p90Ms: 1810, p99Ms: 4900}, 0).withinTolerance).toBe(true)
    const miss = compareQuantiles(observed, {p50Ms: 1200, p90Ms: 2000, p99Ms: 5100}, 0)
    expect(miss.misses).toEqual(['p50', 'p99'])
    expect(miss.errorPct.p50).toBeCloseTo(0.2, 10)
    // 0 observed vs 400 simulated: inside the half-second floor of whole-second timestamps.
    expect(compareQuantiles({p50Ms: 0, p90Ms: 0, p99Ms: 0}, {p50Ms: 400, p90Ms: 450, p99Ms: 480}, 1000).withinTolerance).toBe(true)
  })

  it('gives the chart cumulative fractions at the histogram bounds for both sides', () => {
    const h = hist([
      [1, 50],
      [2, 100],
      [null, 100],
    ])
    const obs = observedStartsFor(h, null, [], [])!
    const cdf = cdfAtBounds(obs, Float64Array.from([500, 1500, 1500, 2500]), 1, 2000)
    expect(cdf).toEqual([
      {leMs: 1000, observed: 0.5, simulated: 0.25},
      {leMs: 2000, observed: 1, simulated: 0.75},
    ])
  })
})

function drawLognormal(p50Ms: number, p90Ms: number, n: number, seed: number): Float64Array {
  const draw = lognormal(p50Ms, Math.max(p90Ms, p50Ms * 1.0001), createPrng(seed))
  return Float64Array.from({length: n}, () => draw())
}
