import type {Blocker, NodeClassResult} from '../domain/analysis.js'
import {kernelHasOtn, OTN_RUNTIME_NAME} from '../profile/runtime-path.js'
import {roundTo} from '../stats/round.js'

/** The class facts readiness needs; all are in the result, so merged shards re-derive it. */
export type ClassFacts = Pick<NodeClassResult, 'kernel' | 'osImage' | 'containerRuntime' | 'ociRuntime' | 'nodeCount' | 'podsPerNodeToday' | 'podShape'>

/**
 * Per pool: what keeps pods off the OPEN_TREE_NAMESPACE path today (docs/kernel-model.md "Which start path a container takes"):
 * a kernel < 7.0, an OCI runtime without OTN support (runc; containerd's default), and, even
 * on capable nodes, pods crun starts on the legacy path: user-namespaced (`hostUsers: false`)
 * and hooked (GPU toolkits inject OCI hooks).
 */
export function poolBlockers(classes: readonly ClassFacts[], otnImages: readonly string[]): Blocker[] {
  const blockers: Blocker[] = []
  const podsOn = (cs: readonly ClassFacts[]): number => cs.reduce((s, c) => s + c.podsPerNodeToday * c.nodeCount, 0)
  const nodesOf = (cs: readonly ClassFacts[]): number => cs.reduce((s, c) => s + c.nodeCount, 0)
  const usesOtn = (c: ClassFacts): boolean => c.ociRuntime === OTN_RUNTIME_NAME

  const oldKernel = classes.filter((c) => !kernelHasOtn(c.kernel))
  if (oldKernel.length > 0) {
    const kernels = [...new Set(oldKernel.map((c) => `${c.kernel} (${c.osImage})`))].sort()
    blockers.push({
      kind: 'kernel',
      affectedNodes: nodesOf(oldKernel),
      affectedPods: podsOn(oldKernel),
      detail: `Linux < 7.0 has no open_tree(OPEN_TREE_NAMESPACE): ${kernels.join(', ')}`,
      fix:
        otnImages.length > 0
          ? `move these nodes to a node image with Linux ≥ 7.0; in this cluster: ${otnImages.join(', ')}`
          : 'move these nodes to a node OS release that ships Linux ≥ 7.0 (none in this cluster yet)',
    })
  }
  const containerd = classes.filter((c) => !usesOtn(c) && c.ociRuntime === 'runc' && c.containerRuntime.startsWith('containerd://'))
  if (containerd.length > 0) {
    blockers.push({
      kind: 'containerd-default',
      affectedNodes: nodesOf(containerd),
      affectedPods: podsOn(containerd),
      detail: `containerd defaults to runc, which always takes the legacy path (${[...new Set(containerd.map((c) => c.containerRuntime))].sort().join(', ')})`,
      fix: "install crun ≥ 1.29 and make it containerd's default runtime (a runc-type runtime entry whose BinaryName is crun, set as default_runtime_name) or select it with a RuntimeClass; if crun is already the default, pass --oci-runtime crun",
    })
  }
  const otherRuntime = classes.filter((c) => !usesOtn(c) && !containerd.includes(c))
  if (otherRuntime.length > 0) {
    blockers.push({
      kind: 'oci-runtime',
      affectedNodes: nodesOf(otherRuntime),
      affectedPods: podsOn(otherRuntime),
      detail: `OCI runtime without OPEN_TREE_NAMESPACE support: ${[...new Set(otherRuntime.map((c) => `${c.ociRuntime} on ${c.containerRuntime}`))].sort().join(', ')}`,
      fix: 'use crun ≥ 1.29 (runc and youki do not use OPEN_TREE_NAMESPACE)',
    })
  }
  const userns = sharePods(classes, (c) => c.podShape.userNamespacePodFraction)
  if (userns > 0) {
    blockers.push({
      kind: 'user-namespaces',
      affectedNodes: classes.filter((c) => c.podShape.userNamespacePodFraction > 0).reduce((s, c) => s + c.nodeCount, 0),
      affectedPods: userns,
      detail: 'pods with hostUsers: false run in a user namespace; crun starts them on the legacy path even on Linux ≥ 7.0',
      fix: 'nothing to change for correctness: these pods keep legacy start latency; weigh that when choosing their density',
    })
  }
  const hooked = sharePods(classes, (c) => c.podShape.hookedPodFraction)
  if (hooked > 0) {
    blockers.push({
      kind: 'hooks',
      affectedNodes: classes.filter((c) => c.podShape.hookedPodFraction > 0).reduce((s, c) => s + c.nodeCount, 0),
      affectedPods: hooked,
      detail: 'GPU pods: GPU container toolkits usually inject OCI hooks, and crun falls back to the legacy path for containers with hooks',
      fix: 'check whether your GPU stack still adds OCI hooks; pods with hooks keep legacy start latency',
    })
  }
  return blockers
}

function sharePods(classes: readonly ClassFacts[], fraction: (c: ClassFacts) => number): number {
  return Math.round(classes.reduce((s, c) => s + fraction(c) * c.podsPerNodeToday * c.nodeCount, 0))
}

/** Share of pods that would take OTN once every node runs Linux ≥ 7.0 with crun ≥ 1.29. */
export function otnEligiblePodFraction(classes: readonly ClassFacts[]): number {
  const pods = classes.reduce((s, c) => s + c.podsPerNodeToday * c.nodeCount, 0)
  if (pods === 0) return 0
  const eligible = classes.reduce(
    (s, c) => s + (1 - Math.min(1, c.podShape.userNamespacePodFraction + c.podShape.hookedPodFraction)) * c.podsPerNodeToday * c.nodeCount,
    0,
  )
  return roundTo(eligible / pods, 3)
}

/** What nullfs changes for node images; shown once per report. */
export const NULLFS_NOTE =
  'Linux 7.0 puts an immutable nullfs at the bottom of the mount tree, under the initramfs root; OPEN_TREE_NAMESPACE builds each ' +
  'container namespace from that nullfs root plus the container rootfs only, which is why its cost does not grow with the host ' +
  'mount table. For node images: the initramfs is no longer the bottom-most mount, so the switch to the real root can use ' +
  'pivot_root like any other root change. systemd-based initrds already switch root this way, so stock node images need no change; ' +
  'test custom init scripts that switch root by other means on 7.0 before rolling it out.'
