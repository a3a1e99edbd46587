import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {VolumeCounts} from '../../src/domain/snapshot.js'
import {CONTAINER_BASE_MOUNTS, VOLUME_MOUNT_RULES} from '../../src/profile/mount-rules.js'
import {podMountProfile, type PodMountShape} from '../../src/profile/pod-profile.js'

const small = fc.integer({min: 0, max: 6})
const container = fc
  .record({volumeMounts: small, subPathMounts: small})
  .map((c) => ({volumeMounts: c.volumeMounts + c.subPathMounts, subPathMounts: c.subPathMounts}))
const volumes = fc.record(Object.fromEntries(Object.keys(VOLUME_MOUNT_RULES).map((k) => [k, small])) as Record<keyof VolumeCounts, fc.Arbitrary<number>>)
const pod: fc.Arbitrary<PodMountShape> = fc.record({
  hostNetwork: fc.boolean(),
  volumes,
  containers: fc.array(container, {minLength: 1, maxLength: 4}),
  initContainers: fc.array(container, {maxLength: 3}),
  sidecars: fc.array(container, {maxLength: 2}),
})

describe('pod mount profile, for any pod shape', () => {
  it('creates one mount namespace for the sandbox and one per container', () => {
    fc.assert(
      fc.property(pod, (p) => {
        expect(podMountProfile(p).namespaceCreations).toBe(1 + p.containers.length + p.sidecars.length + p.initContainers.length)
      }),
    )
  })

  it('gives every running container the runtime base mounts plus one bind per volumeMount', () => {
    fc.assert(
      fc.property(pod, (p) => {
        expect(podMountProfile(p).containerMounts).toEqual([...p.sidecars, ...p.containers].map((c) => CONTAINER_BASE_MOUNTS + c.volumeMounts))
      }),
    )
  })

  it('adds host mounts when any volume is added, except for types the table says add none', () => {
    fc.assert(
      fc.property(pod, fc.constantFrom(...(Object.keys(VOLUME_MOUNT_RULES) as Array<keyof VolumeCounts>)), (p, type) => {
        const more = {...p, volumes: {...p.volumes, [type]: p.volumes[type] + 1}}
        expect(podMountProfile(more).hostMounts - podMountProfile(p).hostMounts).toBe(VOLUME_MOUNT_RULES[type].hostMounts)
      }),
    )
  })
})
