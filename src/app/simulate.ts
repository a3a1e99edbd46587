import type {BothKernelsResult, KernelSimulationResult, LatencyMs, ScenarioEcho, SimulateResult} from '../domain/simulation.js'
import {InputError} from '../errors/errors.js'
import {loadModelFile, loadShippedModels, type LoadedModel} from '../io/model-file.js'
import {defaultModelFor} from '../model/registry.js'
import type {KernelPath} from '../domain/analysis.js'
import type {DurationDistribution} from '../model/schema.js'
import type {RunOutput} from '../sim/run-scenario.js'
import type {Scenario, Workload} from '../sim/scenario.js'
import {BOOTSTRAP_RESAMPLES, bootstrapQuantileCis} from '../stats/bootstrap.js'
import {bootstrapSeed, replicationSeed} from '../stats/replication-seeds.js'
import {roundTo} from '../stats/round.js'
import {speedup} from '../stats/speedup.js'
import {summarize} from '../stats/summary.js'
import {derivedHostMountsPerPod, type SimulateRequest} from './simulate-request.js'
import {runTasks, startRunPool, type RunTask} from './simulate-runs.js'

export {parseSimulateFlags, type SimulateFlags, type SimulateRequest} from './simulate-request.js'

/** Bootstrap resamples for every confidence interval: one setting for analyze and simulate (src/stats/bootstrap.ts). */
export {BOOTSTRAP_RESAMPLES} from '../stats/bootstrap.js'

export interface SimulateHooks {
  /** Called after each simulation run (one replication of one kernel path). */
  onRun?: (done: number, total: number) => void
  /**
   * Threads that run replications, this one included (1 or absent: this thread alone). The
   * result does not depend on it (src/app/simulate-runs.ts).
   */
  jobs?: number
}

/**
 * The simulate use case: resolve the model(s), run `replications` seeded runs per kernel path,
 * pool them and compute the documented result. Replication i of either path uses
 * replicationSeed(seed, i), so with --kernel both the two paths see the same random inputs
 * (common random numbers), which makes their speedup less noisy than independent seeds would.
 */
export async function simulate(req: SimulateRequest, hooks: SimulateHooks = {}): Promise<SimulateResult> {
  const paths: KernelPath[] = req.kernel === 'both' ? ['legacy', 'otn'] : [req.kernel]
  const total = paths.length * req.replications
  // This thread runs replications too, so --jobs N starts N − 1 workers, never more than there
  // are other runs; they start before the models load, so their start-up overlaps with it.
  const workers = Math.min((hooks.jobs ?? 1) - 1, total - 1)
  const pool = workers > 0 ? startRunPool(workers) : undefined
  try {
    const models = await resolveModels(req, paths)
    const tasks: RunTask[] = paths.flatMap((path) => {
      const loaded = models[path]!
      const scenario = buildScenario(req, path, loaded)
      return Array.from({length: req.replications}, (_, i) => ({model: loaded.model, scenario, seed: replicationSeed(req.seed, i)}))
    })
    let done = 0
    const outputs = await runTasks(tasks, pool, () => hooks.onRun?.(++done, total))
    const results: Partial<Record<KernelPath, KernelSimulationResult>> = {}
    paths.forEach((path, p) => {
      results[path] = kernelResult(req, path, models[path]!, outputs.slice(p * req.replications, (p + 1) * req.replications))
    })
    if (req.kernel !== 'both') return results[req.kernel]!
    const legacy = results.legacy!
    const otn = results.otn!
    const both: BothKernelsResult = {
      legacy,
      otn,
      speedup: {p50: ratio(legacy.containerStartMs.p50, otn.containerStartMs.p50), p99: ratio(legacy.containerStartMs.p99, otn.containerStartMs.p99)},
    }
    return both
  } finally {
    await pool?.close()
  }
}

function ratio(a: number, b: number): number | null {
  const r = speedup(a, b)
  return r === null ? null : roundTo(r, 3)
}

async function resolveModels(req: SimulateRequest, paths: KernelPath[]): Promise<Partial<Record<KernelPath, LoadedModel>>> {
  let shipped: LoadedModel[] | undefined
  const out: Partial<Record<KernelPath, LoadedModel>> = {}
  for (const path of paths) {
    const explicit = path === 'legacy' ? req.modelPath : req.otnModelPath
    const loaded = explicit !== undefined ? await loadModelFile(explicit) : defaultModelFor((shipped ??= await loadShippedModels()), path)
    if (path === 'otn' && !loaded.model.kernel.openTreeNamespace && loaded.model.path !== 'otn') {
      throw new InputError(
        `${loaded.source} describes Linux ${loaded.model.kernel.release} without OPEN_TREE_NAMESPACE, so it cannot run the otn path`,
        'pass a model measured on Linux >= 7.0 (or one whose path is otn) with --otn-model FILE',
      )
    }
    out[path] = loaded
  }
  return out
}

/** Flags → the simulator's scenario. How pod shape becomes mounts is documented in docs/model.md. */
export function buildScenario(req: SimulateRequest, path: KernelPath, loaded: LoadedModel): Scenario {
  // Each secret/projected volume is bind-mounted into every container by the runtime.
  const runtimeMounts = req.runtimeMounts + (req.pod ? req.volumesPerPod : 0)
  return {
    path,
    workload: toWorkload(req),
    cores: req.cores,
    systemThreads: req.systemThreads,
    hostMounts: req.hostMounts,
    pod: {
      containers: req.pod ? req.containersPerPod : 1,
      initContainers: req.pod ? req.initContainers : 0,
      rootfsMounts: req.rootfsMounts,
      runtimeMounts,
      hostMountsPerPod: req.hostMountsPerPod ?? derivedHostMountsPerPod(req),
      containerMounts: req.rootfsMounts + runtimeMounts,
      podOverhead: req.podOverheadNs === null ? null : fixedFromFlag('--pod-overhead', req.podOverheadNs),
      runtimeOnly: !req.pod,
    },
    readers: {count: req.mountinfoReaders, intervalNs: req.mountinfoIntervalNs},
    runtimeOverhead: req.runtimeOverhead === 'model' ? loaded.model.costs.forkExecOverhead : fixedFromFlag('--runtime-overhead', req.runtimeOverhead),
    // A closed loop is a runtime benchmark: each container exits and its namespace is torn down
    // (put_mnt_ns → umount_tree) before the worker starts the next one.
    teardown: req.workload.kind === 'closed',
    legacyFallbackFraction: path === 'otn' ? req.legacyFallback : 0,
    ...(req.sectionsKeepCore === true ? {sectionsKeepCore: true} : {}),
  }
}

function toWorkload(req: SimulateRequest): Workload {
  const w = req.workload
  if (w.kind === 'burst') return {kind: 'burst', pods: w.pods}
  if (w.kind === 'poisson') return {kind: 'poisson', ratePerSec: w.ratePerSec, durationNs: w.durationNs}
  return {kind: 'closed', concurrency: w.concurrency, starts: w.starts}
}

function fixedFromFlag(flag: string, ns: number): DurationDistribution {
  return {kind: 'fixed', ns, source: {command: `densityplan simulate ${flag}`, samples: 1, note: 'set by the user, not measured'}}
}

/** Pools replications into the documented per-kernel result (ms, rounded; see domain/simulation.ts). */
export function kernelResult(req: SimulateRequest, path: KernelPath, loaded: LoadedModel, outputs: RunOutput[]): KernelSimulationResult {
  const container = latencyMs(
    outputs.map((o) => o.containerStartNs),
    req.seed,
  )
  if (container === null) {
    throw new InputError('the simulated run started no containers', 'raise --rate or --duration (poisson), --pods (burst) or --starts (closed)')
  }
  const simulatedNs = outputs.reduce((s, o) => s + o.simulatedNs, 0)
  const events = outputs.reduce((s, o) => s + o.events, 0)
  const sum = (pick: (o: RunOutput) => number) => outputs.reduce((s, o) => s + pick(o), 0)
  const utilization = simulatedNs > 0 ? sum((o) => o.sem.utilization * o.simulatedNs) / simulatedNs : 0
  return {
    kernel: path,
    model: {id: loaded.model.id, sha256: loaded.sha256},
    seed: req.seed,
    scenario: scenarioEcho(req),
    containerStartMs: container,
    podStartMs: req.pod
      ? latencyMs(
          outputs.map((o) => o.podStartNs),
          req.seed,
        )
      : null,
    namespaceSem: {
      writeHoldMs: ms(sum((o) => o.sem.writeHoldNs)),
      readHoldMs: ms(sum((o) => o.sem.readHoldNs)),
      waitMs: ms(sum((o) => o.sem.waitNs)),
      utilization: roundTo(utilization, 4),
    },
    events,
    wallMs: ms(simulatedNs),
    eventsPerSecond: simulatedNs > 0 ? roundTo(events / (simulatedNs / 1e9), 1) : 0,
  }
}

function ms(ns: number): number {
  return roundTo(ns / 1e6, 3)
}

/** Summary + bootstrap CIs of the pooled samples; null when no replication produced any. */
function latencyMs(groupsNs: Float64Array[], seed: number): LatencyMs | null {
  const groups = groupsNs.filter((g) => g.length > 0)
  if (groups.length === 0) return null
  const pooled = new Float64Array(groups.reduce((n, g) => n + g.length, 0))
  let at = 0
  for (const g of groups) {
    pooled.set(g, at)
    at += g.length
  }
  const s = summarize(pooled)
  const [ci50, ci99] = bootstrapQuantileCis(groups, [0.5, 0.99], {resamples: BOOTSTRAP_RESAMPLES, seed: bootstrapSeed(seed)})
  return {
    p50: ms(s.p50),
    p90: ms(s.p90),
    p99: ms(s.p99),
    max: ms(s.max),
    mean: ms(s.mean),
    ci95: {p50: [ms(ci50![0]), ms(ci50![1])], p99: [ms(ci99![0]), ms(ci99![1])]},
  }
}

function scenarioEcho(req: SimulateRequest): ScenarioEcho {
  const w = req.workload
  const workload =
    w.kind === 'burst'
      ? {pods: w.pods}
      : w.kind === 'poisson'
        ? {ratePerSec: w.ratePerSec, durationMs: ms(w.durationNs)}
        : {concurrency: w.concurrency, starts: w.starts}
  return {
    workload: w.kind,
    ...workload,
    hostMounts: req.hostMounts,
    cores: req.cores,
    systemThreads: req.systemThreads,
    pod: req.pod,
    containersPerPod: req.containersPerPod,
    initContainers: req.initContainers,
    volumesPerPod: req.volumesPerPod,
    hostMountsPerPod: req.hostMountsPerPod ?? derivedHostMountsPerPod(req),
    rootfsMounts: req.rootfsMounts,
    runtimeMounts: req.runtimeMounts,
    runtimeOverhead: req.runtimeOverhead === 'model' ? 'model' : ms(req.runtimeOverhead),
    podOverheadMs: req.podOverheadNs === null ? null : ms(req.podOverheadNs),
    legacyFallback: req.legacyFallback,
    mountinfoReaders: req.mountinfoReaders,
    mountinfoIntervalMs: ms(req.mountinfoIntervalNs),
    teardown: req.workload.kind === 'closed',
    replications: req.replications,
    // Only when on, so the default output stays as it was.
    ...(req.sectionsKeepCore === true ? {sectionsKeepCore: true} : {}),
  }
}
