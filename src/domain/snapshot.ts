import {z} from 'zod'
import {
  aboveLimit,
  MAX_CONTAINERS_PER_POD,
  MAX_MOUNTS_PER_CONTAINER,
  MAX_MOUNTS_PER_NAMESPACE,
  MAX_OBSERVED_WINDOW_MS,
  MAX_PER_POD,
  MAX_PODS_PER_NODE,
  MAX_SNAPSHOT_NODES,
  MAX_SNAPSHOT_PODS,
} from './limits.js'

/**
 * The ClusterSnapshot: what `densityplan collect` writes and what `analyze --snapshot` replays.
 * It is the contract between the cluster edge and everything after it, so it is versioned
 * (`apiVersion`), strict (unknown keys are errors, a typo is never ignored), and holds only
 * what the model needs: counts, versions, timestamps, and names (hashed with --anonymize).
 * It never holds env values, Secret data, tokens, annotation values or command lines.
 *
 * Units are in the field names (`startLatencyMs`, `memoryBytes`, `cpuMilli`).
 */

/**
 * v1alpha2 added what capacity-aware density needs: `nodes[].podCIDR` and `pods[].requests`.
 * v1alpha1 snapshots are still read (snapshot-v1alpha1.ts): those bounds become "unknown".
 */
export const SNAPSHOT_API_VERSION = 'densityplan.dev/v1alpha2'
export const SNAPSHOT_KIND = 'ClusterSnapshot'

const count = z.number().int().nonnegative()
/** A count with a physical limit (src/domain/limits.ts); a value above it names the value and the limit. */
const capped = (limit: number, why: string): z.ZodNumber => count.max(limit, {error: (iss) => aboveLimit(Number(iss.input), limit, why)})
const podsPerNode = capped(MAX_PODS_PER_NODE, 'fs.mount-max 100,000 host mounts ÷ 3 per pod')
const mounts = capped(MAX_MOUNTS_PER_NAMESPACE, 'the kernel default fs.mount-max per mount namespace')
const perPod = capped(MAX_PER_POD, 'each one adds a mount; fs.mount-max is 100,000')
const containersPerPod = capped(MAX_CONTAINERS_PER_POD, 'a bound on simulation work, far beyond real pods')
const containerMounts = capped(MAX_MOUNTS_PER_CONTAINER, 'a bound on simulation work; typical containers have 30-40')
const isoTime = z.iso.datetime({offset: true})

/** cpu in millicores, memory in bytes, pods as a count (from node.status.capacity/allocatable). */
export const ResourceListSchema = z.strictObject({
  cpuMilli: count,
  memoryBytes: count,
  pods: podsPerNode,
})

export const SnapshotNodeSchema = z.strictObject({
  name: z.string().min(1),
  /**
   * Node pool from the first label present among `--pool-label`, cloud.google.com/gke-nodepool,
   * eks.amazonaws.com/nodegroup, karpenter.sh/nodepool, kubernetes.azure.com/agentpool,
   * node.kubernetes.io/instance-type; `"default"` when none is set.
   */
  pool: z.string().min(1),
  /** The label the pool came from, or null when no pool label was found. */
  poolLabel: z.string().nullable(),
  kernelVersion: z.string(),
  osImage: z.string(),
  /** e.g. `containerd://1.7.24`, `cri-o://1.31.1` — the CRI, not the OCI runtime (see docs/kernel-model.md). */
  containerRuntimeVersion: z.string(),
  kubeletVersion: z.string(),
  architecture: z.string(),
  capacity: ResourceListSchema,
  allocatable: ResourceListSchema,
  /** Node has the Ready condition True. */
  ready: z.boolean(),
  /**
   * spec.podCIDR (IPv4 preferred from spec.podCIDRs): the pod IPs this node can hand out. Null when
   * the node has none (the CNI assigns pod IPs from elsewhere, e.g. a cloud VPC) or the snapshot
   * predates v1alpha2; the pod-IP bound of max pods/node is then unknown.
   */
  podCIDR: z.string().nullable(),
  /** RuntimeClass handlers the node reports (status.runtimeHandlers, Kubernetes ≥ 1.30), when present. */
  runtimeHandlers: z.array(z.string()).optional(),
})
export type SnapshotNode = z.infer<typeof SnapshotNodeSchema>

/** Volumes of a pod by type. `emptyDir` is split by medium because only `Memory` adds a host tmpfs. */
export const VolumeCountsSchema = z.strictObject({
  secret: perPod,
  /** Includes the default service-account token volume (`kube-api-access-*`). */
  projected: perPod,
  configMap: perPod,
  downwardAPI: perPod,
  emptyDirDisk: perPod,
  emptyDirMemory: perPod,
  /** persistentVolumeClaim volumes (assumed CSI-backed: publish + per-node staging). */
  pvc: perPod,
  /** Inline CSI ephemeral volumes (`csi:` in the pod spec): publish only, no staging. */
  csiEphemeral: perPod,
  hostPath: perPod,
  /** Generic ephemeral volumes (`ephemeral:`): a per-pod PVC, so publish + staging. */
  ephemeral: perPod,
  /** Anything else (nfs, iscsi, image, ...): counted as one host mount each (estimate). */
  other: perPod,
})
export type VolumeCounts = z.infer<typeof VolumeCountsSchema>
export type VolumeType = keyof VolumeCounts

/** volumeMounts over all containers of the pod (app, init, sidecar). */
export const VolumeMountCountsSchema = z.strictObject({
  total: perPod,
  subPath: perPod,
  /** mountPropagation: Bidirectional (rshared: the container's mounts propagate to the host). */
  bidirectional: perPod,
  /** mountPropagation: HostToContainer (rslave). */
  hostToContainer: perPod,
})
export type VolumeMountCounts = z.infer<typeof VolumeMountCountsSchema>

/**
 * The derived mount profile of one pod (src/profile/pod-profile.ts, rules from docs/kernel-model.md
 * "Host-side mounts per pod"). All are estimates from the spec, not measurements.
 */
export const PodMountProfileSchema = z.strictObject({
  /**
   * Mounts this pod adds to the host (init) mount namespace while it runs: sandbox rootfs,
   * /dev/shm, netns bind, one rootfs per app/sidecar container, one tmpfs per secret /
   * projected / downwardAPI / memory emptyDir, CSI publish per PVC/ephemeral/inline CSI volume,
   * one bind per subPath. CSI staging is per PV per node and counted on the node, not here.
   */
  hostMounts: containerMounts,
  /** Host mounts that exist only while init containers run (their rootfs). */
  initHostMounts: containerMounts,
  /** Mounts inside each app/sidecar container's own mount namespace, in spec order (sidecars first). */
  containerMounts: z.array(containerMounts).max(3 * MAX_CONTAINERS_PER_POD),
  /** Same for each init container (not sidecars), in spec order. */
  initContainerMounts: z.array(containerMounts).max(MAX_CONTAINERS_PER_POD),
  /** Mount namespaces the runtime creates to start the pod: the sandbox + every container. */
  namespaceCreations: capped(1 + 3 * MAX_CONTAINERS_PER_POD, 'the sandbox and every container, init container and sidecar'),
})
export type PodMountProfile = z.infer<typeof PodMountProfileSchema>

/**
 * What the scheduler reserves for a pod (its effective request): max(sum over app containers and
 * sidecars, largest init container) + spec.overhead, per resource. Null when the snapshot predates v1alpha2.
 */
export const PodRequestsSchema = z.strictObject({cpuMilli: count, memoryBytes: count})
export type PodRequests = z.infer<typeof PodRequestsSchema>

export const QosClassSchema = z.enum(['Guaranteed', 'Burstable', 'BestEffort'])
export type QosClass = z.infer<typeof QosClassSchema>

export const SnapshotPodSchema = z.strictObject({
  /** spec.nodeName; null for pods not scheduled yet. */
  node: z.string().nullable(),
  namespace: z.string().min(1),
  /** Kind of the controlling ownerReference (ReplicaSet, DaemonSet, Job, StatefulSet, Node, ...), or `None`. */
  ownerKind: z.string().min(1),
  phase: z.string(),
  qos: QosClassSchema,
  hostNetwork: z.boolean(),
  /** spec.hostUsers; null when unset (defaults to true: no user namespace). false forces crun's legacy path. */
  hostUsers: z.boolean().nullable(),
  containers: containersPerPod,
  /** Init containers that run to completion (restartPolicy not Always). */
  initContainers: containersPerPod,
  /** Native sidecars: init containers with restartPolicy Always. */
  sidecars: containersPerPod,
  requests: PodRequestsSchema.nullable(),
  volumes: VolumeCountsSchema,
  volumeMounts: VolumeMountCountsSchema,
  /**
   * PVC identities (`namespace/claim`, hashed with --anonymize) so staging mounts can be shared
   * per PV per node. Generic ephemeral volumes appear as `namespace/<pod>-<volume>` hashes.
   */
  pvcClaims: z.array(z.string()).max(MAX_PER_POD),
  /** Hints that make crun fall back to the legacy path (OCI hooks) or pick another runtime. */
  hints: z.strictObject({
    /** Requests/limits a GPU-like extended resource (nvidia.com/gpu, amd.com/gpu, ...): hooks likely. */
    gpu: z.boolean(),
    runtimeClassName: z.string().nullable(),
  }),
  createdAt: isoTime,
  /** The latest `containerStatuses[].state.running.startedAt`, once every container runs; else null. */
  startedAt: isoTime.nullable(),
  /**
   * Observed pod start latency: creation → all containers running (includes image pulls and
   * init containers). Only for pods created within the observed window and never restarted.
   */
  startLatencyMs: z
    .number()
    .nonnegative()
    .max(MAX_OBSERVED_WINDOW_MS, {
      error: (iss) => aboveLimit(Number(iss.input), MAX_OBSERVED_WINDOW_MS, 'a start is observed inside the observed window, at most 31 days'),
    })
    .nullable(),
  restarts: count,
  profile: PodMountProfileSchema,
})
export type SnapshotPod = z.infer<typeof SnapshotPodSchema>

/** Derived per node from its pods (src/profile/node-profile.ts). */
export const NodeDerivedSchema = z.strictObject({
  node: z.string().min(1),
  pods: count,
  /** Running (non-terminal) pods only. */
  runningPods: podsPerNode,
  containers: count,
  /** Baseline (~30, estimate) + pods' hostMounts + distinct CSI staging mounts; or the real count from mountinfo. */
  estimatedHostMounts: mounts,
  /** `estimate` from pod specs, or `mountinfo` when a real capture was imported for this node. */
  hostMountsSource: z.enum(['estimate', 'mountinfo']),
  /**
   * Pods created on this node per minute over the observed window (churn). A lower bound: pods
   * created and already deleted inside the window are not in the list.
   */
  podCreationRatePerMin: z.number().nonnegative(),
})
export type NodeDerived = z.infer<typeof NodeDerivedSchema>

/**
 * Mount counts by filesystem type. Checked in place rather than copied (z.record copies into a
 * `{}`, where a type named `__proto__` would vanish): any own key, each a non-negative integer.
 */
const fsTypeCounts = z.custom<Record<string, number>>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((n) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= MAX_MOUNTS_PER_NAMESPACE),
  {error: 'expected an object of filesystem type → mount count (integers, at most 100,000)'},
)

/** Counts from a real /proc/1/mountinfo capture (`--mountinfo DIR`, file name = node name). */
export const MountinfoSummarySchema = z.strictObject({
  node: z.string().min(1),
  mounts: mounts,
  /** Optional-field propagation tags: shared:N, master:N (slave), unbindable, none (private). */
  propagation: z.strictObject({shared: count, slave: count, private: count, unbindable: count}),
  /** Mounts by filesystem type (top few; the rest under `other`). */
  fsTypes: fsTypeCounts,
})
export type MountinfoSummary = z.infer<typeof MountinfoSummarySchema>

/** A Prometheus histogram: cumulative bucket counts by upper bound (`le`, seconds; +Inf as null). */
export const HistogramSchema = z.strictObject({
  buckets: z.array(z.strictObject({le: z.number().nullable(), count: z.number().nonnegative()})),
  sum: z.number(),
  count: z.number().nonnegative(),
})
export type Histogram = z.infer<typeof HistogramSchema>

/**
 * Where a node's kubelet histograms came from when not from its own /metrics (`--prometheus`):
 * counts are `increase()` over `window`, so they cover the window, not the time since the last
 * kubelet restart. No URL or credentials are recorded.
 */
export const PrometheusSourceSchema = z.strictObject({
  kind: z.literal('prometheus'),
  window: z.string(),
  /** kubelet_pod_start_sli_duration_seconds, or kubelet_pod_start_duration_seconds on kubelets < 1.26. */
  podStartMetric: z.string(),
  /** The PromQL of the start-latency buckets (the _sum and _count queries differ only in the suffix and `le`). */
  query: z.string(),
  runtimeOperationsQuery: z.string(),
})
export type PrometheusSource = z.infer<typeof PrometheusSourceSchema>

/** Kubelet metrics read through the API server's node proxy (`--kubelet-metrics`) or from Prometheus (`--prometheus`). */
export const KubeletMetricsSchema = z.strictObject({
  node: z.string().min(1),
  /** kubelet_pod_start_sli_duration_seconds (all label sets merged; from Prometheus, see source.podStartMetric). */
  podStartSliSeconds: HistogramSchema.nullable(),
  /** kubelet_runtime_operations_duration_seconds by operation_type. */
  runtimeOperationsSeconds: z.record(z.string(), HistogramSchema),
  /** Absent: read from the kubelet's /metrics through the node proxy. */
  source: PrometheusSourceSchema.optional(),
})
export type KubeletMetrics = z.infer<typeof KubeletMetricsSchema>

export const ClusterSnapshotSchema = z.strictObject({
  apiVersion: z.literal(SNAPSHOT_API_VERSION),
  kind: z.literal(SNAPSHOT_KIND),
  collectedAt: isoTime,
  /** Where it came from. Never credentials: no tokens, certificates or user names. */
  source: z.strictObject({
    context: z.string().nullable(),
    server: z.string().nullable(),
    namespace: z.string().nullable(),
    nodeSelector: z.string().nullable(),
    anonymized: z.boolean(),
  }),
  cluster: z.strictObject({version: z.string()}),
  /** The window over which churn and start latencies are observed: [collectedAt - windowMs, collectedAt]. */
  observedWindowMs: z
    .number()
    .int()
    .positive()
    .max(MAX_OBSERVED_WINDOW_MS, {error: (iss) => aboveLimit(Number(iss.input), MAX_OBSERVED_WINDOW_MS, '31 days')}),
  nodes: z
    .array(SnapshotNodeSchema)
    .max(MAX_SNAPSHOT_NODES, {error: `more than ${MAX_SNAPSHOT_NODES} nodes (twice Kubernetes' supported 5,000; see docs/limits.md)`}),
  pods: z.array(SnapshotPodSchema).max(MAX_SNAPSHOT_PODS, {error: `more than ${MAX_SNAPSHOT_PODS} pods (Kubernetes supports 150,000; see docs/limits.md)`}),
  derived: z.array(NodeDerivedSchema),
  mountinfo: z.array(MountinfoSummarySchema).optional(),
  kubeletMetrics: z.array(KubeletMetricsSchema).optional(),
  /** Things the user should know (degraded extras, restarted lists, estimates used). */
  warnings: z.array(z.string()),
  /** True only when every node and pod list finished; collect never writes an incomplete snapshot as complete. */
  complete: z.boolean(),
})
export type ClusterSnapshot = z.infer<typeof ClusterSnapshotSchema>
