import {describe, expect, it} from 'vitest'
import {createPrng} from '../../src/lib/prng.js'

const draw = (n: number, next: () => number): number[] => Array.from({length: n}, next)

describe('seeded PRNG', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createPrng(7)
    const b = createPrng(7)
    const c = createPrng(8)
    const xs = draw(100, () => a.nextFloat())
    expect(draw(100, () => b.nextFloat())).toEqual(xs)
    expect(draw(100, () => c.nextFloat())).not.toEqual(xs)
  })

  it('draws uniformly in [0, 1)', () => {
    const rng = createPrng(123)
    const xs = draw(100_000, () => rng.nextFloat())
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...xs)).toBeLessThan(1)
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    expect(mean).toBeCloseTo(0.5, 2)
    const deciles = new Array<number>(10).fill(0)
    for (const x of xs) deciles[Math.floor(x * 10)]!++
    for (const d of deciles) expect(Math.abs(d - 10_000)).toBeLessThan(500)
  })

  it('forks streams that depend on the seed and stream id, not on how far the parent has drawn', () => {
    const a = createPrng(1)
    const f1 = a.fork(3)
    const early = draw(10, () => f1.nextFloat())
    draw(1_000, () => a.nextFloat())
    const f2 = a.fork(3)
    expect(draw(10, () => f2.nextFloat())).toEqual(early)
  })

  it('forks streams that differ from each other, from the parent and from other seeds', () => {
    const first = (r: {nextFloat(): number}): number[] => draw(20, () => r.nextFloat())
    const root = createPrng(1)
    const seen = [
      first(createPrng(1)),
      first(root.fork(0)),
      first(root.fork(1)),
      first(root.fork(1).fork(0)),
      first(root.fork(0).fork(1)),
      first(createPrng(2).fork(1)),
    ]
    for (let i = 0; i < seen.length; i++) for (let j = i + 1; j < seen.length; j++) expect(seen[i]).not.toEqual(seen[j])
  })

  it('rejects seeds and stream ids that are not integers', () => {
    expect(() => createPrng(1.5)).toThrow(/safe integer/)
    expect(() => createPrng(1).fork(-1)).toThrow(/non-negative integer/)
  })
})
