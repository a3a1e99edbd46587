import type {PodMountProfile, VolumeCounts, VolumeType} from '../domain/snapshot.js'
import {
  CONTAINER_BASE_MOUNTS,
  CONTAINER_ROOTFS_HOST_MOUNTS,
  NETNS_HOST_MOUNTS,
  SANDBOX_HOST_MOUNTS,
  SUBPATH_HOST_MOUNTS,
  VOLUME_MOUNT_RULES,
} from './mount-rules.js'

/** The parts of one container that change mount counts. */
export interface ContainerMountShape {
  /** volumeMounts entries of this container. */
  volumeMounts: number
  /** Of those, how many use subPath / subPathExpr. */
  subPathMounts: number
}

/** The parts of a pod spec that change mount counts (what the cluster translator extracts). */
export interface PodMountShape {
  hostNetwork: boolean
  volumes: VolumeCounts
  containers: ContainerMountShape[]
  /** Init containers that run to completion. */
  initContainers: ContainerMountShape[]
  /** Native sidecars (init containers with restartPolicy Always): they run alongside the app. */
  sidecars: ContainerMountShape[]
}

/**
 * Derives the mount profile of one pod (rules in mount-rules.ts, from docs/kernel-model.md).
 *
 * @example
 * // one container, the default service-account token (projected) and one secret
 * podMountProfile({hostNetwork: false, volumes: {...zero, projected: 1, secret: 1},
 *   containers: [{volumeMounts: 2, subPathMounts: 0}], initContainers: [], sidecars: []})
 * // → {hostMounts: 6, initHostMounts: 0, containerMounts: [30], initContainerMounts: [], namespaceCreations: 2}
 */
export function podMountProfile(pod: PodMountShape): PodMountProfile {
  const running = [...pod.sidecars, ...pod.containers]
  const subPaths = [...running, ...pod.initContainers].reduce((n, c) => n + c.subPathMounts, 0)
  const hostMounts =
    SANDBOX_HOST_MOUNTS +
    (pod.hostNetwork ? 0 : NETNS_HOST_MOUNTS) +
    running.length * CONTAINER_ROOTFS_HOST_MOUNTS +
    volumeHostMounts(pod.volumes) +
    subPaths * SUBPATH_HOST_MOUNTS
  return {
    hostMounts,
    initHostMounts: pod.initContainers.length * CONTAINER_ROOTFS_HOST_MOUNTS,
    containerMounts: running.map(containerMounts),
    initContainerMounts: pod.initContainers.map(containerMounts),
    // The sandbox (pause) gets its own mount namespace, then every container does (runtime
    // unshare(CLONE_NEWNS) or open_tree(OPEN_TREE_NAMESPACE)): ≥ 2 per pod.
    namespaceCreations: 1 + running.length + pod.initContainers.length,
  }
}

/** Host mounts (per pod, excluding per-node CSI staging) the pod's volumes add. */
export function volumeHostMounts(volumes: VolumeCounts): number {
  let n = 0
  for (const type of Object.keys(VOLUME_MOUNT_RULES) as VolumeType[]) n += volumes[type] * VOLUME_MOUNT_RULES[type].hostMounts
  return n
}

/**
 * Mounts in one container's namespace: the runtime's base set plus one bind per volumeMount
 * (a subPath mount is still one bind in the container; its extra bind is on the host).
 */
export function containerMounts(c: ContainerMountShape): number {
  return CONTAINER_BASE_MOUNTS + c.volumeMounts
}

/** All-zero volume counts, to build on. */
export function emptyVolumeCounts(): VolumeCounts {
  return {
    secret: 0,
    projected: 0,
    configMap: 0,
    downwardAPI: 0,
    emptyDirDisk: 0,
    emptyDirMemory: 0,
    pvc: 0,
    csiEphemeral: 0,
    hostPath: 0,
    ephemeral: 0,
    other: 0,
  }
}
