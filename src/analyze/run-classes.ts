import type {ClassModel, KernelPath, NodeClassResult} from '../domain/analysis.js'
import type {Histogram} from '../domain/snapshot.js'
import {hasSpread, modelAtSpread, widestSpread} from '../model/spread.js'
import type {KernelModel} from '../model/schema.js'
import type {NodeClass} from '../profile/node-classes.js'
import {analyzeClassPath, assembleClass, burstAt, FIT_SAMPLES, fitClass, MIN_REPLICATIONS_FOR_CI, type ClassFit, type ClassPathRun} from './analyze-class.js'
import type {SimulateFn} from './class-run.js'
import {recordToday, spreadP99} from './model-spread.js'
import {planClass, type AnalysisSettings} from './plan.js'
import {combineSensitivity, pathSensitivity, type PathSensitivity} from './sensitivity.js'

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
 * Analyzes one class on its own models: the fit, then each path, then the result. The same three
 * steps run on worker threads as separate tasks (src/app/analyze-jobs.ts), so the output is the
 * same whichever way they are scheduled.
 */
export function runClassJob(job: ClassJob, settings: AnalysisSettings, pool: readonly KernelModel[], simulatorFor: SimulatorFactory): NodeClassResult {
  const fit = prepareClassJob(job, settings, pool, simulatorFor)
  const legacy = runClassPathJob(job, fit, pool, simulatorFor, 'legacy')
  const otn = runClassPathJob(job, fit, pool, simulatorFor, 'otn')
  return finishClassJob(job, fit, legacy, otn)
}

function modelsOf(job: ClassJob, pool: readonly KernelModel[]): {legacy: KernelModel; otn: KernelModel} {
  return {legacy: pool[job.models.legacy]!, otn: pool[job.models.otn]!}
}

/** Step 1: the class's plan on its own models and the non-kernel fit (analyze-class.ts fitClass). */
export function prepareClassJob(job: ClassJob, settings: AnalysisSettings, pool: readonly KernelModel[], simulatorFor: SimulatorFactory): ClassFit {
  const models = modelsOf(job, pool)
  // The class's own legacy model's CPU-contention curve (contention.ts decides where it applies).
  const plan = planClass(job.cls, {...settings, contentionCurve: models.legacy.costs.cpuContention?.points}, job.poolObservedMs, job.poolSli)
  return fitClass(job.cls, plan, simulatorFor(models))
}

/** What one path of a class adds to the result: its analysis, its sensitivity rows and its model's spread. */
export interface ClassPathJobResult {
  run: ClassPathRun
  sensitivity: PathSensitivity
  spread: ClassModel['spread']
}

/**
 * Step 2, per path: the path's analysis; the sensitivity panel's runs on that path (on the plain
 * simulator, around the fitted non-kernel time the result used); and, when the path's model carries
 * a calibration spread, today's point again at the spread's low and high ends (model-spread.ts).
 */
export function runClassPathJob(
  job: ClassJob,
  fit: ClassFit,
  pool: readonly KernelModel[],
  simulatorFor: SimulatorFactory,
  path: KernelPath,
): ClassPathJobResult {
  const models = modelsOf(job, pool)
  const todayDensity = Math.max(1, job.cls.podsPerNodeToday)
  const todayBurst = Math.min(fit.plan.burstToday, todayDensity)
  const simulate = simulatorFor(models)
  const recorder = recordToday(simulate, {podsRunning: Math.max(0, todayDensity - todayBurst), burstPods: todayBurst})
  const run = analyzeClassPath(job.cls, fit, recorder.simulate, path)
  const sensitivity = pathSensitivity(job.cls, fit.fitted, simulate, path, run.result)
  const m = models[path]
  const widest = widestSpread(m)
  let spread: ClassModel['spread']
  if (hasSpread(m) && widest) {
    const low = simulatorFor({...models, [path]: modelAtSpread(m, 'low')})
    const high = simulatorFor({...models, [path]: modelAtSpread(m, 'high')})
    spread = {p99TodayMs: spreadP99(recorder.runs[path], low, high), widestCoefficient: widest.name, widestRelative: Math.round(widest.relative * 1000) / 1000}
  }
  return {run, sensitivity, spread}
}

/** Step 3: the class's result from its fit and both paths (no simulation). */
export function finishClassJob(job: ClassJob, fit: ClassFit, legacy: ClassPathJobResult, otn: ClassPathJobResult): NodeClassResult {
  const result = assembleClass(job.cls, fit, legacy.run, otn.run)
  const sensitivity = combineSensitivity(job.cls, fit.fitted, {legacy: legacy.sensitivity, otn: otn.sensitivity})
  const withSpread = (path: KernelPath, spread: ClassModel['spread']): ClassModel => ({...job.models.info[path], ...(spread ? {spread} : {})})
  return {...result, sensitivity, model: {legacy: withSpread('legacy', legacy.spread), otn: withSpread('otn', otn.spread)}}
}
