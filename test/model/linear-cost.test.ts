import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {costAtNs} from '../../src/model/linear-cost.js'
import {CostShapeSchema} from '../../src/model/schema.js'

// A copy whose cost per mount rises with the table, as measured: the line through the origin at
// 2,000 ns per mount, the medians 20 % under it at 2,022 mounts and on it at 4,022 and 8,022.
const copy = {fixedNs: 0, perUnitNs: 2_000, shape: {x: [22, 2_022, 4_022, 8_022], ratio: [2.5, 0.8, 1, 1.02]}}

describe('costAtNs', () => {
  it('is the line without a shape', () => {
    expect(costAtNs({fixedNs: 10_000, perUnitNs: 300}, 1_500)).toBe(10_000 + 300 * 1_500)
  })

  it('passes through the ratio times the line at every measured input', () => {
    copy.shape.x.forEach((x, i) => expect(costAtNs(copy, x)).toBeCloseTo(2_000 * x * copy.shape.ratio[i]!, 6))
  })

  it('is straight between measured inputs: halfway from 2,022 to 4,022 mounts is halfway between their costs', () => {
    const mid = (2_000 * 2_022 * 0.8 + 2_000 * 4_022 * 1) / 2
    expect(costAtNs(copy, 3_022)).toBeCloseTo(mid, 6)
    // 20 % under the line at 2,022 and on it at 4,022: 9.8 % under it halfway, not 20 %.
    expect(costAtNs(copy, 3_022) / (2_000 * 3_022)).toBeCloseTo(mid / (2_000 * 3_022), 9)
  })

  it("keeps the nearest end's ratio outside the measured inputs", () => {
    expect(costAtNs(copy, 10_000)).toBeCloseTo(2_000 * 10_000 * 1.02, 6)
    expect(costAtNs(copy, 10)).toBeCloseTo(2_000 * 10 * 2.5, 6)
  })

  it('scales with its line: a cost scaled by k (validate at kernel speed, a spread end) keeps its shape', () => {
    fc.assert(
      fc.property(fc.double({min: 0.2, max: 5, noNaN: true}), fc.double({min: 0, max: 20_000, noNaN: true}), (k, x) => {
        const scaled = {...copy, fixedNs: copy.fixedNs * k, perUnitNs: copy.perUnitNs * k}
        expect(costAtNs(scaled, x)).toBeCloseTo(costAtNs(copy, x) * k, 3)
      }),
    )
  })

  it('never falls below the lower of its two neighbouring knots between them (monotone data stays monotone)', () => {
    fc.assert(
      fc.property(fc.double({min: 22, max: 8_022, noNaN: true}), (x) => {
        const i = copy.shape.x.findIndex((v) => v >= x)
        const lo = Math.max(0, i - 1)
        const knots = [costAtNs(copy, copy.shape.x[lo]!), costAtNs(copy, copy.shape.x[i]!)]
        expect(costAtNs(copy, x)).toBeGreaterThanOrEqual(Math.min(...knots) - 1e-6)
        expect(costAtNs(copy, x)).toBeLessThanOrEqual(Math.max(...knots) + 1e-6)
      }),
    )
  })
})

describe('CostShapeSchema', () => {
  it('accepts a measured shape', () => {
    expect(CostShapeSchema.safeParse(copy.shape).success).toBe(true)
  })

  it.each([
    ['inputs and ratios of different lengths', {x: [1, 2, 3], ratio: [1, 1]}, /same length/],
    ['inputs out of order', {x: [1, 3, 2], ratio: [1, 1, 1]}, /strictly ascending/],
    ['a repeated input', {x: [1, 1], ratio: [1, 1]}, /strictly ascending/],
    ['a ratio of 0', {x: [1, 2], ratio: [0, 1]}, /too_small|>0|greater than 0/i],
    ['a ratio above 100', {x: [1, 2], ratio: [1, 150]}, /100/],
    ['a single input', {x: [1], ratio: [1]}, /2/],
  ])('refuses %s', (_what, shape, message) => {
    const r = CostShapeSchema.safeParse(shape)
    expect(r.success).toBe(false)
    expect(JSON.stringify(r.error?.issues)).toMatch(message)
  })
})
