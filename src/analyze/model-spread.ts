import type {KernelPath, NodeClassResult} from '../domain/analysis.js'
import {quantileType7, sortedCopy} from '../stats/quantile.js'
import {roundTo} from '../stats/round.js'
import type {ClassRunSpec, SimulateFn} from './class-run.js'

/**
 * Carries a model's calibration spread into the answer: today's operating point of each path is
 * simulated again, with the same seeds, on the model with every coefficient at the low end of
 * its spread and at the high end (src/model/spread.ts). The pair of p99s is what a repeat
 * calibration could plausibly have given: a noisy calibration shows as a wider answer, not a
 * different one. Only today's point is re-run (2 × replications per path), so the cost stays a
 * small share of the class's sweep.
 */
export interface RecordedRun {
  spec: ClassRunSpec
  seed: number
}

/**
 * Wraps a simulator so the runs of today's operating point are recorded: the point whose
 * burst and running pods are today's (the first operating point analyzeClass runs on each
 * path; the sweep and grid may repeat it with the same seeds, which are kept once).
 */
export function recordToday(simulate: SimulateFn, today: {podsRunning: number; burstPods: number}): {simulate: SimulateFn; runs: Record<KernelPath, RecordedRun[]>} {
  const runs: Record<KernelPath, RecordedRun[]> = {legacy: [], otn: []}
  const seen = {legacy: new Set<number>(), otn: new Set<number>()}
  return {
    runs,
    simulate: (spec, seed) => {
      if (spec.burstPods === today.burstPods && spec.podsRunning === today.podsRunning && !seen[spec.path].has(seed)) {
        seen[spec.path].add(seed)
        runs[spec.path].push({spec, seed})
      }
      return simulate(spec, seed)
    },
  }
}

/** p99 (type 7) of the pod starts of these runs on a simulator, ms, rounded to 0.1. */
export function p99Of(runs: readonly RecordedRun[], simulate: SimulateFn): number {
  const all: number[] = []
  for (const r of runs) all.push(...simulate(r.spec, r.seed).podStartMs)
  return roundTo(quantileType7(sortedCopy(Float64Array.from(all)), 0.99), 1)
}

/** [low, high] of today's p99 on one path, ordered (a lower coefficient can give a higher p99 through queueing noise; the pair is sorted). */
export function spreadP99(runs: readonly RecordedRun[], low: SimulateFn, high: SimulateFn): [number, number] {
  const a = p99Of(runs, low)
  const b = p99Of(runs, high)
  return a <= b ? [a, b] : [b, a]
}

export type ClassModelSpread = NonNullable<NonNullable<NodeClassResult['model']>['legacy']['spread']>
