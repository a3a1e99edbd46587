import {z} from 'zod'

/**
 * The result of `densityplan analyze`: everything the report (HTML, JSON, CSV, Markdown) shows,
 * and the input of `densityplan report results.json`. The zod schema is the single source of
 * the type; `AnalysisResultSchema.parse` validates a saved file.
 *
 * Shape rules:
 * - Deterministic: same snapshot + seed + flags → byte-identical JSON. Nothing here comes from
 *   the wall clock; `generatedAt` is the snapshot's collection time.
 * - Mergeable (docs/architecture.md "Scale"): all simulation output lives in `classes[]`, one
 *   self-contained entry per node class. `pools[]`, `overall` and `thresholds.violations` are
 *   derived from `classes[]` plus the snapshot-level facts every shard carries, so
 *   `analyze --shard i/n` results merge by concatenating `classes` (ordered by id) and
 *   re-deriving the summaries — no re-simulation.
 * - Units are in the names: `Ms` milliseconds, `Ns` nanoseconds. Latencies shown to people are ms.
 */

const ms = z.number().finite().nonnegative()
/** A two-sided confidence interval [low, high]. */
const interval = z.tuple([z.number().finite(), z.number().finite()])

/** The two container-start paths: legacy CLONE_NEWNS, or open_tree(OPEN_TREE_NAMESPACE) on Linux >= 7.0 (docs/kernel-model.md). */
export const KernelPathSchema = z.enum(['legacy', 'otn'])
export type KernelPath = z.infer<typeof KernelPathSchema>

/** Pod-start latency summary over all replications, with bootstrap CIs of the quantiles. */
export const LatencySummarySchema = z.strictObject({
  p50Ms: ms,
  p90Ms: ms,
  p99Ms: ms,
  meanMs: ms,
  maxMs: ms,
  ci95: z.strictObject({p50Ms: interval, p90Ms: interval, p99Ms: interval}),
  /** Pod starts observed (pods × replications). */
  samples: z.number().int().nonnegative(),
})
export type LatencySummary = z.infer<typeof LatencySummarySchema>

/** Where a pod's start time goes, mean per pod: waiting for namespace_sem, holding it, everything else. */
export const BreakdownSchema = z.strictObject({lockWaitMs: ms, lockHoldMs: ms, otherMs: ms})
export type Breakdown = z.infer<typeof BreakdownSchema>

/** One point of the empirical CDF: quantile level q in [0,1] → pod start latency. */
export const CdfPointSchema = z.strictObject({q: z.number().min(0).max(1), ms})

/** Today's density with a realistic start burst. */
export const TodayResultSchema = z.strictObject({
  podsPerNode: z.number().int().nonnegative(),
  /** Pods started at once in the burst (see NodeClass.bursts for how it was chosen). */
  burstPods: z.number().int().positive(),
  /** Host mount-table size at this density (mounts in the host namespace). */
  hostMounts: z.number().int().nonnegative(),
  podStart: LatencySummarySchema,
  /** One OCI runtime container start (fork to runtime exit). */
  containerStart: LatencySummarySchema,
  breakdown: BreakdownSchema,
  /** Downsampled CDF of pod start latency (about 200 evenly spaced quantile levels, method in settings). */
  cdf: z.array(CdfPointSchema),
  /** namespace_sem utilisation over the burst (busy time / makespan), 0..1. */
  lockUtilization: z.number().min(0).max(1),
})

/** One point of the density sweep. */
export const SweepPointSchema = z.strictObject({
  podsPerNode: z.number().int().positive(),
  burstPods: z.number().int().positive(),
  hostMounts: z.number().int().nonnegative(),
  p50Ms: ms,
  p50Ci95: interval,
  p99Ms: ms,
  p99Ci95: interval,
})
export type SweepPoint = z.infer<typeof SweepPointSchema>

/** One cell of the burst-size × density grid. */
export const BurstCellSchema = z.strictObject({
  podsPerNode: z.number().int().positive(),
  burstPods: z.number().int().positive(),
  p99Ms: ms,
})

/** SLO solver output for one class and kernel path (src/stats/slo-solver.ts). */
export const SloSolutionSchema = z.strictObject({
  /** Highest pods/node whose simulated p99 pod start meets the SLO; 0 when none does. */
  maxPodsPerNode: z.number().int().nonnegative(),
  /** From the CI band of the p99 curve: [pods where the upper bound crosses, where the lower bound crosses]. */
  ci95: interval,
  /**
   * `crossing`: the p99 curve crosses the SLO inside the sweep (interpolated);
   * `beyond-sweep`: it meets the SLO at the largest swept density (a lower bound);
   * `never`: even the smallest swept density misses it.
   */
  status: z.enum(['crossing', 'beyond-sweep', 'never']),
})
export type SloSolution = z.infer<typeof SloSolutionSchema>

export const PathResultSchema = z.strictObject({
  path: KernelPathSchema,
  /**
   * Share of this class's pods whose containers would really take this path. For `otn` the rest
   * (user-namespaced or hooked pods) fall back to the legacy path inside the same simulation.
   */
  podsOnPathFraction: z.number().min(0).max(1),
  today: TodayResultSchema,
  sweep: z.array(SweepPointSchema),
  burstGrid: z.array(BurstCellSchema),
  slo: SloSolutionSchema,
})
export type PathResult = z.infer<typeof PathResultSchema>

/** Where the non-mount start overhead came from. */
export const OverheadSchema = z.strictObject({
  source: z.enum(['observed', 'default']),
  /** Median and p90 of the non-mount pod start time used in the simulation. */
  p50Ms: ms,
  p90Ms: ms,
  /** Observed pod starts it was fitted from (0 for the default). */
  samples: z.number().int().nonnegative(),
  note: z.string(),
})

export const BurstSizesSchema = z.strictObject({
  /** maxSurge of the largest Deployment on the class's nodes, per node. */
  rollingUpdate: z.number().int().positive(),
  /** Refilling a drained node: its pods today. */
  drainRefill: z.number().int().positive(),
  /** Largest Job wave seen (completions started together), per node. */
  jobWave: z.number().int().positive(),
  /** The burst simulated at today's density (the largest of the above unless overridden). */
  chosen: z.number().int().positive(),
  source: z.enum(['snapshot', 'override']),
})

export const CapacityLimitSchema = z.enum(['max-pods', 'cpu', 'memory', 'pod-ips'])
export type CapacityLimit = z.infer<typeof CapacityLimitSchema>

/** One non-kernel limit of pods per node (src/profile/capacity.ts). */
export const CapacityBoundSchema = z.strictObject({
  limit: CapacityLimitSchema,
  /** Pods per node this limit allows; null when it is no limit or unknown. */
  pods: z.number().int().nonnegative().nullable(),
  /** `limit`: it caps the pod count; `no-limit`: it cannot (no requests, a huge range); `unknown`: not in the snapshot. */
  status: z.enum(['limit', 'no-limit', 'unknown']),
  detail: z.string(),
})
export type CapacityBound = z.infer<typeof CapacityBoundSchema>

export const ClassCapacitySchema = z.strictObject({
  /** Mean effective request per running pod; null when the snapshot has no requests. */
  requestsPerPod: z.strictObject({cpuMilli: z.number().nonnegative(), memoryBytes: z.number().int().nonnegative()}).nullable(),
  podCIDR: z.string().nullable(),
  bounds: z.array(CapacityBoundSchema),
})
export type ClassCapacity = z.infer<typeof ClassCapacitySchema>

export const BindingLimitSchema = z.enum(['kernel-latency', 'max-pods', 'cpu', 'memory', 'pod-ips'])
export type BindingLimit = z.infer<typeof BindingLimitSchema>

/** Max pods/node on one kernel path: the smallest of the kernel-latency bound and the capacity bounds. */
export const DensityLimitSchema = z.strictObject({
  maxPodsPerNode: z.number().int().nonnegative(),
  binding: BindingLimitSchema,
  /** True only when the kernel-latency bound binds and is itself a lower bound (SLO held over the whole sweep). */
  lowerBound: z.boolean(),
  /** The kernel-latency bound alone, and whether it is a lower bound. */
  kernelBound: z.number().int().nonnegative(),
  kernelLowerBound: z.boolean(),
})
export type DensityLimit = z.infer<typeof DensityLimitSchema>

export const VariationGroupSchema = z.enum(['burst', 'slo', 'otn-cost', 'contention'])
export type VariationGroup = z.infer<typeof VariationGroupSchema>

/**
 * One sensitivity variation of a class (src/analyze/sensitivity.ts): a named change of the class's
 * analysis inputs (burst, SLO, OTN cost scale) and what it gives on both paths.
 */
export const ClassVariationSchema = z.strictObject({
  /** e.g. `burst/rolling-update`, `slo/minus-1s`, `otn-cost/high`. */
  id: z.string(),
  group: VariationGroupSchema,
  label: z.string(),
  /** Inside the range the model's own uncertainty spans (measured ranges), as opposed to a what-if. */
  plausible: z.boolean(),
  burstPods: z.number().int().positive(),
  sloMs: z.number().positive(),
  otnCostScale: z.number().positive(),
  /** The CPU-contention assumption the variation ran with (src/analyze/contention.ts). */
  contention: z.enum(['measured', 'none', 'scaled']),
  p99TodayMs: z.strictObject({legacy: ms, otn: ms}),
  density: z.strictObject({legacy: DensityLimitSchema, otn: DensityLimitSchema}),
})
export type ClassVariation = z.infer<typeof ClassVariationSchema>
const quantiles = z.strictObject({p50Ms: ms, p90Ms: ms, p99Ms: ms})

/**
 * Back-test (src/analyze/back-test.ts): the class's observed start latencies next to the
 * simulation of today (today's kernel path, density, mounts, burst) with the fitted non-kernel
 * time, both seen the way the data was recorded (histogram buckets or timestamp resolution).
 * The fit is by construction (fit-overhead.ts); the comparison uses replications the fit did not see.
 */
export const BackTestSchema = z.strictObject({
  source: z.enum(['kubelet-sli', 'pod-timestamps']),
  /** Whether the class's own starts were used, or its pool's (too few of its own). */
  scope: z.enum(['class', 'pool']),
  /** What the observed quantity includes (the SLI excludes image pulls and init containers; timestamps do not). */
  includes: z.string(),
  samples: z.number().int().nonnegative(),
  /** Timestamp resolution in ms (1000 for Kubernetes' whole-second timestamps), 0 for a histogram. */
  resolutionMs: z.number().nonnegative(),
  /** The kernel path the class's nodes take today, which the simulation of today uses. */
  todayPath: KernelPathSchema,
  observed: quantiles,
  simulated: quantiles,
  /** (simulated − observed) / observed per quantile. */
  errorPct: z.strictObject({p50: z.number().finite(), p90: z.number().finite(), p99: z.number().finite()}),
  /** Allowed |error| per quantile (share of observed), with an absolute floor in ms. */
  tolerance: z.strictObject({p50: z.number().nonnegative(), p90: z.number().nonnegative(), p99: z.number().nonnegative(), floorMs: z.number().nonnegative()}),
  withinTolerance: z.boolean(),
  misses: z.array(z.enum(['p50', 'p90', 'p99'])),
  fit: z.strictObject({
    iterations: z.number().int().nonnegative(),
    maxIterations: z.number().int().positive(),
    converged: z.boolean(),
    /** The non-kernel lognormal before the fit (the observed quantiles) and after it. */
    startP50Ms: ms,
    startP90Ms: ms,
  }),
  /** Cumulative fractions ≤ leMs, observed and simulated, at common bounds (the chart). */
  cdf: z.array(z.strictObject({leMs: ms, observed: z.number().min(0).max(1), simulated: z.number().min(0).max(1)})),
})
export type BackTest = z.infer<typeof BackTestSchema>

/** Which CPU-contention curve the class was simulated with (src/analyze/contention.ts). */
export const CpuContentionChoiceSchema = z.strictObject({
  mode: z.enum(['measured', 'none', 'scaled']),
  measuredCores: z.number().int().positive().nullable(),
  applied: z.boolean(),
  note: z.string(),
})

/**
 * Replications grow until every reported p99 (today and each sweep point, both paths) has a 95%
 * CI half-width ≤ targetHalfWidth × p99, up to maxReplications per point.
 */
export const PrecisionSchema = z.strictObject({
  targetHalfWidth: z.number().positive(),
  maxReplications: z.number().int().positive(),
  /** Points that reached the cap with a wider interval: the note the report prints. */
  atCap: z.array(
    z.strictObject({
      path: KernelPathSchema,
      podsPerNode: z.number().int().nonnegative(),
      replications: z.number().int().positive(),
      halfWidthPct: z.number().nonnegative(),
    }),
  ),
})

/** A group of nodes with the same pool, kernel, runtime path and near-identical mount profile. */
/**
 * The kernel model one class ran on, for one path (src/analyze/model-choice.ts): which file,
 * how well the machine it was measured on matches the class's nodes, and how much today's p99
 * moves when the model's coefficients sit at the low or high end of their calibration spread.
 */
export const ClassModelSchema = z.strictObject({
  id: z.string(),
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Match score (kernel major.minor 400, CPU 200, cores 100, tie-breakers below 100). */
  score: z.number().finite(),
  /** Where the model's machine differs from the class's nodes. Non-empty = an assumption the report flags. */
  mismatches: z.array(z.strictObject({field: z.enum(['kernel', 'cpu', 'cores']), model: z.string(), node: z.string()})),
  /** True when the model was measured on other hardware (mismatches non-empty): the flag the sensitivity panel reads. */
  otherHardware: z.boolean(),
  /** False when the class's CPU model is unknown (Node objects do not report it), so it was not compared. */
  cpuCompared: z.boolean(),
  /** Today's p99 pod start with every coefficient at the low / high end of its spread; absent when the model has no spread. */
  spread: z.strictObject({p99TodayMs: z.tuple([ms, ms]), widestCoefficient: z.string(), widestRelative: z.number().nonnegative()}).optional(),
})
export type ClassModel = z.infer<typeof ClassModelSchema>

export const NodeClassResultSchema = z.strictObject({
  /** Stable id derived from the profile (pool + hash); ordering key for merges. */
  id: z.string().min(1),
  pool: z.string(),
  nodeCount: z.number().int().positive(),
  /** Up to 10 member node names, sorted, for the report. */
  sampleNodes: z.array(z.string()),
  kernel: z.string(),
  osImage: z.string(),
  /** Container runtime as the Node reports it, e.g. `containerd://1.7.22`. */
  containerRuntime: z.string(),
  /** The OCI runtime, inferred or overridden, e.g. `runc`, `crun 1.29`. */
  ociRuntime: z.string(),
  /** Whether this node's kernel + OCI runtime can take the OTN path today. */
  otnCapableToday: z.boolean(),
  cores: z.number().int().positive(),
  /** Host mount-table size today (median over the class's nodes). */
  hostMountsToday: z.number().int().nonnegative(),
  /** Mounts per added pod (host side), used to extrapolate the mount table in the sweep. */
  hostMountsPerPod: z.number().nonnegative(),
  podsPerNodeToday: z.number().int().nonnegative(),
  /** The node's allocatable pod limit (kubelet maxPods). */
  maxPods: z.number().int().positive(),
  /** Pod shape mix: mean containers, init containers, host mounts and per-container runtime mounts per pod. */
  podShape: z.strictObject({
    containersPerPod: z.number().nonnegative(),
    initContainersPerPod: z.number().nonnegative(),
    hostMountsPerPod: z.number().nonnegative(),
    runtimeMountsPerContainer: z.number().nonnegative(),
    userNamespacePodFraction: z.number().min(0).max(1),
    hookedPodFraction: z.number().min(0).max(1),
  }),
  overhead: OverheadSchema,
  /** Null when the class (and its pool) has too few observed starts: not back-tested. */
  backTest: BackTestSchema.nullable(),
  cpuContention: CpuContentionChoiceSchema,
  precision: PrecisionSchema,
  /**
   * Where the OTN path's p50 or p99 at today's density exceeds the upper end of legacy's 95% CI:
   * which quantiles, and why in words a user can check against the breakdown. Empty / null when
   * OTN is no slower beyond the noise.
   */
  otnVsLegacy: z.strictObject({slower: z.array(z.enum(['p50', 'p99'])), note: z.string().nullable()}),
  bursts: BurstSizesSchema,
  results: z.strictObject({legacy: PathResultSchema, otn: PathResultSchema}),
  capacity: ClassCapacitySchema,
  /** Capacity-aware max pods/node per path (kernel-latency bound capped by the capacity bounds). */
  density: z.strictObject({legacy: DensityLimitSchema, otn: DensityLimitSchema}),
  /** The sensitivity panel's variations for this class. */
  sensitivity: z.array(ClassVariationSchema),
  /** OTN vs legacy at today's density: p99 change (negative = faster) and pods/node gain under the SLO. */
  delta: z.strictObject({p99TodayMs: z.number().finite(), p99Speedup: z.number().nonnegative(), podsPerNodeGain: z.number().int()}),
  /** The model each path ran on (absent in results written before per-class models). */
  model: z.strictObject({legacy: ClassModelSchema, otn: ClassModelSchema}).optional(),
})
export type NodeClassResult = z.infer<typeof NodeClassResultSchema>

export const BlockerKindSchema = z.enum(['kernel', 'oci-runtime', 'containerd-default', 'user-namespaces', 'hooks'])

/** One thing that keeps (some of) a pool's pods off the OTN path today. */
export const BlockerSchema = z.strictObject({
  kind: BlockerKindSchema,
  affectedNodes: z.number().int().nonnegative(),
  affectedPods: z.number().int().nonnegative(),
  detail: z.string(),
  fix: z.string(),
})
export type Blocker = z.infer<typeof BlockerSchema>

/** `uncertain`: a class of the pool fails its back-test, so no prediction of it is trusted. */
export const VerdictSchema = z.enum(['upgrade', 'upgrade-with-caveats', 'uncertain', 'no-gain'])
export type Verdict = z.infer<typeof VerdictSchema>

export const RecommendationSchema = z.strictObject({
  verdict: VerdictSchema,
  headline: z.string(),
  reasons: z.array(z.string()),
  numbers: z.strictObject({
    p99TodayLegacyMs: ms,
    p99TodayOtnMs: ms,
    maxPodsPerNodeLegacy: z.number().int().nonnegative(),
    maxPodsPerNodeOtn: z.number().int().nonnegative(),
    podsPerNodeGain: z.number().int(),
    /**
     * True where the SLO still held at the largest swept density, so the max pods/node is a
     * lower bound (status `beyond-sweep`); a gain between two lower bounds is not a measured gain.
     */
    maxPodsLowerBound: z.strictObject({legacy: z.boolean(), otn: z.boolean()}),
    /** Which limit sets max pods/node on each path (the pool's most constrained class). */
    bindingLimit: z.strictObject({legacy: BindingLimitSchema, otn: BindingLimitSchema}),
    /** Share of pods that would take the OTN path after the upgrade. */
    otnPodFraction: z.number().min(0).max(1),
  }),
  /** The burst the verdict assumes, in words (e.g. "a full refill: 46 pods start at once"). */
  assumes: z.string(),
  /** Plausible variations (sensitivity panel) that flip the verdict, in words; empty when none does. */
  changesIf: z.array(z.string()),
})
export type Recommendation = z.infer<typeof RecommendationSchema>

/** The same variation at pool level: the verdict it gives and the pool's figures under it. */
export const PoolVariationSchema = z.strictObject({
  id: z.string(),
  group: VariationGroupSchema,
  label: z.string(),
  plausible: z.boolean(),
  verdict: VerdictSchema,
  p99TodayMs: z.strictObject({legacy: ms, otn: ms}),
  density: z.strictObject({legacy: DensityLimitSchema, otn: DensityLimitSchema}),
  /** True when this variation gives another verdict than the pool's. */
  flipsVerdict: z.boolean(),
})
export type PoolVariation = z.infer<typeof PoolVariationSchema>

export const PoolResultSchema = z.strictObject({
  name: z.string(),
  nodeCount: z.number().int().nonnegative(),
  /** Running pods: each class's pods/node today × its nodes (finished Job pods excluded). */
  podCount: z.number().int().nonnegative(),
  classIds: z.array(z.string()),
  kernels: z.array(z.strictObject({release: z.string(), nodes: z.number().int().positive()})),
  containerRuntimes: z.array(z.strictObject({name: z.string(), nodes: z.number().int().positive()})),
  /** OS images in the pool and whether their kernel is ≥ 7.0 (OTN-capable). */
  osImages: z.array(z.strictObject({image: z.string(), kernel: z.string(), nodes: z.number().int().positive(), kernelOtnCapable: z.boolean()})),
  podsPerNodeToday: z.number().int().nonnegative(),
  maxPods: z.number().int().positive(),
  hostMountsToday: z.number().int().nonnegative(),
  readiness: z.strictObject({
    /** Nodes whose kernel and OCI runtime take the OTN path today. */
    otnCapableNodes: z.number().int().nonnegative(),
    /** Pods that would take OTN once every node is upgraded (no user namespace, no hooks). */
    otnEligiblePodFraction: z.number().min(0).max(1),
    blockers: z.array(BlockerSchema),
  }),
  /** Pool-level SLO capacity per path: the most constrained class binds. */
  slo: z.strictObject({legacy: SloSolutionSchema, otn: SloSolutionSchema}),
  recommendation: RecommendationSchema,
  /** The sensitivity panel: the verdict and figures under each variation. */
  sensitivity: z.array(PoolVariationSchema),
})
export type PoolResult = z.infer<typeof PoolResultSchema>

export const ModelProvenanceSchema = z.strictObject({
  id: z.string(),
  /** Where it was loaded from: `models/<file>` for shipped models, the path given with --model otherwise. */
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** `uname -r` of the kernel the costs were measured on. */
  measuredOnKernel: z.string(),
  cpu: z.string(),
  date: z.string(),
})

export const AssumptionSchema = z.strictObject({
  id: z.string(),
  text: z.string(),
  source: z.enum(['observed', 'default', 'inferred', 'override']),
})

export const ThresholdRuleSchema = z.strictObject({
  /** As written by the user, e.g. `p99>5s`. */
  expr: z.string(),
  metric: z.enum(['p50', 'p90', 'p99', 'maxpods', 'gain']),
  op: z.enum(['>', '>=', '<', '<=']),
  value: z.number().finite(),
  /** Which path the metric is read from: `legacy`, `otn` (after the upgrade), or `today` (each class's current path). */
  path: z.enum(['legacy', 'otn', 'today']),
})

export const ViolationSchema = z.strictObject({
  rule: z.string(),
  /** `pool/<name>` or `class/<id>`. */
  subject: z.string(),
  actual: z.number().finite(),
  message: z.string(),
})

export const AnalysisResultSchema = z.strictObject({
  apiVersion: z.literal('densityplan.dev/v1alpha1'),
  kind: z.literal('AnalysisResult'),
  tool: z.strictObject({name: z.literal('densityplan'), version: z.string()}),
  cluster: z.strictObject({
    name: z.string(),
    source: z.enum(['live', 'snapshot', 'demo']),
    nodeCount: z.number().int().nonnegative(),
    podCount: z.number().int().nonnegative(),
  }),
  /** The snapshot's collection time (ISO-8601), not the clock: keeps the JSON reproducible. */
  generatedAt: z.string(),
  seed: z.number().int().nonnegative(),
  replications: z.number().int().positive(),
  /** Set when this is one shard of a split run; absent when complete. */
  shard: z.strictObject({index: z.number().int().nonnegative(), count: z.number().int().positive()}).optional(),
  settings: z.strictObject({
    sloMs: z.number().positive(),
    sloQuantile: z.literal('p99'),
    sweepPoints: z.number().int().positive(),
    burstSizes: z.array(z.number().int().positive()),
    quantileMethod: z.string(),
    ciMethod: z.string(),
  }),
  models: z.strictObject({legacy: ModelProvenanceSchema, otn: ModelProvenanceSchema}),
  assumptions: z.array(AssumptionSchema),
  pools: z.array(PoolResultSchema),
  classes: z.array(NodeClassResultSchema),
  overall: RecommendationSchema,
  /** What nullfs (Linux 7.0's immutable root under every namespace) changes for node images. */
  nullfsNote: z.string(),
  thresholds: z.strictObject({rules: z.array(ThresholdRuleSchema), violations: z.array(ViolationSchema)}),
})
export type AnalysisResult = z.infer<typeof AnalysisResultSchema>
export type ThresholdRule = z.infer<typeof ThresholdRuleSchema>
export type Violation = z.infer<typeof ViolationSchema>
export type ModelProvenance = z.infer<typeof ModelProvenanceSchema>
export type Assumption = z.infer<typeof AssumptionSchema>
