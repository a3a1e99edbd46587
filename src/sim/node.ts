import type {Environment, Ns, SimEvent} from './engine.js'
import type {Cpus} from './cpus.js'
import type {LockUser} from './lock-user.js'
import type {RwSemaphore} from './rwsem.js'
import type {RcuGracePeriods} from './rcu.js'
import type {RcuSync} from './rcu-sync.js'
import type {FifoResource} from './resource.js'
import type {KernelCosts, LinearCost} from '../model/schema.js'
import {costAtNs} from '../model/linear-cost.js'
import type {Sampler} from '../model/distributions.js'
import type {Prng} from '../lib/prng.js'
import type {KernelPath} from '../domain/analysis.js'
import type {PodShape} from './scenario.js'
import type {Signal} from './signal.js'
import type {Samples} from './samples.js'

/**
 * Everything the process scripts share on one simulated node: the engine, the cores, the global
 * locks and the mutable kernel state they read (mount table size, in-flight slave copies,
 * threads). One per simulation run; nothing global.
 */
export interface SimNode {
  readonly env: Environment
  readonly cpus: Cpus
  readonly sem: RwSemaphore
  readonly rcu: RcuGracePeriods
  /** The cgroup2 mount's rcu_sync (costs.cgroupSync); null when the model has none. */
  readonly cgroupSync: RcuSync | null
  /** The nullfs root inode lock OPEN_TREE_NAMESPACE takes before namespace_sem (ns.c). */
  readonly nullfsRootLock: FifoResource
  readonly costs: KernelCosts
  readonly pod: PodShape
  readonly forkExecOverhead: Sampler
  /** Share of that overhead spent on a core. */
  readonly forkExecCpuFraction: number
  /** At most this much of one overhead sample runs on a core (costs.forkExecCpu); the rest is asleep. */
  readonly forkExecCpuCapNs: number
  readonly rng: Prng
  readonly state: NodeState
  readonly record: Recorder
  /** Which start path the next container takes (OTN scenarios may fall back to legacy). */
  readonly choosePath: () => KernelPath
  /** Notified after every host mount or unmount (what systemd polls /proc/self/mountinfo for). */
  readonly hostMountChanged: Signal
}

export interface NodeState {
  /** M: mounts in the host (init) mount namespace right now. */
  hostMounts: number
  hostMountsMax: number
  /** Net host mounts added since t=0: a slave copy made earlier has grown by the change since. */
  hostMountsNetAdded: number
  /** Legacy starts between copy_mnt_ns and the old-root umount: each receives every host mount change. */
  inFlightCopies: number
  /** T base: threads on the system before the workload. */
  systemThreads: number
  /** Started, not yet exited containers (one thread each, walked by pivot_root). */
  liveContainers: number
}

/** What one run records per container start and per pod. */
export interface Recorder {
  containerStartNs: Samples
  lockWaitNs: Samples
  lockHoldNs: Samples
  podStartNs: Samples
  containerStarts: {legacy: number; otn: number}
}

/** A container start, as the rwsem sees it: accumulates its own wait and hold. */
export interface ContainerTask extends LockUser {
  readonly startedNs: Ns
}

export function newTask(name: string, startedNs: Ns): ContainerTask {
  return {name, startedNs, waitNs: 0, holdNs: 0, heldSinceNs: -1}
}

/** The OCI runtime's non-mount work (fork/exec, config, cgroups): on a core, then asleep. Yield it. */
export function runtimeOverhead(node: SimNode): SimEvent<unknown> {
  const ns = node.forkExecOverhead()
  const onCpuNs = Math.min(node.forkExecCpuFraction === 1 ? ns : Math.round(ns * node.forkExecCpuFraction), node.forkExecCpuCapNs)
  const asleepNs = ns > onCpuNs ? ns - onCpuNs : 0
  if (onCpuNs > 0) return node.cpus.run(onCpuNs, asleepNs)
  return asleepNs > 0 ? node.env.timeout(asleepNs) : node.env.processedEvent()
}

/** The runtime has exited and the container runs: one more thread for pivot_root to walk. */
export function containerLive(node: SimNode, task: ContainerTask): ContainerTask {
  node.state.liveContainers++
  return task
}

/** What a linear cost charges at x (the line, or its measured shape: src/model/linear-cost.ts), rounded to whole ns. */
export function linear(cost: LinearCost, x: number): Ns {
  return Math.round(cost.shape ? costAtNs(cost, x) : cost.fixedNs + cost.perUnitNs * x)
}

/** T for pivot_root: threads on the system right now. */
export function threadsNow(state: NodeState): number {
  return state.systemThreads + state.liveContainers
}

/** Applies a host mount (+1) or unmount (-1) to the table size. */
export function changeHostMounts(state: NodeState, delta: number): void {
  state.hostMounts += delta
  state.hostMountsNetAdded += delta
  if (state.hostMounts > state.hostMountsMax) state.hostMountsMax = state.hostMounts
}
