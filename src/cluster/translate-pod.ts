import type {V1Container, V1Pod, V1Volume} from '@kubernetes/client-node'
import type {PodRequests, QosClass, SnapshotPod, VolumeCounts, VolumeMountCounts} from '../domain/snapshot.js'
import {emptyVolumeCounts, podMountProfile, type ContainerMountShape} from '../profile/pod-profile.js'
import {allRunningSinceMs, observedStartLatencyMs} from '../profile/start-latency.js'
import type {Anonymizer} from './anonymizer.js'
import {Interner} from './intern.js'
import {cpuMilli, wholeUnits} from './quantity.js'

/** Extended resources that mean a device plugin and, usually, an OCI hook (crun falls back to legacy). */
const GPU_RESOURCE = /(^|\/)gpu$|^nvidia\.com\/|^amd\.com\/gpu|^gpu\.intel\.com\/|^habana\.ai\/|^aws\.amazon\.com\/neuron/

export interface PodTranslateContext {
  anon: Anonymizer
  /** Shares equal sub-objects and strings across pods (memory at 100k+ pods). */
  intern?: Interner
  windowStartMs: number
  windowEndMs: number
}

/**
 * A Pod reduced to counts, versions and timestamps. Reads only spec structure and status
 * times: env, args, command, annotations, labels and Secret data are never copied.
 * Pod pages are pruned first (prune-pod.ts): a field read here must also be kept there.
 */
export function translatePod(pod: V1Pod, ctx: PodTranslateContext): SnapshotPod {
  const spec = pod.spec
  const ns = pod.metadata?.namespace ?? 'default'
  const containers = spec?.containers ?? []
  const inits = spec?.initContainers ?? []
  const sidecars = inits.filter((c) => c.restartPolicy === 'Always')
  const initOnly = inits.filter((c) => c.restartPolicy !== 'Always')
  const {volumes, claims} = countVolumes(spec?.volumes ?? [], ns, pod.metadata?.name ?? '', ctx.anon)
  const createdMs = pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).getTime() : 0
  const statuses = pod.status?.containerStatuses ?? []
  const startedMs = allRunningSinceMs(
    statuses.map((s) => (s.state?.running?.startedAt ? new Date(s.state.running.startedAt).getTime() : null)),
    containers.length,
  )
  const restarts = [...statuses, ...(pod.status?.initContainerStatuses ?? [])].reduce((n, s) => n + (s.restartCount ?? 0), 0)
  const shape = (c: V1Container): ContainerMountShape => ({
    volumeMounts: c.volumeMounts?.length ?? 0,
    subPathMounts: c.volumeMounts?.filter((m) => m.subPath || m.subPathExpr).length ?? 0,
  })
  const i: Pick<Interner, 'object' | 'string'> = ctx.intern ?? NO_INTERN
  return {
    node: spec?.nodeName ? i.string(ctx.anon.name('node', spec.nodeName)) : null,
    namespace: i.string(ctx.anon.name('ns', ns)),
    ownerKind: i.string(pod.metadata?.ownerReferences?.find((o) => o.controller)?.kind ?? 'None'),
    phase: i.string(pod.status?.phase ?? 'Unknown'),
    qos: qosClass(pod),
    hostNetwork: spec?.hostNetwork ?? false,
    hostUsers: spec?.hostUsers ?? null,
    containers: containers.length,
    initContainers: initOnly.length,
    sidecars: sidecars.length,
    requests: i.object(podRequests(containers, sidecars, initOnly, spec?.overhead)),
    volumes: i.object(volumes),
    volumeMounts: i.object(countMounts([...containers, ...inits])),
    pvcClaims: i.object(claims.map((c) => i.string(c))),
    hints: i.object({
      gpu: [...containers, ...inits].some((c) =>
        [...Object.keys(c.resources?.limits ?? {}), ...Object.keys(c.resources?.requests ?? {})].some((r) => GPU_RESOURCE.test(r)),
      ),
      runtimeClassName: spec?.runtimeClassName ?? null,
    }),
    createdAt: new Date(createdMs).toISOString(),
    startedAt: startedMs === null ? null : new Date(startedMs).toISOString(),
    startLatencyMs: observedStartLatencyMs({createdMs, startedMs, restarts, windowStartMs: ctx.windowStartMs, windowEndMs: ctx.windowEndMs}),
    restarts,
    profile: i.object(
      podMountProfile({
        hostNetwork: spec?.hostNetwork ?? false,
        volumes,
        containers: containers.map(shape),
        initContainers: initOnly.map(shape),
        sidecars: sidecars.map(shape),
      }),
    ),
  }
}

/** Without an interner every pod gets its own objects. */
const NO_INTERN: Pick<Interner, 'object' | 'string'> = {object: (v) => v, string: (v) => v}

function countVolumes(list: V1Volume[], ns: string, podName: string, anon: Anonymizer): {volumes: VolumeCounts; claims: string[]} {
  const v = emptyVolumeCounts()
  const claims: string[] = []
  for (const vol of list) {
    if (vol.secret) v.secret++
    else if (vol.projected) v.projected++
    else if (vol.configMap) v.configMap++
    else if (vol.downwardAPI) v.downwardAPI++
    else if (vol.emptyDir?.medium === 'Memory') v.emptyDirMemory++
    else if (vol.emptyDir) v.emptyDirDisk++
    else if (vol.persistentVolumeClaim) {
      v.pvc++
      claims.push(anon.name('pvc', `${ns}/${vol.persistentVolumeClaim.claimName}`))
    } else if (vol.ephemeral) {
      v.ephemeral++
      // The PVC of a generic ephemeral volume is named <pod>-<volume>.
      claims.push(anon.name('pvc', `${ns}/${podName}-${vol.name}`))
    } else if (vol.csi) v.csiEphemeral++
    else if (vol.hostPath) v.hostPath++
    else v.other++
  }
  return {volumes: v, claims}
}

function countMounts(containers: V1Container[]): VolumeMountCounts {
  const c: VolumeMountCounts = {total: 0, subPath: 0, bidirectional: 0, hostToContainer: 0}
  for (const container of containers) {
    for (const m of container.volumeMounts ?? []) {
      c.total++
      if (m.subPath || m.subPathExpr) c.subPath++
      if (m.mountPropagation === 'Bidirectional') c.bidirectional++
      else if (m.mountPropagation === 'HostToContainer') c.hostToContainer++
    }
  }
  return c
}

/**
 * The pod's effective request as the scheduler counts it (KEP-753 rules): app containers and
 * native sidecars run together, each init container runs alone next to the sidecars (all of them
 * counted here: a slight over-estimate when an init container precedes some), so the request is
 * the larger of the two, plus the RuntimeClass overhead (spec.overhead).
 */
function podRequests(containers: V1Container[], sidecars: V1Container[], initOnly: V1Container[], overhead: Record<string, string> | undefined): PodRequests {
  const req = (c: V1Container, r: 'cpu' | 'memory'): number => {
    const q = c.resources?.requests?.[r] ?? c.resources?.limits?.[r]
    return r === 'cpu' ? cpuMilli(q) : wholeUnits(q)
  }
  const one = (r: 'cpu' | 'memory'): number => {
    const running = [...containers, ...sidecars].reduce((s, c) => s + req(c, r), 0)
    const sidecarSum = sidecars.reduce((s, c) => s + req(c, r), 0)
    const init = Math.max(0, ...initOnly.map((c) => req(c, r) + sidecarSum))
    return Math.max(running, init) + (r === 'cpu' ? cpuMilli(overhead?.[r]) : wholeUnits(overhead?.[r]))
  }
  return {cpuMilli: one('cpu'), memoryBytes: one('memory')}
}

/** status.qosClass when the API server set it; otherwise the kubelet's rule (pkg/apis/core/helper/qos). */
function qosClass(pod: V1Pod): QosClass {
  const set = pod.status?.qosClass
  if (set === 'Guaranteed' || set === 'Burstable' || set === 'BestEffort') return set
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]
  const any = all.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length)
  if (!any) return 'BestEffort'
  const guaranteed = all.every((c) =>
    ['cpu', 'memory'].every((r) => {
      const lim = c.resources?.limits?.[r]
      const req = c.resources?.requests?.[r] ?? lim
      return lim !== undefined && req === lim
    }),
  )
  return guaranteed ? 'Guaranteed' : 'Burstable'
}
