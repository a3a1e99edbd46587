import type {KernelModel} from '../model/schema.js'
import {runScenario} from '../sim/run-scenario.js'
import type {Scenario} from '../sim/scenario.js'
import {withContention} from './contention.js'
import type {ClassRunSample, ClassRunSpec, SimulateFn} from './class-run.js'

/**
 * Node-level facts the snapshot does not carry, as documented assumptions (listed in every
 * report): threads on an idle node and per running pod (pivot_root walks every thread,
 * chroot_fs_refs), and the background mountinfo readers (systemd, kubelet/cadvisor, a node agent).
 */
export const NODE_ASSUMPTIONS = {
  baseThreads: 400,
  threadsPerPod: 12,
  readers: 3,
  readerIntervalMs: 5000,
}

/**
 * Of a container's runtime mounts, the new filesystems the OCI default spec makes: proc, the /dev
 * tmpfs, devpts, mqueue, sysfs and cgroup (src/profile/mount-rules.ts CONTAINER_BASE_MOUNTS).
 * On the OTN path crun creates them with fsmount, which takes no namespace_sem, so only the other
 * runtime mounts are pre-opened with open_tree(OPEN_TREE_CLONE) (docs/model.md); every one is
 * still attached with move_mount.
 */
export const OCI_NEW_FILESYSTEMS = 6

/** Maps an analysis operating point onto src/sim's Scenario and runs it. */
export function simulatorFor(models: {legacy: KernelModel; otn: KernelModel}): SimulateFn {
  // One model object per (path, cores, contention mode, OTN cost scale), so the engine sees the
  // curve chosen for the class's core count (contention.ts) and the sensitivity panel's OTN cost
  // without a copy per run.
  const cache = new Map<string, KernelModel>()
  const scaledOtn = (scale: number): KernelModel => {
    if (scale === 1) return models.otn
    const otn = models.otn.costs.otn
    return {...models.otn, costs: {...models.otn.costs, otn: {...otn, fixedNs: otn.fixedNs * scale, perUnitNs: otn.perUnitNs * scale}}}
  }
  const modelFor = (spec: ClassRunSpec): KernelModel => {
    const scale = spec.path === 'otn' ? (spec.otnCostScale ?? 1) : 1
    const key = `${spec.path}/${spec.cores}/${spec.contention}/${scale}`
    let m = cache.get(key)
    if (!m) cache.set(key, (m = withContention(spec.path === 'legacy' ? models.legacy : scaledOtn(scale), spec.cores, spec.contention)))
    return m
  }
  return (spec, seed) => toSample(runScenario(modelFor(spec), toScenario(spec), seed))
}

export function toScenario(spec: ClassRunSpec): Scenario {
  const perPod = Math.max(0, Math.round(spec.hostMountsPerPod))
  const runtimeMounts = Math.max(1, Math.round(spec.runtimeMountsPerContainer))
  return {
    path: spec.path,
    workload: {kind: 'burst', pods: spec.burstPods},
    cores: spec.cores,
    systemThreads: NODE_ASSUMPTIONS.baseThreads + NODE_ASSUMPTIONS.threadsPerPod * spec.podsRunning,
    // The table before the burst: the burst's own pods add their mounts as they start.
    hostMounts: Math.max(30, spec.hostMounts - perPod * spec.burstPods),
    pod: {
      containers: Math.max(1, Math.round(spec.containersPerPod)),
      initContainers: Math.max(0, Math.round(spec.initContainersPerPod)),
      rootfsMounts: 1,
      runtimeMounts,
      runtimeBindMounts: Math.max(0, runtimeMounts - OCI_NEW_FILESYSTEMS),
      hostMountsPerPod: perPod,
      containerMounts: runtimeMounts,
      podOverhead: {
        kind: 'lognormal',
        medianNs: spec.overhead.medianMs * 1e6,
        p90Ns: Math.max(spec.overhead.p90Ms, spec.overhead.medianMs * 1.01) * 1e6,
        source: {command: 'densityplan analyze (observed pod starts or documented default)', samples: 1},
      },
      runtimeOnly: false,
    },
    readers: {count: NODE_ASSUMPTIONS.readers, intervalNs: NODE_ASSUMPTIONS.readerIntervalMs * 1e6},
    runtimeOverhead: null,
    teardown: false,
    legacyFallbackFraction: spec.path === 'otn' ? spec.legacyFallbackFraction : 0,
  }
}

function toSample(out: ReturnType<typeof runScenario>): ClassRunSample {
  const ms = (a: Float64Array): Float64Array => a.map((x) => x / 1e6)
  return {
    podStartMs: ms(out.podStartNs),
    containerStartMs: ms(out.containerStartNs),
    lockWaitMs: ms(out.lockWaitNs),
    lockHoldMs: ms(out.lockHoldNs),
    lockUtilization: Math.min(1, Math.max(0, out.sem.utilization)),
  }
}
