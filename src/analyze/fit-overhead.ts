import type {QuantileView} from './back-test.js'

/**
 * Deconvolution of the non-kernel start time: observed starts = non-kernel time + today's kernel
 * time (namespace_sem waits and holds, CPU queueing), so the non-kernel part is NOT the observed
 * distribution. Its lognormal (median m, p90 p) is fitted so that simulating today with it
 * reproduces the observed distribution, in two phases:
 *
 * 1. Ratio steps from the observed quantiles: m ← m · observed p50 / simulated p50, p likewise
 *    with the p90s. Where the non-kernel time dominates (most classes) the kernel time adds
 *    roughly a constant and this settles in two or three simulations.
 * 2. Where it does not settle — today's kernel queue dominates, so the observed p50/p90 barely
 *    move with m and p — a Nelder–Mead search over (ln m, ln p/m) minimises the squared log
 *    error over the quantiles at FIT_LEVELS (0.1 … 0.99): the shape, including the tail, is what
 *    still carries the non-kernel time there.
 *
 * Converged: simulated p50 and p90 within FIT_TOLERANCE of the observed ones (or
 * FIT_TOLERANCE_FLOOR_MS) and p99 within P99_FIT_TOLERANCE or the observed p99's own sampling
 * noise, whichever is larger (one observed p99 rests on 1% of the starts; asking more of it would
 * fit noise). At most
 * MAX_FIT_ITERATIONS simulations in all; the best one is kept. Every simulation uses the same seeds
 * (common random numbers), so the steps see the change of m and p, not fresh noise.
 *
 * Bounds keep the lognormal defined and plausible whatever the data: m ≥ MIN_OVERHEAD_MS (a
 * zero-heavy histogram or second-resolution timestamps drive it there) and 1.05 ≤ p/m ≤
 * MAX_P90_RATIO (p90/p50 = 4 already gives p99/p50 ≈ 11). When the simulated kernel time alone
 * exceeds what is observed, a bound binds, the fit does not converge and the back-test says so.
 */
export const MAX_FIT_ITERATIONS = 24
/** Ratio steps before the search takes over. */
export const RATIO_STEPS = 3
export const FIT_TOLERANCE = 0.03
export const P99_FIT_TOLERANCE = 0.08
export const FIT_TOLERANCE_FLOOR_MS = 20
export const MIN_OVERHEAD_MS = 1
export const MIN_P90_RATIO = 1.05
export const MAX_P90_RATIO = 4

export interface OverheadGuess {
  p50Ms: number
  p90Ms: number
}

export interface OverheadFit extends OverheadGuess {
  /** Simulations of today the fit ran. */
  iterations: number
  converged: boolean
  /** The fitted step's simulated view. */
  simulated: QuantileView
}

/**
 * @param target observed quantiles (in the observation's view, back-test.ts)
 * @param simulateToday the simulation of today with a given non-kernel lognormal, in the same view
 */
export function fitOverhead(target: QuantileView, simulateToday: (overhead: OverheadGuess) => QuantileView, maxIterations = MAX_FIT_ITERATIONS): OverheadFit {
  let ran = 0
  let best: (OverheadFit & {loss: number}) | null = null
  // A point the bounds map onto one already simulated is not simulated again.
  const seen = new Map<string, QuantileView>()
  let proposals = 0
  const evaluate = (g: OverheadGuess): QuantileView => {
    proposals++
    const guess = clampGuess(g)
    const key = `${guess.p50Ms.toPrecision(6)}/${guess.p90Ms.toPrecision(6)}`
    const known = seen.get(key)
    if (known) return known
    const sim = simulateToday(guess)
    seen.set(key, sim)
    ran++
    const l = loss(sim, target)
    const near = (s: number, t: number, tol: number, noise = 0): boolean => Math.abs(s - t) <= Math.max(tol * t, FIT_TOLERANCE_FLOOR_MS, noise)
    const converged =
      near(sim.p50Ms, target.p50Ms, FIT_TOLERANCE) &&
      near(sim.p90Ms, target.p90Ms, FIT_TOLERANCE) &&
      near(sim.p99Ms, target.p99Ms, P99_FIT_TOLERANCE, target.p99NoiseMs)
    if (!best || l < best.loss) best = {...guess, iterations: 0, converged, simulated: sim, loss: l}
    return sim
  }
  // Proposals that land on known points are free but bounded, so a search stuck on a bound ends.
  const done = (): boolean => best!.converged || ran >= maxIterations || proposals >= 4 * maxIterations

  // Phase 1: ratio steps on p50 and p90.
  let guess = clampGuess({p50Ms: target.p50Ms, p90Ms: target.p90Ms})
  for (let i = 0; i < RATIO_STEPS; i++) {
    const sim = evaluate(guess)
    if (done()) break
    const next = clampGuess({p50Ms: guess.p50Ms * ratio(target.p50Ms, sim.p50Ms), p90Ms: guess.p90Ms * ratio(target.p90Ms, sim.p90Ms)})
    if (next.p50Ms === guess.p50Ms && next.p90Ms === guess.p90Ms) break
    guess = next
  }
  // Phase 2: Nelder–Mead over (ln m, ln p/m) from the best point so far.
  if (!done()) {
    const b: OverheadGuess = best!
    nelderMead(
      (x) => loss(evaluate(fromParams(x)), target),
      toParams(b),
      0.15,
      () => done(),
    )
  }
  const {loss: _loss, ...fit} = best!
  return {...fit, iterations: ran}
}

function toParams(g: OverheadGuess): [number, number] {
  return [Math.log(g.p50Ms), Math.log(g.p90Ms / g.p50Ms)]
}

function fromParams([lm, lr]: readonly number[]): OverheadGuess {
  const p50Ms = Math.exp(lm!)
  return {p50Ms, p90Ms: p50Ms * Math.exp(lr!)}
}

/**
 * Weighted sum of squared log errors over FIT_LEVELS (each side floored so zeros stay finite).
 * p50 and p90, the quantiles the fit promises, weigh most; the outer levels are noisier.
 */
const LEVEL_WEIGHTS = [0.25, 0.5, 2, 0.5, 2, 0.5, 0.5]
function loss(sim: QuantileView, target: QuantileView): number {
  let l = 0
  sim.levelsMs.forEach((s, i) => {
    const d = Math.log((s + FIT_TOLERANCE_FLOOR_MS) / (target.levelsMs[i]! + FIT_TOLERANCE_FLOOR_MS))
    l += (LEVEL_WEIGHTS[i] ?? 1) * d * d
  })
  return l
}

/** target/simulated, within [1/2, 2] (one step never halves or doubles more), finite at zeros. */
function ratio(target: number, simulated: number): number {
  const r = (target + FIT_TOLERANCE_FLOOR_MS) / (simulated + FIT_TOLERANCE_FLOOR_MS)
  return Math.min(2, Math.max(0.5, r))
}

function clampGuess(g: OverheadGuess): OverheadGuess {
  const p50Ms = Math.max(MIN_OVERHEAD_MS, Number.isFinite(g.p50Ms) ? g.p50Ms : MIN_OVERHEAD_MS)
  const p90Ms = Number.isFinite(g.p90Ms) ? g.p90Ms : p50Ms * MIN_P90_RATIO
  return {p50Ms, p90Ms: Math.min(p50Ms * MAX_P90_RATIO, Math.max(p50Ms * MIN_P90_RATIO, p90Ms))}
}

/**
 * Nelder–Mead simplex minimisation in 2 dimensions (standard coefficients: reflection 1,
 * expansion 2, contraction ½, shrink ½), until `stop()` says so.
 */
export function nelderMead(f: (x: number[]) => number, start: readonly number[], scale: number, stop: () => boolean): void {
  const n = start.length
  let simplex = [start.slice(), ...start.map((_, i) => start.map((v, j) => (i === j ? v + scale : v)))].map((x) => ({x, f: stop() ? Infinity : f(x)}))
  const add = (a: number[], b: number[], t: number): number[] => a.map((v, i) => v + t * (b[i]! - v))
  while (!stop()) {
    simplex.sort((a, b) => a.f - b.f)
    const worst = simplex[n]!
    const centroid = simplex.slice(0, n).reduce((c, p) => c.map((v, i) => v + p.x[i]! / n), new Array<number>(n).fill(0))
    const reflected = add(centroid, worst.x, -1)
    const fr = f(reflected)
    if (fr < simplex[0]!.f && !stop()) {
      const expanded = add(centroid, worst.x, -2)
      const fe = f(expanded)
      simplex[n] = fe < fr ? {x: expanded, f: fe} : {x: reflected, f: fr}
    } else if (fr < simplex[n - 1]!.f) {
      simplex[n] = {x: reflected, f: fr}
    } else {
      if (stop()) return
      const contracted = add(centroid, worst.x, fr < worst.f ? -0.5 : 0.5)
      const fc = f(contracted)
      if (fc < Math.min(fr, worst.f)) simplex[n] = {x: contracted, f: fc}
      else {
        const bestX = simplex[0]!.x
        simplex = simplex.map((p, i) => (i === 0 || stop() ? p : {x: add(bestX, p.x, 0.5), f: f(add(bestX, p.x, 0.5))}))
      }
    }
  }
}
