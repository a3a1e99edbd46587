import type {DurationDistribution} from '../model/schema.js'
import {InputError} from '../errors/errors.js'

/** How pods (or, with `runtimeOnly`, bare containers) arrive. */
export type Workload =
  | {kind: 'burst'; pods: number} // N pods created at t=0
  | {kind: 'poisson'; ratePerSec: number; durationNs: number} // pod (or container) arrivals
  | {kind: 'closed'; concurrency: number; starts: number} // C workers starting back to back (runtime benchmark)

export interface PodShape {
  containers: number
  initContainers: number
  /** k_r: mounts in the container rootfs subtree (usually 1). */
  rootfsMounts: number
  /** N_rt: runtime mounts per container (proc, sysfs, dev, ..., volume binds). */
  runtimeMounts: number
  /**
   * Of the runtime mounts, how many are bind mounts the OTN path pre-opens with
   * open_tree(OPEN_TREE_CLONE) (a dclone write section each); the rest are new filesystems made
   * with fsmount, which takes no namespace_sem. Default: all of them (conservative).
   */
  runtimeBindMounts?: number
  /**
   * Legacy runtimes (runc; crun < 1.29) re-mark the old root recursively after pivot_root
   * (`mount(".", MS_REC|MS_PRIVATE)` in crun 1.8, `MS_SLAVE|MS_REC` in runc) before detaching
   * it: a second change_mnt_propagation pass over the whole copy. Default true (both do it).
   */
  legacyOldRootRepropagation?: boolean
  /**
   * Whole reads of the runtime's own mount table per legacy start (crun 1.8 reads /proc/mounts
   * in the child right after clone(CLONE_NEWNS); runc reads /proc/self/mountinfo to find the
   * rootfs's parent mount). Each read walks the copy, one namespace_sem read acquisition per
   * ~4 KiB chunk. Default 1.
   */
  legacyMountTableReads?: number
  /** Host mounts the pod adds (sandbox rootfs, container rootfs, shm, netns, volume tmpfs, CSI, subPath). */
  hostMountsPerPod: number
  /** k_c: mounts inside each container namespace (teardown cost). */
  containerMounts: number
  /** Non-mount per-pod time (kubelet sync, CNI, shim), spent before the sandbox starts. */
  podOverhead: DurationDistribution | null
  /** --no-pod: bare container starts, no sandbox/pod pipeline. */
  runtimeOnly: boolean
}

export interface Scenario {
  path: 'legacy' | 'otn'
  workload: Workload
  cores: number
  /** Threads on the system before the workload (T for pivot_root's chroot_fs_refs); each live container adds one. */
  systemThreads: number
  /** Base host mount table M (before the workload's pods). */
  hostMounts: number
  pod: PodShape
  /** Background mountinfo readers, each re-reading the whole host table every ~intervalNs (exponential). */
  readers: {count: number; intervalNs: number}
  /**
   * systemd re-reading mountinfo after each host mount change, rate-limited to `burst` reads per
   * `windowNs` (systemd >= 249: 5 per 1 s). Absent or null: no such reader.
   */
  systemdReader?: {burst: number; windowNs: number} | null
  /** Overrides model.costs.forkExecOverhead when set. */
  runtimeOverhead: DurationDistribution | null
  /**
   * Share of the runtime overhead that runs on a core (the rest is sleeping: waiting for the
   * child, cgroup and filesystem syncs). Default 1: all of it on a core, the most CPU-bound case.
   */
  runtimeOverheadCpuFraction?: number
  /**
   * Containers exit and tear down. Closed workload: right after each start, like
   * `crun run /bin/true` (the start then includes the teardown, as crun run's wall time does).
   * Burst/poisson: each pod lives `podLifetime` (default 0) after it started, then its
   * containers tear down and its host mounts are unmounted.
   */
  teardown: boolean
  /** OTN scenarios: fraction of containers that fall back to legacy (hooks, userns). */
  legacyFallbackFraction?: number
  /** Burst/poisson with teardown: how long a started pod runs before it exits. */
  podLifetime?: DurationDistribution | null
  /**
   * Opt-in, changes results (src/sim/README.md): a task keeps its core between the back-to-back
   * namespace_sem sections of one step (a runtime's mounts, the chunks of one mountinfo read), as
   * returning from one syscall and making the next does not give up the CPU unless the scheduler
   * asks. Default false: after each section the task queues for a core again (every model so far).
   */
  sectionsKeepCore?: boolean
}

/** mountinfo lines per read() chunk: its home is the model (calibrate needs it too). */
export {MOUNTINFO_LINES_PER_CHUNK} from '../model/kernel-constants.js'

/** Rejects a scenario the simulator cannot run, naming the field and the fix. */
export function validateScenario(s: Scenario): void {
  const nonNegInt = (v: number, name: string): void => {
    if (!Number.isInteger(v) || v < 0) throw new InputError(`scenario: ${name} must be a non-negative integer, got ${v}`, `Set ${name} to 0 or more.`)
  }
  const posInt = (v: number, name: string): void => {
    if (!Number.isInteger(v) || v < 1) throw new InputError(`scenario: ${name} must be a positive integer, got ${v}`, `Set ${name} to 1 or more.`)
  }
  posInt(s.cores, 'cores')
  nonNegInt(s.systemThreads, 'systemThreads')
  nonNegInt(s.hostMounts, 'hostMounts')
  posInt(s.pod.containers, 'pod.containers')
  nonNegInt(s.pod.initContainers, 'pod.initContainers')
  nonNegInt(s.pod.rootfsMounts, 'pod.rootfsMounts')
  nonNegInt(s.pod.runtimeMounts, 'pod.runtimeMounts')
  if (s.pod.runtimeBindMounts !== undefined) {
    nonNegInt(s.pod.runtimeBindMounts, 'pod.runtimeBindMounts')
    if (s.pod.runtimeBindMounts > s.pod.runtimeMounts) {
      throw new InputError(
        `scenario: pod.runtimeBindMounts (${s.pod.runtimeBindMounts}) exceeds pod.runtimeMounts (${s.pod.runtimeMounts})`,
        'Bind mounts are a subset of the runtime mounts.',
      )
    }
  }
  if (s.pod.legacyMountTableReads !== undefined) nonNegInt(s.pod.legacyMountTableReads, 'pod.legacyMountTableReads')
  nonNegInt(s.pod.hostMountsPerPod, 'pod.hostMountsPerPod')
  nonNegInt(s.pod.containerMounts, 'pod.containerMounts')
  nonNegInt(s.readers.count, 'readers.count')
  if (s.readers.count > 0 && !(s.readers.intervalNs > 0)) {
    throw new InputError(
      `scenario: readers.intervalNs must be positive, got ${s.readers.intervalNs}`,
      'Give the mean time between two reads of mountinfo by one reader.',
    )
  }
  if (s.systemdReader) {
    posInt(s.systemdReader.burst, 'systemdReader.burst')
    if (!(s.systemdReader.windowNs > 0))
      throw new InputError(`scenario: systemdReader.windowNs must be positive, got ${s.systemdReader.windowNs}`, 'systemd uses 1 s.')
  }
  const cpuShare = s.runtimeOverheadCpuFraction ?? 1
  if (!(cpuShare >= 0 && cpuShare <= 1))
    throw new InputError(
      `scenario: runtimeOverheadCpuFraction must be in [0, 1], got ${cpuShare}`,
      'Use 1 when the whole runtime overhead is CPU time, 0.3 when 30% is.',
    )
  const f = s.legacyFallbackFraction ?? 0
  if (!(f >= 0 && f <= 1)) throw new InputError(`scenario: legacyFallbackFraction must be in [0, 1], got ${f}`, 'Use e.g. 0.1 for 10% of containers.')
  const w = s.workload
  switch (w.kind) {
    case 'burst':
      posInt(w.pods, 'workload.pods')
      break
    case 'poisson':
      if (!(w.ratePerSec > 0) || !Number.isFinite(w.ratePerSec))
        throw new InputError(`scenario: workload.ratePerSec must be positive, got ${w.ratePerSec}`, 'Give arrivals per second, e.g. 2.')
      if (!(w.durationNs > 0) || !Number.isFinite(w.durationNs))
        throw new InputError(`scenario: workload.durationNs must be positive, got ${w.durationNs}`, 'Give the arrival window, e.g. 60 s.')
      break
    case 'closed':
      posInt(w.concurrency, 'workload.concurrency')
      posInt(w.starts, 'workload.starts')
      break
  }
}
