import type {KernelPath} from '../domain/analysis.js'
import type {ContentionMode} from './contention.js'

/**
 * What the analysis asks of the simulator for one node class at one operating point, and what
 * it needs back. Kept independent of the engine's own Scenario type so the analysis logic can
 * be tested against a hand-computable stand-in; src/analyze/sim-adapter.ts maps it onto
 * src/sim's runScenario.
 */
export interface ClassRunSpec {
  path: KernelPath
  cores: number
  /** Host mount-table size when the burst starts. */
  hostMounts: number
  /** Pods already running on the node (not restarted by the burst). */
  podsRunning: number
  /** Pods created at once. */
  burstPods: number
  containersPerPod: number
  initContainersPerPod: number
  hostMountsPerPod: number
  runtimeMountsPerContainer: number
  /** Share of pods that take the legacy path even when `path` is otn (user namespaces, hooks). */
  legacyFallbackFraction: number
  /** Non-mount pod start time (kubelet, CNI, shim, image checks): lognormal median / p90. */
  overhead: {medianMs: number; p90Ms: number}
  /**
   * Multiplies the OTN model's open_tree(OPEN_TREE_NAMESPACE) cost (sensitivity panel: the
   * measured otn/otc ratio's range); absent = 1, the model as shipped.
   */
  otnCostScale?: number
  /** Which CPU-contention curve applies at this class's core count (src/analyze/contention.ts). */
  contention: ContentionMode
}

/** One replication's per-pod figures (all pods of the burst), milliseconds. */
export interface ClassRunSample {
  /** One per pod of the burst: creation → all containers started. */
  podStartMs: Float64Array
  /** One per container start (sandbox, init and app containers). */
  containerStartMs: Float64Array
  /** Per container start: time waiting for namespace_sem, and holding it. */
  lockWaitMs: Float64Array
  lockHoldMs: Float64Array
  /** namespace_sem busy time / makespan, 0..1. */
  lockUtilization: number
}

export type SimulateFn = (spec: ClassRunSpec, seed: number) => ClassRunSample

/** A simulation is a pure function of (spec, seed): this string names one, for memos and records. */
export function runKey(spec: ClassRunSpec, seed: number): string {
  return `${seed}|${JSON.stringify(spec)}`
}
