import type {MountinfoSummary, NodeDerived, SnapshotNode, SnapshotPod} from '../domain/snapshot.js'
import {HOST_BASELINE_MOUNTS, VOLUME_MOUNT_RULES} from './mount-rules.js'
import {roundTo} from '../stats/round.js'

const TERMINAL_PHASES = new Set(['Succeeded', 'Failed'])

/** Running or pending pods hold their sandbox and volume mounts; finished pods have released them. */
export function holdsMounts(pod: Pick<SnapshotPod, 'phase'>): boolean {
  return !TERMINAL_PHASES.has(pod.phase)
}

export interface NodeProfileInput {
  nodes: readonly SnapshotNode[]
  pods: readonly SnapshotPod[]
  /** Observed window end (collect time) and length: churn = pods created in the window per minute. */
  windowEndMs: number
  windowMs: number
  mountinfo?: readonly MountinfoSummary[]
}

/**
 * Per node: pods, containers, the estimated host mount table size (baseline + each
 * mount-holding pod's hostMounts + one CSI staging mount per distinct PV on the node), or the
 * real count from a mountinfo capture, and the pod creation rate over the observed window.
 */
export function deriveNodes(input: NodeProfileInput): NodeDerived[] {
  const acc = new Map<string, {pods: number; running: number; containers: number; hostMounts: number; claims: Set<string>; created: number}>()
  for (const n of input.nodes) acc.set(n.name, {pods: 0, running: 0, containers: 0, hostMounts: 0, claims: new Set(), created: 0})
  const windowStartMs = input.windowEndMs - input.windowMs
  for (const pod of input.pods) {
    const a = pod.node === null ? undefined : acc.get(pod.node)
    if (!a) continue
    a.pods++
    const created = Date.parse(pod.createdAt)
    if (created >= windowStartMs && created <= input.windowEndMs) a.created++
    if (!holdsMounts(pod)) continue
    a.running++
    a.containers += pod.containers + pod.sidecars
    a.hostMounts += pod.profile.hostMounts
    for (const claim of pod.pvcClaims) a.claims.add(claim)
  }
  const real = new Map((input.mountinfo ?? []).map((m) => [m.node, m.mounts]))
  const stagingPerClaim = VOLUME_MOUNT_RULES.pvc.stagingPerNode
  const minutes = input.windowMs / 60_000
  return [...acc.entries()].map(([node, a]) => {
    const measured = real.get(node)
    return {
      node,
      pods: a.pods,
      runningPods: a.running,
      containers: a.containers,
      estimatedHostMounts: measured ?? HOST_BASELINE_MOUNTS + a.hostMounts + a.claims.size * stagingPerClaim,
      hostMountsSource: measured === undefined ? 'estimate' : 'mountinfo',
      podCreationRatePerMin: roundTo(a.created / minutes, 3),
    }
  })
}
