import {formatMs} from '../lib/format.js'
import type {ClassVariation, KernelPath, PathResult, VariationGroup} from '../domain/analysis.js'
import type {NodeClass} from '../profile/node-classes.js'
import {replicationSeed} from '../stats/replication-seeds.js'
import {roundTo} from '../stats/round.js'
import {solveSlo} from '../stats/slo-solver.js'
import {summarize} from '../stats/summary.js'
import {burstAt, classSeedBase, concat, replicationsFor, runSpec, SWEEP_STOP_FACTOR} from './analyze-class.js'
import {runKey, type ClassRunSample, type SimulateFn} from './class-run.js'
import {densityLimit} from './density-limit.js'
import {chooseContention, type ContentionMode} from './contention.js'
import type {ClassPlan} from './plan.js'

/**
 * The sensitivity panel, per class. A variation is a named transformation of the class's
 * analysis inputs (the burst at today's density, the SLO, the OTN cost scale); the class is
 * re-analysed under it and the pool verdict re-derived (pool-sensitivity.ts). Adding an
 * assumption to the panel (e.g. the CPU-contention curve) is one more entry in VARIATIONS and
 * one more field in SensitivityInputs.
 *
 * Cost: SLO variations re-solve the existing sweep (no simulation). A variation whose inputs
 * equal the base on a path reuses that path's runs. Otherwise the path is re-simulated with the
 * base's seeds (common random numbers): today's point with the base's replications, so the p99
 * column differs from the base row by the varied input, not by fewer samples; the sweep with at
 * most SENSITIVITY_SWEEP_REPLICATIONS. The panel shows point estimates (the headline figures keep
 * their CIs). Their sweep stops at the class's lowest capacity limit, so a variation's
 * kernel-latency bound is known only up to there (the capacity-aware answer is exact).
 */

/**
 * The measured range of the OTN cost: the model's otn cost is the stand-in × 0.695, the median of
 * the otn/otc ratio over 63 cells on a real Linux 7.1.5; its interquartile range is 0.54–0.94
 * (models/linux-7.0-otn.json provenance, docs/model.md).
 */
/** Replications per sweep point of a re-simulated variation (the first seeds of the base's). */
export const SENSITIVITY_SWEEP_REPLICATIONS = 2

export const OTN_RATIO = {median: 0.695, low: 0.54, high: 0.94}

export interface SensitivityInputs {
  /** Pods started at once at today's density (scaled by share at other densities). */
  burstPods: number
  sloMs: number
  otnCostScale: number
  contention: ContentionMode
}

export interface VariationDef {
  id: string
  group: VariationGroup
  plausible: boolean
  label: (cls: NodeClass, to: SensitivityInputs) => string
  /** The varied inputs; null when the variation does not apply to this class (e.g. an SLO ≤ 0). */
  apply: (base: SensitivityInputs, cls: NodeClass) => SensitivityInputs | null
}

/** How each burst variation reads; the pod count is added per class or pool. */
export const BURST_NAME: Record<string, string> = {
  'burst/rolling-update': 'rolling update (maxSurge 25%)',
  'burst/quarter': "quarter of the node's pods",
  'burst/full-refill': 'full refill of a drained node',
}

const pods = (n: number): string => `${n} pod${n === 1 ? '' : 's'}`

const today = (cls: Pick<NodeClass, 'podsPerNodeToday'>): number => Math.max(1, cls.podsPerNodeToday)

export const VARIATIONS: readonly VariationDef[] = [
  {
    id: 'burst/rolling-update',
    group: 'burst',
    plausible: true,
    label: (_c, to) => `${BURST_NAME['burst/rolling-update']} (${pods(to.burstPods)} at once)`,
    apply: (b, c) => ({...b, burstPods: Math.min(today(c), c.bursts.rollingUpdate)}),
  },
  {
    id: 'burst/quarter',
    group: 'burst',
    plausible: true,
    label: (_c, to) => `${BURST_NAME['burst/quarter']} (${pods(to.burstPods)} at once)`,
    apply: (b, c) => ({...b, burstPods: Math.max(1, Math.ceil(0.25 * today(c)))}),
  },
  {
    id: 'burst/full-refill',
    group: 'burst',
    plausible: true,
    label: (_c, to) => `${BURST_NAME['burst/full-refill']} (${pods(to.burstPods)} at once)`,
    apply: (b, c) => ({...b, burstPods: today(c)}),
  },
  {
    id: 'slo/minus-1s',
    group: 'slo',
    plausible: false,
    label: (_c, to) => `SLO ${formatMs(to.sloMs)}`,
    apply: (b) => (b.sloMs > 1000 ? {...b, sloMs: b.sloMs - 1000} : null),
  },
  {id: 'slo/plus-1s', group: 'slo', plausible: false, label: (_c, to) => `SLO ${formatMs(to.sloMs)}`, apply: (b) => ({...b, sloMs: b.sloMs + 1000})},
  {
    id: 'otn-cost/low',
    group: 'otn-cost',
    plausible: true,
    label: () => `OTN cost ratio ${OTN_RATIO.low} (measured lower quartile)`,
    apply: (b) => ({...b, otnCostScale: OTN_RATIO.low / OTN_RATIO.median}),
  },
  {
    id: 'otn-cost/high',
    group: 'otn-cost',
    plausible: true,
    label: () => `OTN cost ratio ${OTN_RATIO.high} (measured upper quartile)`,
    apply: (b) => ({...b, otnCostScale: OTN_RATIO.high / OTN_RATIO.median}),
  },
  // The CPU-contention curve is measured on one machine; how it carries over to another core
  // count is an assumption (contention.ts), so both ends of it are in the panel.
  {
    id: 'contention/none',
    group: 'contention',
    plausible: true,
    label: () => 'no CPU contention between concurrent starts',
    apply: (b) => (b.contention === 'none' ? null : {...b, contention: 'none'}),
  },
  {
    id: 'contention/scaled',
    group: 'contention',
    plausible: true,
    label: () => 'the measured contention curve stretched onto this core count (pessimistic)',
    apply: (b) => (b.contention === 'scaled' ? null : {...b, contention: 'scaled'}),
  },
]

/** Runs the panel for one class, reusing the base results wherever a path's inputs did not change. */
export function classSensitivity(cls: NodeClass, plan: ClassPlan, simulate: SimulateFn, base: {legacy: PathResult; otn: PathResult}): ClassVariation[] {
  return combineSensitivity(cls, plan, {
    legacy: pathSensitivity(cls, plan, simulate, 'legacy', base.legacy),
    otn: pathSensitivity(cls, plan, simulate, 'otn', base.otn),
  })
}

/** One path's figures under each variation (null where the variation does not apply): plain data, per path. */
export type PathSensitivity = Array<{p99TodayMs: number; slo: ReturnType<typeof solveSlo>} | null>

/**
 * The panel's runs on one path, in VARIATIONS order. The two paths of a class share nothing, so
 * analyze --jobs can run them on two worker threads; combineSensitivity joins them.
 */
export function pathSensitivity(cls: NodeClass, plan: ClassPlan, plain: SimulateFn, path: KernelPath, base: PathResult): PathSensitivity {
  const simulate = memoized(plain)
  const baseInputs = inputsOf(cls, plan)
  return VARIATIONS.map((v) => {
    const to = v.apply(baseInputs, cls)
    return to ? pathUnder(cls, plan, simulate, path, to, baseInputs, base) : null
  })
}

export function combineSensitivity(cls: NodeClass, plan: ClassPlan, paths: Record<KernelPath, PathSensitivity>): ClassVariation[] {
  const baseInputs = inputsOf(cls, plan)
  const out: ClassVariation[] = []
  VARIATIONS.forEach((v, i) => {
    const to = v.apply(baseInputs, cls)
    const legacy = paths.legacy[i]
    const otn = paths.otn[i]
    if (!to || !legacy || !otn) return
    out.push({
      id: v.id,
      group: v.group,
      label: v.label(cls, to),
      plausible: v.plausible,
      burstPods: to.burstPods,
      sloMs: to.sloMs,
      otnCostScale: roundTo(to.otnCostScale, 4),
      contention: to.contention,
      p99TodayMs: {legacy: legacy.p99TodayMs, otn: otn.p99TodayMs},
      density: {legacy: densityLimit(legacy.slo, cls.capacity), otn: densityLimit(otn.slo, cls.capacity)},
    })
  })
  return out
}

function inputsOf(cls: NodeClass, plan: ClassPlan): SensitivityInputs {
  return {burstPods: Math.min(plan.burstToday, today(cls)), sloMs: plan.sloMs, otnCostScale: 1, contention: plan.contention}
}

function pathUnder(
  cls: NodeClass,
  plan: ClassPlan,
  simulate: SimulateFn,
  path: KernelPath,
  to: SensitivityInputs,
  from: SensitivityInputs,
  base: PathResult,
): {p99TodayMs: number; slo: ReturnType<typeof solveSlo>} {
  const sameRuns =
    to.burstPods === from.burstPods &&
    effectiveContention(cls, plan, to.contention) === effectiveContention(cls, plan, from.contention) &&
    (path === 'legacy' || to.otnCostScale === from.otnCostScale)
  if (sameRuns) return {p99TodayMs: base.today.podStart.p99Ms, slo: solveSlo(base.sweep, to.sloMs)}
  const seedBase = classSeedBase(plan, cls)
  const run = (density: number, burst: number, reps: number): ClassRunSample[] =>
    Array.from({length: reps}, (_, i) =>
      simulate(
        {
          ...runSpec(cls, plan, path, density, burst),
          contention: to.contention,
          ...(path === 'otn' && to.otnCostScale !== 1 ? {otnCostScale: to.otnCostScale} : {}),
        },
        replicationSeed(seedBase, i),
      ),
    )
  const p99 = (runs: ClassRunSample[]): number => roundTo(summarize(concat(runs.map((r) => r.podStartMs))).p99, 1)
  const p99TodayMs = p99(run(today(cls), to.burstPods, plan.replications))
  const sweep: Array<{podsPerNode: number; p99Ms: number; p99Ci95: [number, number]}> = []
  // Densities past the lowest capacity limit cannot change a capacity-aware answer, and are the
  // most expensive to simulate: stop at the first swept density at or above it.
  const cap = Math.min(Infinity, ...cls.capacity.bounds.flatMap((b) => (b.status === 'limit' && b.pods !== null ? [b.pods] : [])))
  for (const d of plan.sweepDensities) {
    const burst = burstAt({burstToday: to.burstPods}, cls, d)
    const p = p99(run(d, burst, Math.min(SENSITIVITY_SWEEP_REPLICATIONS, replicationsFor(plan, burst))))
    sweep.push({podsPerNode: d, p99Ms: p, p99Ci95: [p, p]})
    if (p > SWEEP_STOP_FACTOR * to.sloMs || d >= cap) break
  }
  return {p99TodayMs, slo: solveSlo(sweep, to.sloMs)}
}

/**
 * The panel asks for some runs twice: today's density is also a sweep density, so a varied
 * path's first two replications there repeat its today point (same spec, same seeds), and two
 * variations can vary a path the same way (a quarter of the pods may be the rolling update's
 * burst). A simulation is a pure function of (spec, seed), so each is run once per class and
 * path (on the demo, 76 of the panel's 432 runs).
 */
function memoized(simulate: SimulateFn): SimulateFn {
  const seen = new Map<string, ClassRunSample>()
  return (spec, seed) => {
    const key = runKey(spec, seed)
    let out = seen.get(key)
    if (!out) seen.set(key, (out = simulate(spec, seed)))
    return out
  }
}

/**
 * Which curve a contention mode really simulates for this class: `measured` on a class whose core
 * count differs from the measured machine's is no contention at all, and `scaled` onto the
 * measured core count is the measured curve. Modes that simulate the same thing share runs.
 */
function effectiveContention(cls: NodeClass, plan: ClassPlan, mode: ContentionMode): 'none' | 'measured' | 'scaled' {
  const choice = chooseContention(plan.contentionCurve, cls.cores, mode)
  if (!choice.applied) return 'none'
  return choice.measuredCores === cls.cores ? 'measured' : 'scaled'
}
