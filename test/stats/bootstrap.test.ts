import fc from 'fast-check'
import {uniformInt} from 'pure-rand/distribution/uniformInt'
import {xoroshiro128plus} from 'pure-rand/generator/xoroshiro128plus'
import {describe, expect, it} from 'vitest'
import {bootstrapQuantileCis, pooledByUnit, unitPrefixCounts, weightedQuantiles, weightedQuantilesByPrefix, type Interval} from '../../src/stats/bootstrap.js'
import {quantileType7, sortedCopy} from '../../src/stats/quantile.js'

/** The bootstrap as first written (pure-rand's uniformInt per draw, counts by unit, weightedQuantiles): the fast paths must give the same numbers. */
function referenceCis(groups: readonly ArrayLike<number>[], ps: readonly number[], resamples: number, seed: number): Interval[] {
  const pool = pooledByUnit(groups)
  const rng = xoroshiro128plus(seed)
  const counts = new Uint32Array(pool.unitSizes.length)
  const estimates = ps.map(() => new Float64Array(resamples))
  for (let b = 0; b < resamples; b++) {
    counts.fill(0)
    for (let i = 0; i < counts.length; i++) counts[uniformInt(rng, 0, counts.length - 1)]! += 1
    const values = weightedQuantiles(pool, counts, ps)
    for (let j = 0; j < ps.length; j++) estimates[j]![b] = values[j]!
  }
  const alpha = 1 - 0.95
  return estimates.map((e) => {
    e.sort()
    return [quantileType7(e, alpha / 2), quantileType7(e, 1 - alpha / 2)] as Interval
  })
}

describe('weightedQuantiles', () => {
  it('equals the type-7 quantile of the pooled sample when every unit is taken once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({min: 0, max: 1000}), {minLength: 1, maxLength: 20}), {minLength: 2, maxLength: 6}),
        fc.double({min: 0, max: 1, noNaN: true}),
        (groups, p) => {
          const pool = pooledByUnit(groups)
          const [q] = weightedQuantiles(pool, new Uint32Array(groups.length).fill(1), [p])
          expect(q).toBeCloseTo(quantileType7(sortedCopy(groups.flat()), p), 9)
        },
      ),
    )
  })

  it('gives the same numbers by binary search on per-unit prefix counts (weightedQuantilesByPrefix)', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.array(fc.integer({min: 0, max: 30}), {minLength: 1, maxLength: 25}), {minLength: 2, maxLength: 6})
          .chain((groups) => fc.tuple(fc.constant(groups), fc.array(fc.integer({min: 0, max: 4}), {minLength: groups.length, maxLength: groups.length}))),
        fc.array(fc.double({min: 0, max: 1, noNaN: true}), {minLength: 1, maxLength: 4}),
        ([groups, raw], ps) => {
          const counts = Uint32Array.from(raw)
          if (counts.every((c) => c === 0)) counts[0] = 1
          const pool = pooledByUnit(groups)
          expect(weightedQuantilesByPrefix(pool, unitPrefixCounts(pool)!, counts, ps)).toEqual(weightedQuantiles(pool, counts, ps))
        },
      ),
      {numRuns: 300},
    )
  })

  it('counts a unit drawn twice twice and a unit not drawn not at all', () => {
    const pool = pooledByUnit([
      [1, 2],
      [10, 20],
    ])
    // Multiset {1, 2, 1, 2}: sorted 1, 1, 2, 2 → p50 = 1.5, max = 2.
    expect(weightedQuantiles(pool, Uint32Array.from([2, 0]), [0.5, 1])).toEqual([1.5, 2])
  })
})

describe('bootstrapQuantileCis', () => {
  it('gives exactly the numbers of the reference bootstrap, for one replication (units are values) and for several', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({min: 0, max: 50}), {minLength: 1, maxLength: 40}), {minLength: 1, maxLength: 4}),
        fc.integer({min: 0, max: 0xffff_ffff}),
        (groups, seed) => {
          const ps = [0, 0.5, 0.9, 0.99, 1]
          expect(bootstrapQuantileCis(groups, ps, {resamples: 30, seed})).toEqual(referenceCis(groups, ps, 30, seed))
        },
      ),
      {numRuns: 150},
    )
    const big = Array.from({length: 5000}, (_, i) => ((i * 7919) % 4999) + (i % 3) * 0.25)
    expect(bootstrapQuantileCis([big], [0.5, 0.99], {resamples: 40, seed: 11})).toEqual(referenceCis([big], [0.5, 0.99], 40, 11))
  })

  const replications = Array.from({length: 8}, (_, r) => Array.from({length: 200}, (_, i) => ((i * 7919 + r * 104729) % 1000) + r * 5))

  it('returns an interval that contains the pooled point estimate', () => {
    const [ci50, ci99] = bootstrapQuantileCis(replications, [0.5, 0.99], {resamples: 400, seed: 3})
    const pooled = sortedCopy(replications.flat())
    for (const [ci, p] of [
      [ci50!, 0.5],
      [ci99!, 0.99],
    ] as const) {
      expect(ci[0]).toBeLessThanOrEqual(quantileType7(pooled, p))
      expect(ci[1]).toBeGreaterThanOrEqual(quantileType7(pooled, p))
    }
  })

  it('is reproducible for a seed and changes with the seed', () => {
    const a = bootstrapQuantileCis(replications, [0.5], {resamples: 200, seed: 1})
    const b = bootstrapQuantileCis(replications, [0.5], {resamples: 200, seed: 1})
    const c = bootstrapQuantileCis(replications, [0.5], {resamples: 200, seed: 2})
    expect(a).toEqual(b)
    expect(c).not.toEqual(a)
  })

  it('collapses to a point when every replication is identical', () => {
    const same = [
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]
    expect(bootstrapQuantileCis(same, [0.5], {resamples: 100, seed: 9})).toEqual([[2, 2]])
  })

  it('is wider when replications disagree than when they agree', () => {
    const agree = Array.from({length: 6}, () => Array.from({length: 50}, (_, i) => i))
    const disagree = Array.from({length: 6}, (_, r) => Array.from({length: 50}, (_, i) => i + r * 40))
    const [[a0, a1]] = bootstrapQuantileCis(agree, [0.5], {resamples: 300, seed: 4}) as [[number, number]]
    const [[d0, d1]] = bootstrapQuantileCis(disagree, [0.5], {resamples: 300, seed: 4}) as [[number, number]]
    expect(d1 - d0).toBeGreaterThan(a1 - a0)
  })

  it('resamples single values when there is only one replication', () => {
    const [ci] = bootstrapQuantileCis([Array.from({length: 101}, (_, i) => i)], [0.5], {resamples: 500, seed: 5})
    expect(ci![0]).toBeLessThan(50)
    expect(ci![1]).toBeGreaterThan(50)
  })

  it('rejects empty groups and bad options with the function name in the message', () => {
    expect(() => bootstrapQuantileCis([], [0.5], {resamples: 10, seed: 1})).toThrow(/bootstrapQuantileCis/)
    expect(() => bootstrapQuantileCis([[1], []], [0.5], {resamples: 10, seed: 1})).toThrow(/every group/)
    expect(() => bootstrapQuantileCis([[1]], [0.5], {resamples: 0, seed: 1})).toThrow(/resamples/)
    expect(() => bootstrapQuantileCis([[1]], [0.5], {resamples: 10, seed: 1, level: 1})).toThrow(/level/)
  })
})
