import type {ClassModel, NodeClassResult} from '../domain/analysis.js'
import type {Histogram} from '../domain/snapshot.js'
import {hasSpread, modelAtSpread, widestSpread} from '../model/spread.js'
import type {KernelModel} from '../model/schema.js'
import type {NodeClass} from '../profile/node-classes.js'
import {analyzeClass, burstAt, FIT_SAMPLES, MIN_REPLICATIONS_FOR_CI} from './analyze-class.js'
import type {SimulateFn} from './class-run.js'
import {recordToday, spreadP99} from './model-spread.js'
import {planClass, type AnalysisSettings} from './plan.js'
import {classSensitivity} from './sensitivity.js'

/** What the report says about a class's model before it is simulated (the spread comes after). */
export type ClassModelInfo = Omit<ClassModel, 'spread'>

/** What a worker (or the main thread) needs to analyze some classes: plain, structured-cloneable data. */
export interface ClassJob {
  cls: NodeClass
  /** Observed start latencies of the class's pool, for classes with too few of their own. */
  poolObservedMs: number[]
  /** kubelet pod start SLI histogram of the class's pool, when collected. */
  poolSli: Histogram | null
  /** The class's model per path: an index into the run's model list, and its description. */
  models: {legacy: number; otn: number; info: {legacy: ClassModelInfo; otn: ClassModelInfo}}
}

/** Builds a simulator for one pair of models (src/analyze/sim-adapter.ts, wrapped for progress by the caller). */
export type SimulatorFactory = (models: {legacy: KernelModel; otn: KernelModel}) => SimulateFn

/**
 * Simulator calls one class is expected to make, for progress and ETA: an estimate, since the
 * sweep may stop early, replications grow until each p99 is precise enough (counted here at the
 * minimum the rule trusts) and the non-kernel fit stops when it converges (counted at 4 steps).
 */
export function plannedRuns(job: ClassJob, settings: AnalysisSettings, pool?: readonly KernelModel[]): number {
  const plan = planClass(job.cls, settings, job.poolObservedMs, job.poolSli)
  const grid = plan.gridDensityList.reduce((n, d) => n + plan.gridBursts.filter((b) => b <= d).length, 0) * plan.gridReplications
  const reps = Math.min(plan.maxReplications, Math.max(plan.replications, MIN_REPLICATIONS_FOR_CI))
  const burst = Math.max(1, Math.min(plan.burstToday, job.cls.podsPerNodeToday))
  const fit = plan.observed ? 4 * Math.max(2, Math.ceil(FIT_SAMPLES / burst)) : 0
  // Sensitivity panel (sensitivity.ts), at most: three bursts and two contention assumptions on both paths, two OTN costs on one.
  const sensitivity = (5 * 2 + 2) * plan.replications * (1 + plan.sweepDensities.length)
  // Calibration spread (model-spread.ts): today's point at the low and high end, per path whose model has one.
  const spreadRuns = pool ? (['legacy', 'otn'] as const).filter((p) => hasSpread(pool[job.models[p]]!)).length * 2 * reps : 0
  return 2 * (reps * plan.sweepDensities.length + grid) + fit + sensitivity + spreadRuns
}

/**
 * A class's relative simulation cost, for scheduling only (app/analyze-jobs.ts hands the costliest
 * classes out first): container starts of one replication of each sweep point. On the 5,000-node
 * benchmark snapshot it correlates at 0.8 with the measured CPU time per class, and puts its
 * two 250-pod web classes (the costliest, last by id) first.
 */
export function estimatedCost(job: ClassJob, settings: AnalysisSettings): number {
  const plan = planClass(job.cls, settings, job.poolObservedMs, job.poolSli)
  const starts = 1 + job.cls.podShape.containersPerPod + job.cls.podShape.initContainersPerPod
  return plan.sweepDensities.reduce((n, d) => n + burstAt(plan, job.cls, d) * starts, 0)
}

/**
 * Analyzes one class on its own models (pool[job.models.legacy/otn]); when a model carries a
 * calibration spread, today's point of that path is re-run at the spread's low and high ends
 * (src/analyze/model-spread.ts) and reported with the model.
 */
export function runClassJob(job: ClassJob, settings: AnalysisSettings, pool: readonly KernelModel[], simulatorFor: SimulatorFactory): NodeClassResult {
  const models = {legacy: pool[job.models.legacy]!, otn: pool[job.models.otn]!}
  // The class's own legacy model's CPU-contention curve (contention.ts decides where it applies).
  const plan = planClass(job.cls, {...settings, contentionCurve: models.legacy.costs.cpuContention?.points}, job.poolObservedMs, job.poolSli)
  const todayDensity = Math.max(1, job.cls.podsPerNodeToday)
  const todayBurst = Math.min(plan.burstToday, todayDensity)
  const simulate = simulatorFor(models)
  const recorder = recordToday(simulate, {podsRunning: Math.max(0, todayDensity - todayBurst), burstPods: todayBurst})
  const result = analyzeClass(job.cls, plan, recorder.simulate)
  // The panel's variations run on the plain simulator, so none of them is recorded as today's point.
  // The panel varies the analysis' inputs around the fitted non-kernel time the result used.
  const sensitivity = classSensitivity(job.cls, {...plan, overhead: result.overhead}, simulate, result.results)
  const spreadOf = (path: 'legacy' | 'otn'): ClassModel['spread'] => {
    const m = models[path]
    const widest = widestSpread(m)
    if (!hasSpread(m) || !widest) return undefined
    const low = simulatorFor({...models, [path]: modelAtSpread(m, 'low')})
    const high = simulatorFor({...models, [path]: modelAtSpread(m, 'high')})
    return {p99TodayMs: spreadP99(recorder.runs[path], low, high), widestCoefficient: widest.name, widestRelative: Math.round(widest.relative * 1000) / 1000}
  }
  const withSpread = (path: 'legacy' | 'otn'): ClassModel => {
    const spread = spreadOf(path)
    return {...job.models.info[path], ...(spread ? {spread} : {})}
  }
  return {...result, sensitivity, model: {legacy: withSpread('legacy'), otn: withSpread('otn')}}
}
