import type {Process, ProcessGenerator} from './engine.js'
import type {LockUser} from './lock-user.js'
import {validateScenario, type Scenario} from './scenario.js'
import type {SimNode} from './node.js'
import {buildNode, STREAM} from './build-node.js'
import {bareContainer, podLifecycle} from './paths/pod.js'
import {mountinfoReader} from './paths/readers.js'
import {systemdReader} from './paths/systemd-reader.js'
import type {KernelModel} from '../model/schema.js'
import {createPrng, type Prng} from '../lib/prng.js'
import {exponential, fixed, samplerFor, type Sampler} from '../model/distributions.js'

export {buildNode} from './build-node.js'

export interface RunOutput {
  /** One per container start: fork → runtime exit (as `crun run /bin/true` measures). */
  containerStartNs: Float64Array
  /** One per pod: creation → all containers started (empty when runtimeOnly). */
  podStartNs: Float64Array
  /** Per container start: time spent waiting for namespace_sem. */
  lockWaitNs: Float64Array
  /** Per container start: time holding namespace_sem. */
  lockHoldNs: Float64Array
  /**
   * namespace_sem over the run: time write-held; time read-held by at least one reader; wait
   * summed over every acquisition (containers, host mounters and readers); (write + read hold) /
   * simulatedNs; acquisitions; time writers spent spinning (a core burnt each).
   */
  sem: {writeHoldNs: number; readHoldNs: number; waitNs: number; utilization: number; acquisitions: number; spinNs: number}
  hostMountsMax: number
  events: number
  /** Distinct simulated instants at which those events happened (engine.ts instantsProcessed); null unless counted (RunOptions). */
  instants: number | null
  simulatedNs: number
  /** Starts per path actually taken (OTN scenarios may fall back to legacy). */
  containerStarts: {legacy: number; otn: number}
  /** Core-busy fraction over the run. */
  cpuUtilization: number
  /** RCU grace periods run (callers share them). */
  rcuGracePeriods: number
}

export interface RunOptions {
  /** Count distinct instants (RunOutput.instants; engine.ts EnvironmentOptions), for benchmarks. */
  countInstants?: boolean
}

/**
 * Simulates one scenario on one node with one seed. Pure and deterministic: the same model,
 * scenario and seed give the same output, bit for bit.
 */
export function runScenario(model: KernelModel, scenario: Scenario, seed: number, options: RunOptions = {}): RunOutput {
  validateScenario(scenario)
  const rng = createPrng(seed)
  const node = buildNode(model, scenario, rng, {countInstants: options.countInstants ?? false})
  const {env, sem, cpus, state, record} = node

  let stopped = false
  for (let i = 0; i < scenario.readers.count; i++) {
    const user: LockUser = {name: `reader${i}`, waitNs: 0, holdNs: 0}
    env.process(mountinfoReader(node, user, scenario.readers.intervalNs, rng.fork(STREAM.readers).fork(i), () => stopped))
  }
  if (scenario.systemdReader) {
    env.process(systemdReader(node, {name: 'systemd', waitNs: 0, holdNs: 0}, scenario.systemdReader, () => stopped))
  }
  const done = env.process(workload(node, scenario, rng))
  // Readers run forever; the run ends when the workload does.
  const finished = env.runUntilProcessed(done)
  stopped = true
  if (!finished) throw new Error('runScenario: the workload deadlocked (no events left before it finished)')

  const simulatedNs = env.now
  const s = sem.stats()
  return {
    containerStartNs: record.containerStartNs.toFloat64Array(),
    podStartNs: record.podStartNs.toFloat64Array(),
    lockWaitNs: record.lockWaitNs.toFloat64Array(),
    lockHoldNs: record.lockHoldNs.toFloat64Array(),
    sem: {writeHoldNs: s.writeHoldNs, readHoldNs: s.readHoldNs, waitNs: s.waitNs, utilization: s.utilization, acquisitions: s.acquisitions, spinNs: s.spinNs},
    hostMountsMax: state.hostMountsMax,
    events: env.eventsProcessed,
    instants: env.instantsProcessed,
    simulatedNs,
    containerStarts: {...record.containerStarts},
    cpuUtilization: simulatedNs > 0 ? cpus.busyNs() / (scenario.cores * simulatedNs) : 0,
    rcuGracePeriods: node.rcu.gracePeriods,
  }
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
