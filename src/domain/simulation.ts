/**
 * The `densityplan simulate` result, exactly the names docs/simulate.md promises to scripts
 * ("Output"). All times are milliseconds rounded to 3 decimals (1 µs);
 * ratios to 4 (utilisation) or 3 (speedup) decimals, so the same run prints the same bytes.
 */

/** Which start path(s) to simulate: legacy CLONE_NEWNS, OPEN_TREE_NAMESPACE, or both side by side. */
export type KernelChoice = 'legacy' | 'otn' | 'both'
export type WorkloadKind = 'burst' | 'poisson' | 'closed'

/** A closed interval [low, high]. */
export type IntervalMs = [number, number]

export interface LatencyMs {
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
  /** 95 % percentile-bootstrap intervals across replications (docs/model.md, "Statistics"). */
  ci95: {p50: IntervalMs; p99: IntervalMs}
}

export interface NamespaceSemMs {
  /** Total time namespace_sem was held for write, summed over replications. */
  writeHoldMs: number
  /** Total time it was held by at least one reader, summed over replications. */
  readHoldMs: number
  /**
   * Total time from each acquisition attempt to ownership, summed over replications. It includes
   * waiting for a CPU to make the attempt on, so on a CPU-saturated node it exceeds pure lock waiting.
   */
  waitMs: number
  /** Fraction of simulated time it was held (read or write), weighted by each replication's length. */
  utilization: number
}

/** The scenario as simulated, echoed so a result file says what it is a result of. */
export interface ScenarioEcho {
  workload: WorkloadKind
  pods?: number
  ratePerSec?: number
  durationMs?: number
  concurrency?: number
  starts?: number
  hostMounts: number
  cores: number
  systemThreads: number
  /** False with --no-pod: bare runtime starts, no sandbox, no host-side pod mounts. */
  pod: boolean
  containersPerPod: number
  initContainers: number
  volumesPerPod: number
  hostMountsPerPod: number
  rootfsMounts: number
  runtimeMounts: number
  /** 'model' (the model's forkExecOverhead) or a fixed duration in ms. */
  runtimeOverhead: 'model' | number
  /** Fixed non-kernel pod-start time in ms (kubelet, CNI, shim), or null when not modelled. */
  podOverheadMs: number | null
  /** Fraction of OTN-path containers started the legacy way (crun falls back for OCI hooks, user namespaces). */
  legacyFallback: number
  mountinfoReaders: number
  mountinfoIntervalMs: number
  /** Containers exit and their namespaces are torn down (put_mnt_ns) after starting. */
  teardown: boolean
  replications: number
  /** Present (true) only with --sections-keep-core: tasks kept their core between back-to-back lock sections (an opt-in approximation). */
  sectionsKeepCore?: true
}

export interface KernelSimulationResult {
  kernel: 'legacy' | 'otn'
  model: {id: string; sha256: string}
  seed: number
  scenario: ScenarioEcho
  /** One OCI runtime container start (fork to runtime exit), pooled over replications. */
  containerStartMs: LatencyMs
  /** The pod-start SLI (creation to all containers started); null with --no-pod. */
  podStartMs: LatencyMs | null
  namespaceSem: NamespaceSemMs
  /** Simulated events, summed over replications. */
  events: number
  /** Simulated (not real) wall time of all replications, so the result is deterministic. */
  wallMs: number
  /** events per simulated second (events / wallMs · 1000). */
  eventsPerSecond: number
}

export interface BothKernelsResult {
  legacy: KernelSimulationResult
  otn: KernelSimulationResult
  /** legacy / otn container start time at p50 and p99 (2 = OTN twice as fast); null if OTN took 0. */
  speedup: {p50: number | null; p99: number | null}
}

export type SimulateResult = KernelSimulationResult | BothKernelsResult

export function isBothKernels(result: SimulateResult): result is BothKernelsResult {
  return 'speedup' in result
}
