import {describe, expect, it} from 'vitest'
import {FIT_LEVELS, type QuantileView} from '../../src/analyze/back-test.js'
import {fitOverhead, MAX_FIT_ITERATIONS, MAX_P90_RATIO, nelderMead, P99_FIT_TOLERANCE} from '../../src/analyze/fit-overhead.js'

/** A lognormal's quantiles, exactly: median·exp(σ·z_q), σ = ln(p90/median)/z90. */
const Z: Record<number, number> = {
  0.1: -1.2815515655446004,
  0.25: -0.6744897501960817,
  0.5: 0,
  0.75: 0.6744897501960817,
  0.9: 1.2815515655446004,
  0.95: 1.6448536269514722,
  0.99: 2.3263478740408408,
}
function lognormalView(p50: number, p90: number, shiftMs: number, queue = 0): QuantileView {
  const sigma = Math.log(p90 / p50) / Z[0.9]!
  // `queue` squeezes the body: starts below the queue's drain time all finish at about that time.
  const q = (p: number): number => Math.max(queue, p50 * Math.exp(sigma * Z[p]!)) + shiftMs
  return {p50Ms: q(0.5), p90Ms: q(0.9), p99Ms: q(0.99), levelsMs: FIT_LEVELS.map(q)}
}

describe('fitOverhead (the deconvolution of the non-kernel start time)', () => {
  it('recovers a lognormal under a constant kernel time instead of taking the observed starts as the overhead', () => {
    const target = lognormalView(1000, 1600, 300)
    const fit = fitOverhead(target, (g) => lognormalView(g.p50Ms, g.p90Ms, 300))
    expect(fit.converged).toBe(true)
    expect(fit.p50Ms).toBeGreaterThan(950)
    expect(fit.p50Ms).toBeLessThan(1050)
    expect(fit.p90Ms / 1600).toBeGreaterThan(0.95)
    expect(fit.p90Ms / 1600).toBeLessThan(1.05)
    expect(fit.iterations).toBeLessThanOrEqual(MAX_FIT_ITERATIONS)
  })

  it('uses the shape of the distribution where a kernel queue hides the median', () => {
    // Below 1.8 s every start waits for the queue: observed p50 says nothing about the overhead median, the tail does.
    const target = lognormalView(1200, 1900, 100, 1800)
    const fit = fitOverhead(target, (g) => lognormalView(g.p50Ms, g.p90Ms, 100, 1800))
    expect(fit.converged).toBe(true)
    expect(Math.abs(fit.simulated.p99Ms - target.p99Ms) / target.p99Ms).toBeLessThan(P99_FIT_TOLERANCE)
    expect(Math.abs(fit.p90Ms - 1900) / 1900).toBeLessThan(0.1)
  })

  it('stops at the iteration cap, keeps the best step, and stays a valid lognormal when the kernel time alone exceeds what is observed', () => {
    let calls = 0
    const fit = fitOverhead(lognormalView(500, 800, 0), (g) => {
      calls++
      return lognormalView(g.p50Ms, g.p90Ms, 2000)
    })
    expect(calls).toBeLessThanOrEqual(MAX_FIT_ITERATIONS)
    expect(fit.iterations).toBe(calls)
    expect(fit.converged).toBe(false)
    expect(fit.p50Ms).toBeGreaterThanOrEqual(1)
    expect(fit.p90Ms / fit.p50Ms).toBeGreaterThanOrEqual(1.05)
    expect(fit.p90Ms / fit.p50Ms).toBeLessThanOrEqual(MAX_P90_RATIO + 1e-9)
  })
})

describe('nelderMead', () => {
  it('finds the minimum of a shifted quadratic bowl', () => {
    let best = {x: [0, 0], f: Infinity}
    let n = 0
    nelderMead(
      (x) => {
        const f = (x[0]! - 1.5) ** 2 + 3 * (x[1]! + 0.5) ** 2
        if (f < best.f) best = {x, f}
        return f
      },
      [0, 0],
      0.5,
      () => ++n > 200,
    )
    expect(best.x[0]).toBeCloseTo(1.5, 2)
    expect(best.x[1]).toBeCloseTo(-0.5, 2)
  })
})
