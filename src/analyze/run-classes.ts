import type {NodeClassResult} from '../domain/analysis.js'
import type {Histogram} from '../domain/snapshot.js'
import type {NodeClass} from '../profile/node-classes.js'
import {analyzeClass, FIT_SAMPLES, MIN_REPLICATIONS_FOR_CI} from './analyze-class.js'
import type {SimulateFn} from './class-run.js'
import {planClass, type AnalysisSettings} from './plan.js'
import {classSensitivity} from './sensitivity.js'

/** What a worker (or the main thread) needs to analyze some classes: plain, structured-cloneable data. */
export interface ClassJob {
  cls: NodeClass
  /** Observed start latencies of the class's pool, for classes with too few of their own. */
  poolObservedMs: number[]
  /** kubelet pod start SLI histogram of the class's pool, when collected. */
  poolSli: Histogram | null
}

/**
 * Simulator calls one class is expected to make, for progress and ETA: an estimate, since the
 * sweep may stop early, replications grow until each p99 is precise enough (counted here at the
 * minimum the rule trusts) and the non-kernel fit stops when it converges (counted at 4 steps).
 */
export function plannedRuns(job: ClassJob, settings: AnalysisSettings): number {
  const plan = planClass(job.cls, settings, job.poolObservedMs, job.poolSli)
  const grid = plan.gridDensityList.reduce((n, d) => n + plan.gridBursts.filter((b) => b <= d).length, 0) * plan.gridReplications
  const reps = Math.min(plan.maxReplications, Math.max(plan.replications, MIN_REPLICATIONS_FOR_CI))
  const burst = Math.max(1, Math.min(plan.burstToday, job.cls.podsPerNodeToday))
  const fit = plan.observed ? 4 * Math.max(2, Math.ceil(FIT_SAMPLES / burst)) : 0
  // Sensitivity panel (sensitivity.ts), at most: three bursts and two contention assumptions on both paths, two OTN costs on one.
  const sensitivity = (5 * 2 + 2) * plan.replications * (1 + plan.sweepDensities.length)
  return 2 * (reps * plan.sweepDensities.length + grid) + fit + sensitivity
}

export function runClassJob(job: ClassJob, settings: AnalysisSettings, simulate: SimulateFn): NodeClassResult {
  const plan = planClass(job.cls, settings, job.poolObservedMs, job.poolSli)
  const result = analyzeClass(job.cls, plan, simulate)
  // The panel varies the analysis' inputs around the fitted non-kernel time the result used.
  return {...result, sensitivity: classSensitivity(job.cls, {...plan, overhead: result.overhead}, simulate, result.results)}
}
