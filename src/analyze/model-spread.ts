import type {KernelPath, NodeClassResult} from '../domain/analysis.js'
import {quantileType7, sortedCopy} from '../stats/quantile.js'
import {roundTo} from '../stats/round.js'
import {runKey, type ClassRunSpec, type SimulateFn} from './class-run.js'

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
 * burst and running pods are today's (the sweep and grid may repeat it with the same seeds and
 * spec, which are kept once).
 */
export function recordToday(
  simulate: SimulateFn,
  today: {podsRunning: number; burstPods: number},
): {simulate: SimulateFn; runs: Record<KernelPath, RecordedRun[]>} {
  const all: Record<KernelPath, RecordedRun[]> = {legacy: [], otn: []}
  const seen = new Set<string>()
  const recorder = {
    simulate: (spec: ClassRunSpec, seed: number) => {
      const key = runKey(spec, seed)
      if (spec.burstPods === today.burstPods && spec.podsRunning === today.podsRunning && !seen.has(key)) {
        seen.add(key)
        all[spec.path].push({spec, seed})
      }
      return simulate(spec, seed)
    },
    /**
     * Today's runs as the result used them: those with the spec of the last one recorded. The
     * non-kernel fit (fit-overhead.ts) simulates today's point too, with earlier guesses of the
     * non-kernel time; those specs differ, so they are left out.
     */
    get runs(): Record<KernelPath, RecordedRun[]> {
      const final = (list: RecordedRun[]): RecordedRun[] => {
        const last = list.at(-1)
        if (!last) return []
        const spec = JSON.stringify(last.spec)
        return list.filter((r) => JSON.stringify(r.spec) === spec)
      }
      return {legacy: final(all.legacy), otn: final(all.otn)}
    },
  }
  return recorder
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
