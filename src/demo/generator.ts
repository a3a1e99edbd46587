import {SNAPSHOT_API_VERSION, SNAPSHOT_KIND, type ClusterSnapshot, type MountinfoSummary, type SnapshotNode, type SnapshotPod, type VolumeCounts} from '../domain/snapshot.js'
import {lognormal} from '../model/distributions.js'
import {createPrng, type Prng} from '../lib/prng.js'
import {fnv1a} from '../lib/fnv1a.js'
import {buildNodeClasses, type NodeClass} from '../profile/node-classes.js'
import {deriveNodes} from '../profile/node-profile.js'
import {emptyVolumeCounts, podMountProfile, type ContainerMountShape} from '../profile/pod-profile.js'

/**
 * Deterministic synthetic clusters: the embedded `--demo` snapshot (scripts/generate-demo.ts)
 * and the large benchmark snapshots (bench/analyze.bench.ts). Same spec + seed → same snapshot.
 * Shapes follow what real pools look like (web Deployments with a mesh sidecar, batch Jobs with
 * secrets and init containers, user-namespaced sandboxes), not any one real cluster.
 */

export interface PoolSpec {
  name: string
  nodes: number
  /** Node image variants: the share of the pool's nodes on each (kernel, OS, CRI). */
  images: Array<{share: number; kernel: string; osImage: string; cri: string}>
  cpuMilli: number
  maxPods: number
  /** Running workload pods per node (DaemonSet pods come on top). */
  podsPerNode: number
  kind: 'web' | 'batch' | 'userns'
  /** Whether pods carry observed start latencies (pods created inside the window). */
  observedStarts: boolean
  /**
   * The true non-kernel part of a pod start (kubelet, CNI, shim; lognormal median / p90). With a
   * start-latency model (generateSnapshot's second argument) the observed starts are this plus
   * the simulated kernel time of today, so analyze's back-test can recover it.
   */
  nonKernelStartMs?: {p50: number; p90: number}
}

/** Without a value in the spec: web 1.1 s / 1.6 s, batch 1.4 s / 2.1 s (median / p90). */
function nonKernelOf(pool: PoolSpec): {p50: number; p90: number} {
  return pool.nonKernelStartMs ?? (pool.kind === 'batch' ? {p50: 1400, p90: 2100} : {p50: 1100, p90: 1600})
}

/**
 * Draws `count` observed pod start latencies (ms) for a class: the simulation of today with the
 * given non-kernel lognormal (src/io/demo-observed.ts builds one from the shipped models).
 */
export type StartLatencyModel = (cls: NodeClass, nonKernel: {p50Ms: number; p90Ms: number}, count: number, seed: number) => number[]

export interface SyntheticClusterSpec {
  context: string
  collectedAt: string
  seed: number
  pools: PoolSpec[]
}

const HOUR_MS = 3_600_000

/** The embedded demo cluster: three pools, mixed kernels and runtimes, a few thousand pods. */
export const DEMO_SPEC: SyntheticClusterSpec = {
  context: 'demo-prod-eu1',
  collectedAt: '2026-11-20T09:00:00Z',
  seed: 20261120,
  pools: [
    {
      name: 'web', nodes: 36, cpuMilli: 7910, maxPods: 110, podsPerNode: 42, kind: 'web', observedStarts: true, nonKernelStartMs: {p50: 1000, p90: 1500},
      images: [
        {share: 0.67, kernel: '6.8.0-1021-aws', osImage: 'Ubuntu 24.04.1 LTS', cri: 'containerd://1.7.24'},
        {share: 0.33, kernel: '7.0.4-200.fc43.x86_64', osImage: 'Fedora CoreOS 43.20261102.3.0', cri: 'cri-o://1.34.1'},
      ],
    },
    {
      name: 'batch', nodes: 20, cpuMilli: 15890, maxPods: 250, podsPerNode: 70, kind: 'batch', observedStarts: true, nonKernelStartMs: {p50: 1200, p90: 1900},
      images: [{share: 1, kernel: '6.12.48-1.amzn2023.x86_64', osImage: 'Amazon Linux 2023.9.20261027', cri: 'containerd://2.0.6'}],
    },
    {
      name: 'sandboxed', nodes: 12, cpuMilli: 3920, maxPods: 110, podsPerNode: 24, kind: 'userns', observedStarts: false, nonKernelStartMs: {p50: 1000, p90: 1800},
      images: [{share: 1, kernel: '7.0.4-200.fc43.x86_64', osImage: 'Fedora CoreOS 43.20261102.3.0', cri: 'cri-o://1.34.1'}],
    },
  ],
}

/**
 * A large cluster for the scale benchmark, e.g. 5,000 nodes and ~150,000 pods: the demo's three
 * kinds of pool, each in four instance sizes (so ~12 pools and ~20 node classes, as a real
 * fleet has), nodes split evenly.
 */
export function largeSpec(nodes: number, podsPerNode: number): SyntheticClusterSpec {
  const sizes = [
    {suffix: 'small', cpuMilli: 3920, maxPods: 58, scale: 0.6},
    {suffix: 'medium', cpuMilli: 7910, maxPods: 110, scale: 0.8},
    {suffix: 'large', cpuMilli: 15890, maxPods: 110, scale: 1.0},
    {suffix: 'xlarge', cpuMilli: 31850, maxPods: 250, scale: 1.6},
  ]
  const kinds = DEMO_SPEC.pools
  const pools = kinds.flatMap((kind) => sizes.map((size) => ({
    ...kind,
    name: `${kind.name}-${size.suffix}`,
    cpuMilli: size.cpuMilli,
    maxPods: size.maxPods,
    nodes: 0,
    podsPerNode: Math.max(1, Math.min(size.maxPods - 10, Math.round((podsPerNode - 4) * size.scale))),
  })))
  pools.forEach((p, i) => (p.nodes = Math.floor(nodes / pools.length) + (i < nodes % pools.length ? 1 : 0)))
  return {context: `synthetic-${nodes}`, collectedAt: DEMO_SPEC.collectedAt, seed: nodes, pools}
}

/** Draws for the generator, on the project's seeded PRNG (src/lib/prng.ts, distributions.ts). */
class Rand {
  private readonly rng: Prng
  constructor(seed: number) {
    this.rng = createPrng(seed)
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.rng.nextFloat() * (max - min + 1))
  }
  chance(p: number): boolean {
    return this.rng.nextFloat() < p
  }
  lognormal(median: number, p90: number): number {
    return lognormal(median, p90, this.rng)()
  }
}

/**
 * Without `startLatencies`, observed starts are drawn from each pool's non-kernel lognormal alone
 * (no kernel time: fine for tests of everything but the back-test). With it, they come from the
 * model's simulation of today, so the snapshot is consistent with the model analyze runs.
 */
export function generateSnapshot(spec: SyntheticClusterSpec, startLatencies?: StartLatencyModel): ClusterSnapshot {
  const rand = new Rand(spec.seed)
  const endMs = Date.parse(spec.collectedAt)
  const nodes: SnapshotNode[] = []
  const pods: SnapshotPod[] = []
  for (const pool of spec.pools) {
    for (let i = 0; i < pool.nodes; i++) {
      const node = makeNode(pool, i, nodes.length)
      nodes.push(node)
      for (const ds of daemonSetPods(node.name, rand, endMs)) pods.push(ds)
      const count = Math.max(0, pool.podsPerNode + rand.int(-3, 3))
      for (let j = 0; j < count; j++) pods.push(workloadPod(pool, node.name, j, rand, endMs, false))
      // Finished Job pods: batch churn inside the observed window (they hold no mounts any more).
      if (pool.kind === 'batch') for (let j = 0; j < 30; j++) pods.push(workloadPod(pool, node.name, j, rand, endMs, true))
    }
  }
  const windowMs = HOUR_MS
  const mountinfo = leakedMountinfo(spec, nodes, pods, endMs, windowMs, rand)
  const snapshot: ClusterSnapshot = {
    apiVersion: SNAPSHOT_API_VERSION,
    kind: SNAPSHOT_KIND,
    collectedAt: new Date(endMs).toISOString(),
    source: {context: spec.context, server: null, namespace: null, nodeSelector: null, anonymized: false},
    cluster: {version: 'v1.34.2'},
    observedWindowMs: windowMs,
    nodes,
    pods,
    derived: deriveNodes({nodes, pods, windowEndMs: endMs, windowMs, mountinfo}),
    mountinfo,
    warnings: [`synthetic cluster generated by densityplan (seed ${spec.seed}); not a real cluster`],
    complete: true,
  }
  if (startLatencies) replaceStartLatencies(spec, snapshot, startLatencies)
  return snapshot
}

/**
 * Each class's observed starts, in pod order, replaced by draws from the model's simulation of
 * today with the pool's true non-kernel time (seeded by the spec seed and the class id).
 */
function replaceStartLatencies(spec: SyntheticClusterSpec, s: ClusterSnapshot, model: StartLatencyModel): void {
  const classes = buildNodeClasses(s)
  const pools = new Map(spec.pools.map((p) => [p.name, p]))
  for (const cls of classes) {
    const pool = pools.get(cls.pool)
    if (!pool?.observedStarts) continue
    const members = new Set(cls.nodeNames)
    const observed = s.pods.map((p, i) => ({p, i})).filter(({p}) => p.startLatencyMs !== null && p.node !== null && members.has(p.node))
    if (observed.length === 0) continue
    const seed = (spec.seed ^ parseInt(fnv1a(cls.id), 16)) >>> 0
    const draws = model(cls, {p50Ms: nonKernelOf(pool).p50, p90Ms: nonKernelOf(pool).p90}, observed.length, seed)
    observed.forEach(({p, i}, k) => {
      const latencyMs = Math.round(draws[k]!)
      s.pods[i] = {...p, startLatencyMs: latencyMs, startedAt: new Date(Date.parse(p.createdAt) + latencyMs).toISOString()}
    })
  }
}

/** Leaked mounts added to a demo batch node's estimated table: uniform in [min, max]. */
const LEAKED_MOUNTS = {min: 4200, max: 5000}

/**
 * Batch nodes come with real mountinfo captures that show leaked mounts (CSI and subPath binds
 * left behind by Jobs that were killed mid-teardown), the pattern reported on real clusters
 * (docs/kernel-model.md: 1,000-8,000 mounts, leaks up to 36,887).
 */
function leakedMountinfo(spec: SyntheticClusterSpec, nodes: SnapshotNode[], pods: SnapshotPod[], endMs: number, windowMs: number, rand: Rand): MountinfoSummary[] {
  const batchPools = new Set(spec.pools.filter((p) => p.kind === 'batch').map((p) => p.name))
  const estimate = new Map(deriveNodes({nodes, pods, windowEndMs: endMs, windowMs}).map((d) => [d.node, d.estimatedHostMounts]))
  return nodes.filter((n) => batchPools.has(n.pool)).map((n) => {
    const mounts = estimate.get(n.name)! + rand.int(LEAKED_MOUNTS.min, LEAKED_MOUNTS.max)
    return {node: n.name, mounts, propagation: {shared: mounts - 40, slave: 10, private: 30, unbindable: 0}, fsTypes: {tmpfs: Math.round(mounts * 0.45), overlay: 120, ext4: Math.round(mounts * 0.5), other: 0}}
  })
}

function makeNode(pool: PoolSpec, i: number, k: number): SnapshotNode {
  let acc = 0
  const position = (i + 0.5) / pool.nodes
  const image = pool.images.find((im) => (acc += im.share) >= position) ?? pool.images[pool.images.length - 1]!
  const resources = {cpuMilli: pool.cpuMilli, memoryBytes: pool.cpuMilli * 4 * 1024 * 1024 * 1024 / 1000, pods: pool.maxPods}
  return {
    name: `${pool.name}-${String(i).padStart(4, '0')}`,
    pool: pool.name,
    poolLabel: 'karpenter.sh/nodepool',
    kernelVersion: image.kernel,
    osImage: image.osImage,
    containerRuntimeVersion: image.cri,
    kubeletVersion: 'v1.34.2',
    architecture: 'amd64',
    capacity: {...resources, cpuMilli: Math.ceil(pool.cpuMilli / 1000) * 1000, memoryBytes: Math.round(resources.memoryBytes)},
    allocatable: {...resources, memoryBytes: Math.round(resources.memoryBytes * 0.9)},
    // A /24 per node, as kubenet and most cloud IPAM defaults give.
    podCIDR: `10.${100 + (k >> 8)}.${k & 255}.0/24`,
    ready: true,
  }
}

interface PodShape {
  namespace: string
  ownerKind: string
  hostNetwork: boolean
  hostUsers: boolean | null
  volumes: VolumeCounts
  containers: ContainerMountShape[]
  initContainers: ContainerMountShape[]
  sidecars: ContainerMountShape[]
  gpu: boolean
  /** The pod's effective request (translate-pod.ts rules), fixed per shape so no random draw moves. */
  requests: {cpuMilli: number; memoryBytes: number}
}

const MI = 1024 * 1024

function daemonSetPods(node: string, rand: Rand, endMs: number): SnapshotPod[] {
  const shapes: PodShape[] = [
    {namespace: 'kube-system', ownerKind: 'DaemonSet', hostNetwork: true, hostUsers: null, volumes: {...emptyVolumeCounts(), hostPath: 3, projected: 1, configMap: 1}, containers: [{volumeMounts: 5, subPathMounts: 0}], initContainers: [], sidecars: [], gpu: false, requests: {cpuMilli: 100, memoryBytes: 128 * MI}},
    {namespace: 'kube-system', ownerKind: 'DaemonSet', hostNetwork: true, hostUsers: null, volumes: {...emptyVolumeCounts(), hostPath: 6, projected: 1}, containers: [{volumeMounts: 7, subPathMounts: 0}], initContainers: [{volumeMounts: 2, subPathMounts: 0}], sidecars: [], gpu: false, requests: {cpuMilli: 150, memoryBytes: 200 * MI}},
    {namespace: 'kube-system', ownerKind: 'DaemonSet', hostNetwork: false, hostUsers: null, volumes: {...emptyVolumeCounts(), hostPath: 5, projected: 1}, containers: [{volumeMounts: 4, subPathMounts: 0}, {volumeMounts: 2, subPathMounts: 0}, {volumeMounts: 2, subPathMounts: 0}], initContainers: [], sidecars: [], gpu: false, requests: {cpuMilli: 60, memoryBytes: 96 * MI}},
    {namespace: 'monitoring', ownerKind: 'DaemonSet', hostNetwork: true, hostUsers: null, volumes: {...emptyVolumeCounts(), hostPath: 3, projected: 1}, containers: [{volumeMounts: 4, subPathMounts: 0}], initContainers: [], sidecars: [], gpu: false, requests: {cpuMilli: 100, memoryBytes: 180 * MI}},
  ]
  return shapes.map((s) => toPod(s, node, 'Running', endMs - rand.int(2, 30) * 24 * HOUR_MS, null, 0))
}

function workloadPod(pool: PoolSpec, node: string, j: number, rand: Rand, endMs: number, finished: boolean): SnapshotPod {
  const shape = pool.kind === 'web' ? webShape(rand, j) : pool.kind === 'batch' ? batchShape(rand, finished) : usernsShape(rand, j)
  // Pods created inside the observed hour carry a start latency; older ones do not.
  const recent = finished || rand.chance(pool.kind === 'batch' ? 0.35 : 0.12)
  // Finished Jobs came in three waves (a CronJob fan-out every 15 minutes), 20 s apart at most.
  const createdMs = finished
    ? endMs - (1 + (j % 3)) * 15 * 60_000 - rand.int(0, 20_000)
    : recent ? endMs - rand.int(60_000, HOUR_MS - 60_000) : endMs - rand.int(1, 14) * 24 * HOUR_MS - rand.int(0, HOUR_MS)
  const latencyMs = pool.observedStarts && recent ? Math.round(rand.lognormal(nonKernelOf(pool).p50, nonKernelOf(pool).p90)) : null
  // A restarted pod has no usable start latency (collect drops it), so only old pods restart.
  return toPod(shape, node, finished ? 'Succeeded' : 'Running', createdMs, latencyMs, latencyMs === null && !finished && rand.chance(0.03) ? 1 : 0)
}

function webShape(rand: Rand, j: number): PodShape {
  const mesh = j % 3 !== 0
  const secrets = rand.chance(0.4) ? 1 : 0
  return {
    namespace: ['shop-frontend', 'checkout', 'search', 'catalog', 'accounts'][j % 5]!,
    ownerKind: 'ReplicaSet', hostNetwork: false, hostUsers: null,
    volumes: {...emptyVolumeCounts(), projected: 1 + (mesh ? 1 : 0), configMap: 1, secret: secrets, emptyDirDisk: mesh ? 2 : 0},
    containers: [{volumeMounts: 2 + secrets, subPathMounts: rand.chance(0.2) ? 1 : 0}],
    initContainers: mesh ? [{volumeMounts: 1, subPathMounts: 0}] : [],
    sidecars: mesh ? [{volumeMounts: 4, subPathMounts: 0}] : [],
    gpu: false,
    // app 100m / 192Mi; the mesh sidecar adds 25m / 64Mi.
    requests: mesh ? {cpuMilli: 125, memoryBytes: 256 * MI} : {cpuMilli: 100, memoryBytes: 192 * MI},
  }
}

function batchShape(rand: Rand, finished: boolean): PodShape {
  const job = finished || rand.chance(0.6)
  const gpu = rand.chance(0.06)
  const secrets = rand.int(2, 5)
  return {
    namespace: job ? 'etl' : 'ml-serving',
    ownerKind: job ? 'Job' : 'StatefulSet', hostNetwork: false, hostUsers: null,
    volumes: {...emptyVolumeCounts(), projected: 1, secret: secrets, emptyDirMemory: 1, downwardAPI: 1, configMap: 1, pvc: job ? 0 : 1},
    containers: [{volumeMounts: secrets + 4, subPathMounts: rand.int(0, 2)}],
    initContainers: [{volumeMounts: 2, subPathMounts: 0}],
    sidecars: [],
    gpu,
    // Small ETL Jobs; model-serving StatefulSets reserve more.
    requests: job ? {cpuMilli: 50, memoryBytes: 128 * MI} : {cpuMilli: 150, memoryBytes: 512 * MI},
  }
}

function usernsShape(rand: Rand, j: number): PodShape {
  return {
    namespace: `tenant-${String(j % 9).padStart(2, '0')}`,
    ownerKind: 'ReplicaSet', hostNetwork: false, hostUsers: rand.chance(0.85) ? false : null,
    volumes: {...emptyVolumeCounts(), projected: 1, secret: 1, emptyDirDisk: 1},
    containers: [{volumeMounts: 3, subPathMounts: 0}],
    initContainers: [], sidecars: [], gpu: false,
    requests: {cpuMilli: 100, memoryBytes: 256 * MI},
  }
}

function toPod(s: PodShape, node: string, phase: string, createdMs: number, latencyMs: number | null, restarts: number): SnapshotPod {
  const all = [...s.containers, ...s.initContainers, ...s.sidecars]
  const total = all.reduce((n, c) => n + c.volumeMounts, 0)
  const subPath = all.reduce((n, c) => n + c.subPathMounts, 0)
  const started = latencyMs === null ? createdMs + 2000 : createdMs + latencyMs
  return {
    node, namespace: s.namespace, ownerKind: s.ownerKind, phase,
    qos: 'Burstable', hostNetwork: s.hostNetwork, hostUsers: s.hostUsers,
    containers: s.containers.length, initContainers: s.initContainers.length, sidecars: s.sidecars.length,
    requests: s.requests,
    volumes: s.volumes,
    volumeMounts: {total, subPath, bidirectional: 0, hostToContainer: 0},
    pvcClaims: s.volumes.pvc > 0 ? [`${s.namespace}/data-${node}-${createdMs % 997}`] : [],
    hints: {gpu: s.gpu, runtimeClassName: null},
    createdAt: new Date(createdMs).toISOString(),
    startedAt: new Date(started).toISOString(),
    startLatencyMs: latencyMs,
    restarts,
    profile: podMountProfile({hostNetwork: s.hostNetwork, volumes: s.volumes, containers: s.containers, initContainers: s.initContainers, sidecars: s.sidecars}),
  }
}
