import type {NodeClassResult} from '../domain/analysis.js'
import type {Histogram} from '../domain/snapshot.js'
import type {NodeClass} from '../profile/node-classes.js'
import {analyzeClass} from './analyze-class.js'
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

/** Simulator calls one class will make at most (the sweep may stop early): for progress and ETA. */
export function plannedRuns(job: ClassJob, settings: AnalysisSettings): number {
  const plan = planClass(job.cls, settings, job.poolObservedMs, job.poolSli)
  const grid = plan.gridDensityList.reduce((n, d) => n + plan.gridBursts.filter((b) => b <= d).length, 0) * plan.gridReplications
  // Sensitivity panel (sensitivity.ts), at most: three bursts on both paths and two OTN costs on one.
  const sensitivity = (3 * 2 + 2) * plan.replications * (1 + plan.sweepDensities.length)
  return 2 * (plan.replications * (1 + plan.sweepDensities.length) + grid) + sensitivity
}

export function runClassJob(job: ClassJob, settings: AnalysisSettings, simulate: SimulateFn): NodeClassResult {
  const plan = planClass(job.cls, settings, job.poolObservedMs, job.poolSli)
  const result = analyzeClass(job.cls, plan, simulate)
  return {...result, sensitivity: classSensitivity(job.cls, plan, simulate, result.results)}
}
