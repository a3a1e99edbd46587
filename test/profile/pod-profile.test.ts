import {describe, expect, it} from 'vitest'
import type {VolumeType} from '../../src/domain/snapshot.js'
import {CONTAINER_BASE_MOUNTS, HOST_BASELINE_MOUNTS} from '../../src/profile/mount-rules.js'
import {deriveNodes} from '../../src/profile/node-profile.js'
import {emptyVolumeCounts, podMountProfile, type PodMountShape} from '../../src/profile/pod-profile.js'

/** A pod with one app container and no volumes: sandbox rootfs + shm + netns + 1 rootfs = 4 host mounts. */
function bare(): PodMountShape {
  return {hostNetwork: false, volumes: emptyVolumeCounts(), containers: [{volumeMounts: 0, subPathMounts: 0}], initContainers: [], sidecars: []}
}

/** Adds one volume of `type`, mounted once by the app container. */
function withVolume(type: VolumeType): PodMountShape {
  const pod = bare()
  pod.volumes[type] = 1
  pod.containers = [{volumeMounts: 1, subPathMounts: 0}]
  return pod
}

// Expected values are the table in docs/kernel-model.md "Host-side mounts per pod", written out by hand.
const table: Array<[VolumeType, number, string]> = [
  ['secret', 1, 'a tmpfs per secret'],
  ['projected', 1, 'a tmpfs per projected volume, the service-account token included'],
  ['downwardAPI', 1, 'a tmpfs per downwardAPI volume'],
  ['emptyDirMemory', 1, 'a tmpfs per memory emptyDir'],
  ['configMap', 0, 'nothing on the host for a configMap'],
  ['emptyDirDisk', 0, 'nothing on the host for a disk emptyDir'],
  ['hostPath', 0, 'nothing on the host for a hostPath'],
  ['pvc', 1, 'a CSI publish mount per PVC (staging is counted per node)'],
  ['ephemeral', 1, 'a CSI publish mount per generic ephemeral volume'],
  ['csiEphemeral', 1, 'a CSI publish mount per inline CSI volume'],
  ['other', 1, 'one host mount per other volume (estimate)'],
]

describe('pod mount profile', () => {
  it('counts sandbox rootfs, /dev/shm, netns bind and one rootfs per container for a bare pod', () => {
    const p = podMountProfile(bare())
    expect(p.hostMounts).toBe(4)
    expect(p.containerMounts).toEqual([CONTAINER_BASE_MOUNTS])
    expect(p.namespaceCreations).toBe(2)
  })

  for (const [type, host, why] of table) {
    it(`a ${type} volume adds ${host} host mount(s) and one bind in the container that mounts it: ${why}`, () => {
      const before = podMountProfile(bare())
      const after = podMountProfile(withVolume(type))
      expect(after.hostMounts - before.hostMounts).toBe(host)
      expect(after.containerMounts[0]! - before.containerMounts[0]!).toBe(1)
    })
  }

  it('a volume mounted by two containers adds its host mount once and a bind in each container', () => {
    const pod = withVolume('secret')
    pod.containers = [
      {volumeMounts: 1, subPathMounts: 0},
      {volumeMounts: 1, subPathMounts: 0},
    ]
    const p = podMountProfile(pod)
    expect(p.hostMounts).toBe(4 + 1 + 1) // + second rootfs + one secret tmpfs
    expect(p.containerMounts).toEqual([CONTAINER_BASE_MOUNTS + 1, CONTAINER_BASE_MOUNTS + 1])
  })

  it('each subPath mount adds one host bind but no extra container mount', () => {
    const pod = withVolume('configMap')
    pod.containers = [{volumeMounts: 3, subPathMounts: 2}]
    const p = podMountProfile(pod)
    expect(p.hostMounts).toBe(4 + 2)
    expect(p.containerMounts).toEqual([CONTAINER_BASE_MOUNTS + 3])
  })

  it('a host-network pod has no netns bind', () => {
    expect(podMountProfile({...bare(), hostNetwork: true}).hostMounts).toBe(3)
  })

  it('sidecars hold a rootfs like app containers; init containers only while they run', () => {
    const pod = bare()
    pod.sidecars = [{volumeMounts: 1, subPathMounts: 0}]
    pod.initContainers = [
      {volumeMounts: 0, subPathMounts: 0},
      {volumeMounts: 2, subPathMounts: 0},
    ]
    const p = podMountProfile(pod)
    expect(p.hostMounts).toBe(5)
    expect(p.initHostMounts).toBe(2)
    expect(p.containerMounts).toEqual([CONTAINER_BASE_MOUNTS + 1, CONTAINER_BASE_MOUNTS])
    expect(p.initContainerMounts).toEqual([CONTAINER_BASE_MOUNTS, CONTAINER_BASE_MOUNTS + 2])
    expect(p.namespaceCreations).toBe(1 + 2 + 2)
  })
})

describe('node profile', () => {
  const node = {
    name: 'n1',
    pool: 'p',
    poolLabel: null,
    kernelVersion: '6.1',
    osImage: '',
    containerRuntimeVersion: '',
    kubeletVersion: '',
    architecture: 'amd64',
    capacity: {cpuMilli: 2000, memoryBytes: 1, pods: 110},
    allocatable: {cpuMilli: 2000, memoryBytes: 1, pods: 110},
    podCIDR: null,
    ready: true,
  }
  const pod = (over: Partial<{phase: string; createdAt: string; claims: string[]; node: string | null}>) => ({
    node: over.node === undefined ? 'n1' : over.node,
    namespace: 'ns',
    ownerKind: 'ReplicaSet',
    phase: over.phase ?? 'Running',
    qos: 'BestEffort' as const,
    hostNetwork: false,
    hostUsers: null,
    containers: 1,
    initContainers: 0,
    sidecars: 0,
    requests: null,
    volumes: emptyVolumeCounts(),
    volumeMounts: {total: 0, subPath: 0, bidirectional: 0, hostToContainer: 0},
    pvcClaims: over.claims ?? [],
    hints: {gpu: false, runtimeClassName: null},
    createdAt: over.createdAt ?? '2026-01-01T00:30:00Z',
    startedAt: null,
    startLatencyMs: null,
    restarts: 0,
    profile: podMountProfile(bare()),
  })
  const windowEndMs = Date.parse('2026-01-01T01:00:00Z')

  it('adds baseline, each running pod, and one staging mount per distinct claim; finished pods add nothing', () => {
    const [d] = deriveNodes({
      nodes: [node],
      windowEndMs,
      windowMs: 3_600_000,
      pods: [pod({claims: ['ns/a']}), pod({claims: ['ns/a', 'ns/b']}), pod({phase: 'Succeeded', claims: ['ns/c']}), pod({node: null})],
    })
    expect(d).toMatchObject({pods: 3, runningPods: 2, containers: 2, hostMountsSource: 'estimate'})
    expect(d!.estimatedHostMounts).toBe(HOST_BASELINE_MOUNTS + 4 + 4 + 2)
  })

  it('uses the real mount count of a mountinfo capture instead of the estimate', () => {
    const [d] = deriveNodes({
      nodes: [node],
      pods: [pod({})],
      windowEndMs,
      windowMs: 3_600_000,
      mountinfo: [{node: 'n1', mounts: 1234, propagation: {shared: 1, slave: 0, private: 0, unbindable: 0}, fsTypes: {}}],
    })
    expect(d).toMatchObject({estimatedHostMounts: 1234, hostMountsSource: 'mountinfo'})
  })

  it('rates pod creations inside the window per minute and ignores older pods', () => {
    const pods = [pod({createdAt: '2026-01-01T00:10:00Z'}), pod({createdAt: '2026-01-01T00:50:00Z'}), pod({createdAt: '2025-12-31T00:00:00Z'})]
    const [d] = deriveNodes({nodes: [node], pods, windowEndMs, windowMs: 3_600_000})
    expect(d!.podCreationRatePerMin).toBeCloseTo(2 / 60, 3)
  })
})
