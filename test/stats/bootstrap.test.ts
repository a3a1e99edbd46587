import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {bootstrapQuantileCis, pooledByUnit, weightedQuantiles} from '../../src/stats/bootstrap.js'
import {quantileType7, sortedCopy} from '../../src/stats/quantile.js'

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

  it('equals the type-7 quantile of the expanded multiset for any draw, across checkpoints', () => {
    fc.assert(
      fc.property(
        // Up to 6 × 150 values: several CHECKPOINT_EVERY blocks, so the checkpoint search is used.
        fc
          .array(fc.array(fc.integer({min: 0, max: 50}), {minLength: 1, maxLength: 150}), {minLength: 2, maxLength: 6})
          .chain((groups) => fc.tuple(fc.constant(groups), fc.array(fc.integer({min: 0, max: 3}), {minLength: groups.length, maxLength: groups.length}))),
        fc.array(fc.double({min: 0, max: 1, noNaN: true}), {minLength: 1, maxLength: 4}),
        ([groups, draw], ps) => {
          fc.pre(draw.some((c) => c > 0))
          const pool = pooledByUnit(groups)
          expect(pool.checkpoints).toBeDefined()
          const expanded = sortedCopy(groups.flatMap((g, u) => Array.from({length: draw[u]!}, () => g).flat()))
          const got = weightedQuantiles(pool, Uint32Array.from(draw), ps)
          ps.forEach((p, j) => expect(got[j]).toBeCloseTo(quantileType7(expanded, p), 9))
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
