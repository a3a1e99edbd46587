import {Environment, type EnvironmentOptions} from './engine.js'
import {Cpus} from './cpus.js'
import {RwSemaphore} from './rwsem.js'
import {RcuGracePeriods} from './rcu.js'
import {RcuSync, type AfterDetach} from './rcu-sync.js'
import {FifoResource} from './resource.js'
import {Signal} from './signal.js'
import {Samples} from './samples.js'
import type {Scenario} from './scenario.js'
import type {NodeState, Recorder, SimNode} from './node.js'
import type {KernelPath} from '../domain/analysis.js'
import type {CgroupSync, KernelModel} from '../model/schema.js'
import {rwsemHandoffNs} from '../model/kernel-constants.js'
import type {Prng} from '../lib/prng.js'
import {fixed, piecewiseCdf, samplerFor, type Sampler} from '../model/distributions.js'

/** Independent random streams, so e.g. adding readers does not change the wake-up latencies drawn. */
export const STREAM = {
  forkExec: 1,
  wake: 2,
  rcu: 3,
  podOverhead: 4,
  arrivals: 5,
  readers: 6,
  fallback: 7,
  lifetime: 8,
  cgroupSync: 9,
  cgroupSyncWindow: 10,
  cgroupSyncAfterDetach: 11,
} as const

/**
 * Builds the simulated node for a scenario: engine, cores, namespace_sem, RCU, the nullfs root
 * lock and the kernel state, with one independent random stream per source of randomness.
 * Exported so tests can drive the process scripts on a real node.
 */
export function buildNode(model: KernelModel, scenario: Scenario, rng: Prng, envOptions: EnvironmentOptions = {}): SimNode {
  const env = new Environment(0, envOptions)
  // Long runtime bursts are preempted at every scheduler tick (1/CONFIG_HZ) when another task
  // waits for a core, so concurrent starts share the cores instead of queueing behind whole bursts.
  const cpus = new Cpus(env, scenario.cores, model.costs.cpuContention?.points, Math.round(1e9 / model.kernel.hz))
  const sem = new RwSemaphore(env, cpus, {
    handoffNs: rwsemHandoffNs(model.kernel.hz),
    wakeLatency: samplerFor(model.costs.wakeLatency, rng.fork(STREAM.wake)),
    keepCoreBetweenSections: scenario.sectionsKeepCore ?? false,
  })
  const cgroupSync = model.costs.cgroupSync
  const state: NodeState = {
    hostMounts: scenario.hostMounts,
    hostMountsMax: scenario.hostMounts,
    hostMountsNetAdded: 0,
    inFlightCopies: 0,
    systemThreads: scenario.systemThreads,
    liveContainers: 0,
  }
  const record: Recorder = {
    containerStartNs: new Samples(),
    lockWaitNs: new Samples(),
    lockHoldNs: new Samples(),
    podStartNs: new Samples(),
    containerStarts: {legacy: 0, otn: 0},
  }
  const node: SimNode = {
    env,
    cpus,
    sem,
    rcu: new RcuGracePeriods(env, samplerFor(model.costs.rcuGp, rng.fork(STREAM.rcu))),
    cgroupSync: cgroupSync
      ? new RcuSync(env, cgroupSyncWindow(cgroupSync, rng), samplerFor(cgroupSync.gp, rng.fork(STREAM.cgroupSync)), afterDetach(cgroupSync, cpus, rng))
      : null,
    nullfsRootLock: new FifoResource(env, 1),
    costs: model.costs,
    pod: scenario.pod,
    forkExecOverhead: samplerFor(scenario.runtimeOverhead ?? model.costs.forkExecOverhead, rng.fork(STREAM.forkExec)),
    forkExecCpuFraction: scenario.runtimeOverheadCpuFraction ?? 1,
    // The cap describes the model's own overhead samples, not an overhead the scenario brings.
    forkExecCpuCapNs: scenario.runtimeOverhead === null ? (model.costs.forkExecCpu?.ns ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY,
    rng,
    state,
    record,
    choosePath: pathChooser(scenario, rng.fork(STREAM.fallback)),
    hostMountChanged: new Signal(env),
  }

  return node
}

/** How long the rcu_sync stays entered after an exit: a draw from windowCdf when the model has it, else windowNs. */
function cgroupSyncWindow(sync: CgroupSync, rng: Prng): Sampler {
  if (!sync.windowCdf) return fixed(sync.windowNs)
  return piecewiseCdf(
    sync.windowCdf.map((p) => ({x: p.gapNs, share: p.waitedShare})),
    rng.fork(STREAM.cgroupSyncWindow),
  )
}

function afterDetach(sync: CgroupSync, cpus: Cpus, rng: Prng): AfterDetach | null {
  const a = sync.afterDetach
  if (!a) return null
  const streams = rng.fork(STREAM.cgroupSyncAfterDetach)
  return {
    minMounts: a.minMounts,
    bands: a.bands.map((b, i) => ({untilNs: b.untilNs, gp: samplerFor(b.gp, streams.fork(i + 1))})),
    allCoresBusy: () => cpus.busy === cpus.count,
  }
}

function pathChooser(scenario: Scenario, rng: Prng): () => KernelPath {
  if (scenario.path === 'legacy') return () => 'legacy'
  const fallback = scenario.legacyFallbackFraction ?? 0
  if (fallback === 0) return () => 'otn'
  return () => (rng.nextFloat() < fallback ? 'legacy' : 'otn')
}
