import type {VolumeType} from '../domain/snapshot.js'

/**
 * Mount counting rules, from docs/kernel-model.md "Host-side mounts per pod"
 * (containerd paths). Every number here is an estimate from how kubelet, containerd and the
 * OCI runtime lay out a pod; a real `/proc/1/mountinfo` capture (`collect --mountinfo`)
 * replaces the node-level estimate when available.
 */

/**
 * Host mounts on a node before any pod runs: /, /proc, /sys and its cgroup/bpf/debugfs/tracefs
 * children, /dev and devpts/shm/mqueue/hugepages, /run and its tmpfs, /boot, kubelet and
 * containerd state dirs. About 30 on a typical cloud node image (estimate).
 */
export const HOST_BASELINE_MOUNTS = 30

/**
 * Host mounts every pod sandbox adds: the pause container's rootfs overlay and the sandbox
 * `/dev/shm` tmpfs. The netns bind (`/run/netns/cni-*`) is separate: host-network pods have none.
 */
export const SANDBOX_HOST_MOUNTS = 2
export const NETNS_HOST_MOUNTS = 1

/** One overlay rootfs per container (app, sidecar, and init while it runs). */
export const CONTAINER_ROOTFS_HOST_MOUNTS = 1

/**
 * Mounts inside a container's own mount namespace before its volumes: rootfs (1), the OCI
 * default filesystems proc, dev, devpts, shm, mqueue, sysfs (6), cgroup (1), kubelet's binds
 * /etc/hosts, /etc/hostname, /etc/resolv.conf, /dev/termination-log (4), and containerd's 11
 * masked plus 5 read-only /proc and /sys paths (16). Each one is an attach under
 * namespace_sem on the legacy path (docs/model.md "Legacy start").
 */
export const CONTAINER_BASE_MOUNTS = 28

/** The pause container: the same minus kubelet's 4 binds. */
export const SANDBOX_CONTAINER_MOUNTS = CONTAINER_BASE_MOUNTS - 4

/** What one volume of a given type adds. */
export interface VolumeMountRule {
  /** Mounts in the host namespace for this pod's copy of the volume. */
  hostMounts: number
  /**
   * Mounts shared per PV per node (CSI NodeStageVolume), counted once per distinct claim on the
   * node, not per pod.
   */
  stagingPerNode: number
  /** Mounts in each container that mounts the volume (the bind of the volume into it). */
  containerMountsPerMount: number
  why: string
}

/**
 * The table in docs/kernel-model.md. Secrets, projected (incl. the service-account token),
 * downwardAPI and memory emptyDirs are tmpfs mounts kubelet creates on the host; configMap and
 * disk emptyDir are plain directories under /var/lib/kubelet (no host mount). Every volume a
 * container mounts is one bind inside the container's namespace.
 */
export const VOLUME_MOUNT_RULES: Record<VolumeType, VolumeMountRule> = {
  secret: {hostMounts: 1, stagingPerNode: 0, containerMountsPerMount: 1, why: 'kubelet tmpfs per secret volume'},
  projected: {hostMounts: 1, stagingPerNode: 0, containerMountsPerMount: 1, why: 'kubelet tmpfs per projected volume (incl. the service-account token)'},
  downwardAPI: {hostMounts: 1, stagingPerNode: 0, containerMountsPerMount: 1, why: 'kubelet tmpfs per downwardAPI volume'},
  emptyDirMemory: {hostMounts: 1, stagingPerNode: 0, containerMountsPerMount: 1, why: 'tmpfs per medium: Memory emptyDir'},
  configMap: {hostMounts: 0, stagingPerNode: 0, containerMountsPerMount: 1, why: 'a directory on the node disk; only the container bind'},
  emptyDirDisk: {hostMounts: 0, stagingPerNode: 0, containerMountsPerMount: 1, why: 'a directory on the node disk; only the container bind'},
  hostPath: {hostMounts: 0, stagingPerNode: 0, containerMountsPerMount: 1, why: 'an existing host path; only the container bind'},
  pvc: {hostMounts: 1, stagingPerNode: 1, containerMountsPerMount: 1, why: 'CSI NodePublish per pod + NodeStage per PV per node'},
  ephemeral: {hostMounts: 1, stagingPerNode: 1, containerMountsPerMount: 1, why: 'a per-pod PVC: CSI publish + its own staging'},
  csiEphemeral: {hostMounts: 1, stagingPerNode: 0, containerMountsPerMount: 1, why: 'inline CSI volume: NodePublish only'},
  other: {hostMounts: 1, stagingPerNode: 0, containerMountsPerMount: 1, why: 'in-tree network or image volume: one host mount (estimate)'},
}

/** One extra host bind per subPath volumeMount (kubelet's volume-subpaths bind). */
export const SUBPATH_HOST_MOUNTS = 1
