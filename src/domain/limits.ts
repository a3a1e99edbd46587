/**
 * Physical limits on the numbers densityplan reads (snapshots, model files). A value beyond a
 * limit cannot come from a real node or a real measurement, and simulating it would take
 * unbounded time or memory, so the schemas refuse it (exit 2, naming the field, the value and
 * the limit). Every limit, its reason and the exit codes are listed in docs/limits.md; keep the
 * two in step.
 */

/**
 * Mounts in one mount namespace: the kernel's fs.mount-max sysctl, default 100,000
 * (Documentation/admin-guide/sysctl/fs.rst); one more mount fails with ENOSPC. It bounds the
 * host's mounts (so a node's estimated host mounts), the mounts of one container's namespace,
 * and one pod's host mounts.
 */
export const MAX_MOUNTS_PER_NAMESPACE = 100_000

/**
 * Host mounts every running pod adds at least: the sandbox's two (src/profile/mount-rules.ts
 * SANDBOX_HOST_MOUNTS) and one container rootfs (a pod has at least one container).
 */
export const MIN_HOST_MOUNTS_PER_POD = 3

/**
 * Pods per node (capacity.pods, allocatable.pods): fs.mount-max ÷ the 3 host mounts each pod
 * adds = 33,333. Far above Kubernetes' supported 110 per node and OpenShift's tested 2,500.
 */
export const MAX_PODS_PER_NODE = Math.floor(MAX_MOUNTS_PER_NAMESPACE / MIN_HOST_MOUNTS_PER_POD)

/**
 * Volumes and volume mounts of one pod: each adds at least one mount, so a pod with more than
 * fs.mount-max of them could not start.
 */
export const MAX_PER_POD = MAX_MOUNTS_PER_NAMESPACE

/**
 * Containers (and, separately, init containers and sidecars) of one pod: 256. Kubernetes sets no
 * limit, so this one is a bound on work: the simulator starts every container of every pod in a
 * burst, and 1,000 containers in each of 141 pods took 34 CPU-seconds and 809 MB in analyze
 * (docs/limits.md). 256 is 4× simulate's --containers-per-pod maximum and far beyond real pods.
 */
export const MAX_CONTAINERS_PER_POD = 256

/**
 * Mounts in one container's namespace (profile.containerMounts) and host mounts of one pod
 * (profile.hostMounts): 4,096, a bound on work like MAX_CONTAINERS_PER_POD (each is simulated
 * mount by mount: 10,000 in every container of 141 pods took 32 CPU-seconds). A typical
 * container has 30-40 mounts; simulate's --host-mounts-per-pod stops at 4,096 too.
 */
export const MAX_MOUNTS_PER_CONTAINER = 4096

/** Pods in one snapshot: Kubernetes supports 150,000 per cluster; a 1,000,000-pod snapshot is ~730 MB, under the 1 GiB file limit. */
export const MAX_SNAPSHOT_PODS = 1_000_000
/** Nodes in one snapshot: Kubernetes supports 5,000 nodes per cluster; doubled. */
export const MAX_SNAPSHOT_NODES = 10_000

/**
 * The observed window of a snapshot: at most 31 days. Pod start latencies are observed inside
 * it (created and started in the window), so no start latency exceeds it either.
 */
export const MAX_OBSERVED_WINDOW_MS = 31 * 24 * 3600 * 1000

/**
 * Longest time one kernel operation of the model may take (copy, attach, pivot, umount, RCU
 * grace period, wakeup): 21 s, the kernel's RCU CPU stall timeout (CONFIG_RCU_CPU_STALL_TIMEOUT
 * default 21 s). A mount-table operation holding a CPU longer than that is reported as a stall.
 */
export const MAX_KERNEL_OP_NS = 21e9

/**
 * Per-unit cost (per mount, thread, line or peer): 1 ms, about 1,000× the measured costs
 * (models/*.json: 0.1-2 µs per mount); with 100,000 mounts that is already 100 s per operation.
 */
export const MAX_PER_UNIT_NS = 1e6

/**
 * A measured shape's ratio (median ÷ the fitted line at one measured input, src/model/schema.ts
 * CostShapeSchema): at most 100. Measured ratios are 0.56-2.99 (the largest at the smallest inputs,
 * where the line through the origin is near zero); 100 would be a fit that missed its own data.
 */
export const MAX_SHAPE_RATIO = 100

/**
 * The non-mount part of one OCI runtime start: 120 s, kubelet's default
 * --runtime-request-timeout (2m); a runtime call slower than that fails instead of starting.
 */
export const MAX_FORK_EXEC_NS = 120e9

/**
 * CPU contention slowdown at b busy cores: at most 2·b. At slowdown b, b busy cores do the
 * work of one; at 2·b they do half of it. The measured 2-vCPU curve is 2.0 at b = 2.
 */
export const MAX_SLOWDOWN_PER_BUSY_CORE = 2

/** CONFIG_HZ: the kernel offers 100, 250, 300 and 1000 (kernel/Kconfig.hz). */
export const KERNEL_HZ_RANGE = {min: 100, max: 1000} as const

/** Measured samples in one empirical distribution. */
export const MAX_EMPIRICAL_SAMPLES = 100_000

/** Longest displayed name (node, pool, namespace, cluster) in reports; longer names are cut with an ellipsis. */
export const MAX_DISPLAY_NAME_CHARS = 120

/** A message that says which limit a value broke, e.g. `1000000000 is above the limit 33333 (why)`. */
export function aboveLimit(value: number, limit: number, why: string): string {
  return `${value} is above the limit ${limit} (${why}; see docs/limits.md)`
}
