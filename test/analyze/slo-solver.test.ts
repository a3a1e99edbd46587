import {describe, expect, it} from 'vitest'
import fc from 'fast-check'
import {solveSlo, type SloCurvePoint} from '../../src/stats/slo-solver.js'

/** A synthetic p99 curve: y(x) with a ±band CI. */
function curve(xs: number[], y: (x: number) => number, band = 0): SloCurvePoint[] {
  return xs.map((x) => ({podsPerNode: x, p99Ms: y(x), p99Ci95: [y(x) - band, y(x) + band] as const}))
}

describe('solveSlo', () => {
  it('interpolates a linear curve to the exact density where p99 reaches the SLO', () => {
    // p99 = 100 ms per pod: crosses 5 s at 50 pods.
    const points = curve([10, 20, 40, 80, 120], (x) => 100 * x)
    expect(solveSlo(points, 5000)).toEqual({maxPodsPerNode: 50, ci95: [50, 50], status: 'crossing'})
  })

  it('matches the documented example, with the CI from the band edges', () => {
    const points: SloCurvePoint[] = [
      {podsPerNode: 10, p99Ms: 1000, p99Ci95: [900, 1100]},
      {podsPerNode: 20, p99Ms: 9000, p99Ci95: [8000, 10000]},
    ]
    expect(solveSlo(points, 5000)).toEqual({maxPodsPerNode: 15, ci95: [14, 15], status: 'crossing'})
  })

  it('rounds down so the answer never exceeds the interpolated crossing', () => {
    // Quadratic: p99 = x² ms crosses 5000 between 70 (4900) and 80 (6400) at ~70.07.
    expect(
      solveSlo(
        curve([10, 40, 70, 80], (x) => x * x),
        5000,
      ).maxPodsPerNode,
    ).toBe(70)
  })

  it('stops at the first crossing even if a noisy curve dips back under the SLO', () => {
    const points = curve([10, 20, 30, 40], (x) => (x === 20 ? 6000 : x === 30 ? 4000 : x * 100))
    expect(solveSlo(points, 5000).maxPodsPerNode).toBeLessThan(20)
  })

  it('reports the end of the sweep as a lower bound when every point meets the SLO', () => {
    expect(
      solveSlo(
        curve([10, 50, 165], () => 1200, 100),
        5000,
      ),
    ).toEqual({maxPodsPerNode: 165, ci95: [165, 165], status: 'beyond-sweep'})
  })

  it('reports zero when even the smallest density misses the SLO', () => {
    expect(
      solveSlo(
        curve([10, 20], () => 7000),
        5000,
      ),
    ).toEqual({maxPodsPerNode: 0, ci95: [0, 0], status: 'never'})
  })

  it('widens the interval when the CI band is wide', () => {
    const narrow = solveSlo(
      curve([0, 100], (x) => 100 * x, 100),
      5000,
    )
    const wide = solveSlo(
      curve([0, 100], (x) => 100 * x, 2000),
      5000,
    )
    expect(wide.ci95[1] - wide.ci95[0]).toBeGreaterThan(narrow.ci95[1] - narrow.ci95[0])
    expect(wide.ci95[0]).toBeLessThanOrEqual(wide.maxPodsPerNode)
    expect(wide.ci95[1]).toBeGreaterThanOrEqual(wide.maxPodsPerNode)
  })

  it('does not depend on the order of the sweep points', () => {
    const points = curve([10, 20, 40, 80], (x) => 90 * x, 300)
    expect(solveSlo([...points].reverse(), 5000)).toEqual(solveSlo(points, 5000))
  })

  it('rejects an empty sweep, duplicate densities and a non-positive SLO with the function name', () => {
    expect(() => solveSlo([], 5000)).toThrow(/solveSlo: the sweep has no points/)
    expect(() =>
      solveSlo(
        curve([10, 10], () => 1),
        5000,
      ),
    ).toThrow(/appears twice/)
    expect(() =>
      solveSlo(
        curve([10], () => 1),
        0,
      ),
    ).toThrow(/sloMs must be a positive/)
  })

  it('on any increasing curve, the answer lies between the last good and first bad density', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: 1, max: 1000}), {minLength: 2, maxLength: 12}), fc.integer({min: 100, max: 20_000}), (steps, slo) => {
        let y = 0
        const points = steps.map((s, i) => ({podsPerNode: (i + 1) * 10, p99Ms: (y += s), p99Ci95: [y, y] as const}))
        const got = solveSlo(points, slo)
        const good = points.filter((p) => p.p99Ms <= slo)
        const bad = points.find((p) => p.p99Ms > slo)
        if (!bad) return got.maxPodsPerNode === points.at(-1)!.podsPerNode
        if (good.length === 0) return got.maxPodsPerNode === 0
        return got.maxPodsPerNode >= good.at(-1)!.podsPerNode && got.maxPodsPerNode < bad.podsPerNode
      }),
    )
  })
})
