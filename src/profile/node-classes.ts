import type {ClusterSnapshot, Histogram, SnapshotPod} from '../domain/snapshot.js'
import {mergeHistograms} from './histogram.js'
import {guessOciRuntime, kernelHasOtn, type OciRuntimeGuess} from './runtime-path.js'
import {quantileType7} from '../stats/quantile.js'
import {roundTo} from '../stats/round.js'
import type {ClassCapacity} from '../domain/analysis.js'
import {classCapacity, smallerCidr} from './capacity.js'
import {HOST_BASELINE_MOUNTS} from './mount-rules.js'
import {holdsMounts} from './node-profile.js'
import {fnv1a} from '../lib/fnv1a.js'

/** A Deployment's default rollingUpdate.maxSurge (25%, apps/v1 DeploymentStrategy): the share of its pods a rolling update starts at once. */
export const DEFAULT_MAX_SURGE = 0.25

/**
 * Node classes: nodes with the same pool, kernel, OS image, CRI, size and a near-identical
 * mount profile. Simulation runs once per class, so the cost grows with the number of distinct
 * profiles, not with the number of nodes (docs/architecture.md "Scale").
 *
 * Near-identical means: within one (pool, kernel, OS image, CRI, cores, maxPods) group, host
 * mount tables within a factor SPLIT_RATIO of each other (sorted 1-D split, so no arbitrary
 * bucket edge separates two nodes of 200 and 205 mounts). Pod mix differences inside a class
 * (user-namespaced, hooked pods) are averaged into its shares. Representative values of a class are medians over its nodes.
 */

export interface NodeClass {
  id: string
  pool: string
  nodeNames: string[]
  kernel: string
  osImage: string
  containerRuntime: string
  oci: OciRuntimeGuess
  otnCapableToday: boolean
  cores: number
  maxPods: number
  hostMountsToday: number
  hostMountsPerPod: number
  podsPerNodeToday: number
  /** Pods on the class's nodes, any phase (for pool totals). */
  podCount: number
  podShape: {
    containersPerPod: number
    initContainersPerPod: number
    hostMountsPerPod: number
    runtimeMountsPerContainer: number
    userNamespacePodFraction: number
    hookedPodFraction: number
  }
  /** Observed pod start latencies on the class's nodes, ascending (ms). */
  observedStartMs: number[]
  /** kubelet_pod_start_sli_duration_seconds merged over the class's nodes, when collected (--kubelet-metrics). */
  kubeletSli: Histogram | null
  bursts: {rollingUpdate: number; drainRefill: number; jobWave: number}
  /** Non-kernel limits of pods per node (src/profile/capacity.ts). */
  capacity: ClassCapacity
}

/** Per-node facts gathered in one pass over the pods. */
interface NodeFacts {
  pods: number
  running: SnapshotPod[]
  /** Host mounts the running pods add by the spec rules (pod mounts + one CSI staging per distinct claim). */
  podHostMounts: number
  claims: Set<string>
  replicaSetPods: number
  userns: number
  hooked: number
  jobStartsByMinute: Map<number, number>
  observedStartMs: number[]
}

const SPLIT_RATIO = 1.3

export function buildNodeClasses(snapshot: ClusterSnapshot, opts: {ociRuntime?: string} = {}): NodeClass[] {
  const facts = gatherNodeFacts(snapshot)
  const derived = new Map(snapshot.derived.map((d) => [d.node, d]))
  const groups = new Map<string, string[]>()
  const nodesByName = new Map(snapshot.nodes.map((n) => [n.name, n]))
  const mountsOf = (name: string): number => derived.get(name)?.estimatedHostMounts ?? HOST_BASELINE_MOUNTS
  const exact = new Map<string, string[]>()
  for (const node of snapshot.nodes) {
    const key = [node.pool, node.kernelVersion, node.osImage, node.containerRuntimeVersion, cores(node.allocatable.cpuMilli), node.allocatable.pods].join('|')
    const list = exact.get(key)
    if (list) list.push(node.name)
    else exact.set(key, [node.name])
  }
  // Within one exact group, split by mount-table size: sort, and start a new class whenever a
  // node's table is more than SPLIT_RATIO times the smallest in the current class.
  for (const [key, names] of exact) {
    names.sort((a, b) => mountsOf(a) - mountsOf(b) || (a < b ? -1 : 1))
    let start = mountsOf(names[0]!)
    let current: string[] = []
    for (const name of names) {
      if (mountsOf(name) > start * SPLIT_RATIO && current.length > 0) {
        groups.set(`${key}|${start}`, current)
        current = []
        start = mountsOf(name)
      }
      current.push(name)
    }
    groups.set(`${key}|${start}`, current)
  }
  // Pod requests are null only in snapshots upgraded from v1alpha1, which also lack podCIDR.
  const collected = !snapshot.pods.some((p) => p.requests === null)
  const sli = new Map((snapshot.kubeletMetrics ?? []).flatMap((m) => (m.podStartSliSeconds ? [[m.node, m.podStartSliSeconds] as const] : [])))
  const classes = [...groups.entries()].map(([key, names]) => {
    names.sort()
    const first = nodesByName.get(names[0]!)!
    const cls = summarizeClass(key, first, names, facts, derived, opts.ociRuntime)
    const cidr = names.map((n) => nodesByName.get(n)!.podCIDR).reduce((a, b) => smallerCidr(a, b))
    const running = names.flatMap((n) => facts.get(n)!.running)
    cls.capacity = classCapacity({
      allocatable: first.allocatable,
      podCIDR: cidr,
      collected,
      requests: running.map((p) => p.requests),
      hostNetworkPods: running.filter((p) => p.hostNetwork).length,
    })
    cls.kubeletSli = mergeHistograms(names.flatMap((n) => sli.get(n) ?? []))
    return cls
  })
  return classes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

function gatherNodeFacts(snapshot: ClusterSnapshot): Map<string, NodeFacts> {
  const facts = new Map<string, NodeFacts>()
  for (const n of snapshot.nodes)
    facts.set(n.name, {
      pods: 0,
      running: [],
      podHostMounts: 0,
      claims: new Set(),
      replicaSetPods: 0,
      userns: 0,
      hooked: 0,
      jobStartsByMinute: new Map(),
      observedStartMs: [],
    })
  for (const pod of snapshot.pods) {
    const f = pod.node === null ? undefined : facts.get(pod.node)
    if (!f) continue
    f.pods++
    if (pod.startLatencyMs !== null) f.observedStartMs.push(pod.startLatencyMs)
    if (pod.ownerKind === 'Job') {
      const minute = Math.floor(Date.parse(pod.createdAt) / 60_000)
      f.jobStartsByMinute.set(minute, (f.jobStartsByMinute.get(minute) ?? 0) + 1)
    }
    if (!holdsMounts(pod)) continue
    f.running.push(pod)
    f.podHostMounts += pod.profile.hostMounts
    for (const claim of pod.pvcClaims) f.claims.add(claim)
    if (pod.ownerKind === 'ReplicaSet') f.replicaSetPods++
    if (pod.hostUsers === false) f.userns++
    if (pod.hints.gpu) f.hooked++
  }
  return facts
}

function summarizeClass(
  key: string,
  first: ClusterSnapshot['nodes'][number],
  names: string[],
  facts: Map<string, NodeFacts>,
  derived: Map<string, ClusterSnapshot['derived'][number]>,
  ociOverride: string | undefined,
): NodeClass {
  const members = names.map((n) => facts.get(n)!)
  const running = members.flatMap((m) => m.running)
  const podsToday = median(members.map((m) => m.running.length))
  const mounts = median(names.map((n) => derived.get(n)?.estimatedHostMounts ?? HOST_BASELINE_MOUNTS))
  const containers = running.reduce((s, p) => s + p.containers + p.sidecars, 0)
  const runtimeMounts = running.reduce((s, p) => s + p.profile.containerMounts.reduce((a, b) => a + b, 0), 0)
  const oci = guessOciRuntime(first.containerRuntimeVersion, ociOverride)
  return {
    id: `${first.pool}-${fnv1a(key)}`,
    pool: first.pool,
    nodeNames: names,
    kernel: first.kernelVersion,
    osImage: first.osImage,
    containerRuntime: first.containerRuntimeVersion,
    oci,
    otnCapableToday: oci.usesOtn && kernelHasOtn(first.kernelVersion),
    cores: cores(first.allocatable.cpuMilli),
    maxPods: Math.max(1, first.allocatable.pods),
    hostMountsToday: Math.round(mounts),
    // The slope used to extrapolate the mount table to other densities: what today's mix of
    // pods adds per pod by the spec rules. Not (table − baseline) / pods: a real mountinfo
    // count includes leaked and system mounts that do not grow with pods.
    hostMountsPerPod: roundTo(median(members.filter((m) => m.running.length > 0).map((m) => (m.podHostMounts + m.claims.size) / m.running.length)) || 5, 2),
    podsPerNodeToday: Math.round(podsToday),
    podCount: members.reduce((s, m) => s + m.pods, 0),
    podShape: {
      containersPerPod: roundTo(ratio(containers, running.length, 1), 2),
      initContainersPerPod: roundTo(
        ratio(
          running.reduce((s, p) => s + p.initContainers, 0),
          running.length,
          0,
        ),
        2,
      ),
      hostMountsPerPod: roundTo(
        ratio(
          running.reduce((s, p) => s + p.profile.hostMounts, 0),
          running.length,
          5,
        ),
        2,
      ),
      runtimeMountsPerContainer: roundTo(ratio(runtimeMounts, containers, 28), 2),
      userNamespacePodFraction: roundTo(ratio(running.filter((p) => p.hostUsers === false).length, running.length, 0), 2),
      hookedPodFraction: roundTo(ratio(running.filter((p) => p.hints.gpu).length, running.length, 0), 2),
    },
    observedStartMs: members.flatMap((m) => m.observedStartMs).sort((a, b) => a - b),
    kubeletSli: null,
    capacity: {requestsPerPod: null, podCIDR: null, bounds: []},
    bursts: {
      // A rolling update with the default maxSurge replaces a quarter of a node's ReplicaSet pods at once.
      rollingUpdate: Math.max(1, Math.ceil(DEFAULT_MAX_SURGE * median(members.map((m) => m.replicaSetPods)))),
      // A replaced or drained node is refilled with today's pods at once.
      drainRefill: Math.max(1, Math.round(podsToday)),
      // The busiest minute of Job pod creations on any member node.
      jobWave: Math.max(1, ...members.map((m) => Math.max(0, ...m.jobStartsByMinute.values()))),
    },
  }
}

function cores(cpuMilli: number): number {
  return Math.max(1, Math.ceil(cpuMilli / 1000))
}

function ratio(part: number, whole: number, fallback: number): number {
  return whole === 0 ? fallback : part / whole
}

function median(values: number[]): number {
  if (values.length === 0) return 0
  return quantileType7(Float64Array.from(values).sort(), 0.5)
}
