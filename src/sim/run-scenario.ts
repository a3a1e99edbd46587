import {Environment, type Process, type ProcessGenerator} from './engine.js'
import {Cpus} from './cpus.js'
import {RwSemaphore, type LockUser} from './rwsem.js'
import {RcuGracePeriods} from './rcu.js'
import {FifoResource} from './resource.js'
import {validateScenario, type Scenario} from './scenario.js'
import type {NodeState, Recorder, SimNode, StartPath} from './node.js'
import {bareContainer, podLifecycle} from './paths/pod.js'
import {mountinfoReader} from './paths/readers.js'
import {rwsemHandoffNs, type KernelModel} from '../model/schema.js'
import {createPrng, type Prng} from '../lib/prng.js'
import {exponential, fixed, samplerFor, type Sampler} from '../lib/distributions.js'

export interface RunOutput {
  /** One per container start: fork → runtime exit (as `crun run /bin/true` measures). */
  containerStartNs: Float64Array
  /** One per pod: creation → all containers started (empty when runtimeOnly). */
  podStartNs: Float64Array
  /** Per container start: time spent waiting for namespace_sem. */
  lockWaitNs: Float64Array
  /** Per container start: time holding namespace_sem. */
  lockHoldNs: Float64Array
  sem: {writeHoldNs: number; readHoldNs: number; waitNs: number; utilization: number; acquisitions: number; spinNs: number}
  hostMountsMax: number
  events: number
  simulatedNs: number
  /** Starts per path actually taken (OTN scenarios may fall back to legacy). */
  containerStarts: {legacy: number; otn: number}
  /** Core-busy fraction over the run. */
  cpuUtilization: number
  /** RCU grace periods run (callers share them). */
  rcuGracePeriods: number
}

/** Independent random streams, so e.g. adding readers does not change the wake-up latencies drawn. */
export const STREAM = {forkExec: 1, wake: 2, rcu: 3, podOverhead: 4, arrivals: 5, readers: 6, fallback: 7, lifetime: 8} as const

/**
 * Simulates one scenario on one node with one seed. Pure and deterministic: the same model,
 * scenario and seed give the same output, bit for bit.
 */
export function runScenario(model: KernelModel, scenario: Scenario, seed: number): RunOutput {
  validateScenario(scenario)
  const rng = createPrng(seed)
  const node = buildNode(model, scenario, rng)
  const {env, sem, cpus, state, record} = node

  let stopped = false
  for (let i = 0; i < scenario.readers.count; i++) {
    const user: LockUser = {name: `reader${i}`, waitNs: 0, holdNs: 0}
    env.process(mountinfoReader(node, user, scenario.readers.intervalNs, rng.fork(STREAM.readers).fork(i), () => stopped))
  }
  const done = env.process(workload(node, scenario, rng))
  // Readers run forever; the run ends when the workload does.
  while (!done.processed && env.peek() !== Infinity) env.step()
  stopped = true
  if (!done.processed) throw new Error('runScenario: the workload deadlocked (no events left before it finished)')

  const simulatedNs = env.now
  const s = sem.stats()
  return {
    containerStartNs: Float64Array.from(record.containerStartNs),
    podStartNs: Float64Array.from(record.podStartNs),
    lockWaitNs: Float64Array.from(record.lockWaitNs),
    lockHoldNs: Float64Array.from(record.lockHoldNs),
    sem: {writeHoldNs: s.writeHoldNs, readHoldNs: s.readHoldNs, waitNs: s.waitNs, utilization: s.utilization, acquisitions: s.acquisitions, spinNs: s.spinNs},
    hostMountsMax: state.hostMountsMax,
    events: env.eventsProcessed,
    simulatedNs,
    containerStarts: {...record.containerStarts},
    cpuUtilization: simulatedNs > 0 ? cpus.busyNs() / (scenario.cores * simulatedNs) : 0,
    rcuGracePeriods: node.rcu.gracePeriods,
  }
}

/**
 * Builds the simulated node for a scenario: engine, cores, namespace_sem, RCU, the nullfs root
 * lock and the kernel state, with one independent random stream per source of randomness.
 * Exported so tests can drive the process scripts on a real node.
 */
export function buildNode(model: KernelModel, scenario: Scenario, rng: Prng): SimNode {
  const env = new Environment()
  const cpus = new Cpus(env, scenario.cores)
  const sem = new RwSemaphore(env, cpus, {
    handoffNs: rwsemHandoffNs(model.kernel.hz),
    wakeLatency: samplerFor(model.costs.wakeLatency, rng.fork(STREAM.wake)),
  })
  const state: NodeState = {
    hostMounts: scenario.hostMounts,
    hostMountsMax: scenario.hostMounts,
    hostMountsNetAdded: 0,
    inFlightCopies: 0,
    systemThreads: scenario.systemThreads,
    liveContainers: 0,
  }
  const record: Recorder = {containerStartNs: [], lockWaitNs: [], lockHoldNs: [], podStartNs: [], containerStarts: {legacy: 0, otn: 0}}
  const node: SimNode = {
    env,
    cpus,
    sem,
    rcu: new RcuGracePeriods(env, samplerFor(model.costs.rcuGp, rng.fork(STREAM.rcu))),
    nullfsRootLock: new FifoResource(env, 1),
    costs: model.costs,
    pod: scenario.pod,
    forkExecOverhead: samplerFor(scenario.runtimeOverhead ?? model.costs.forkExecOverhead, rng.fork(STREAM.forkExec)),
    forkExecCpuFraction: scenario.runtimeOverheadCpuFraction ?? 1,
    rng,
    state,
    record,
    choosePath: pathChooser(scenario, rng.fork(STREAM.fallback)),
  }

  return node
}

function pathChooser(scenario: Scenario, rng: Prng): () => StartPath {
  if (scenario.path === 'legacy') return () => 'legacy'
  const fallback = scenario.legacyFallbackFraction ?? 0
  if (fallback === 0) return () => 'otn'
  return () => (rng.nextFloat() < fallback ? 'legacy' : 'otn')
}

function* workload(node: SimNode, scenario: Scenario, rng: Prng): ProcessGenerator {
  const {env} = node
  const {pod, workload: w} = scenario
  const overhead: Sampler | null = pod.podOverhead === null ? null : samplerFor(pod.podOverhead, rng.fork(STREAM.podOverhead))
  // Pods (or bare containers) exit after their lifetime only when the scenario tears down.
  const lifetime: Sampler | null = !scenario.teardown ? null : scenario.podLifetime ? samplerFor(scenario.podLifetime, rng.fork(STREAM.lifetime)) : fixed(0)
  const spawn = (id: number): Process<void> =>
    env.process(pod.runtimeOnly ? bareContainer(node, `c${id}`, false, lifetime) : podLifecycle(node, id, overhead, lifetime))

  const running: Process<void>[] = []
  switch (w.kind) {
    case 'burst':
      for (let i = 0; i < w.pods; i++) running.push(spawn(i))
      break
    case 'poisson': {
      const gap = exponential(1e9 / w.ratePerSec, rng.fork(STREAM.arrivals))
      let id = 0
      for (let t = gap(); t < w.durationNs; t += gap()) {
        if (t > env.now) yield env.timeout(t - env.now)
        running.push(spawn(id++))
      }
      break
    }
    case 'closed': {
      let next = 0
      const worker = function* (): ProcessGenerator {
        while (next < w.starts) {
          const id = next++
          if (pod.runtimeOnly) yield* bareContainer(node, `c${id}`, scenario.teardown, null)
          else yield* podLifecycle(node, id, overhead, scenario.teardown ? fixed(0) : null)
        }
      }
      for (let i = 0; i < Math.min(w.concurrency, w.starts); i++) running.push(env.process(worker()))
      break
    }
  }
  for (const p of running) yield p
}
