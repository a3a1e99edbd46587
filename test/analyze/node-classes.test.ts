import {describe, expect, it} from 'vitest'
import {generateSnapshot, type SyntheticClusterSpec} from '../../src/demo/generator.js'
import {buildNodeClasses} from '../../src/profile/node-classes.js'

const spec: SyntheticClusterSpec = {
  context: 'unit',
  collectedAt: '2026-11-20T09:00:00Z',
  seed: 7,
  pools: [
    {
      name: 'web',
      nodes: 6,
      cpuMilli: 7910,
      maxPods: 110,
      podsPerNode: 30,
      kind: 'web',
      observedStarts: true,
      images: [
        {share: 0.5, kernel: '6.8.0-1021-aws', osImage: 'Ubuntu 24.04.1 LTS', cri: 'containerd://1.7.24'},
        {share: 0.5, kernel: '7.0.4-200.fc43.x86_64', osImage: 'Fedora CoreOS 43', cri: 'cri-o://1.34.1'},
      ],
    },
    {
      name: 'iso',
      nodes: 2,
      cpuMilli: 3920,
      maxPods: 110,
      podsPerNode: 20,
      kind: 'userns',
      observedStarts: false,
      images: [{share: 1, kernel: '7.0.4-200.fc43.x86_64', osImage: 'Fedora CoreOS 43', cri: 'cri-o://1.34.1'}],
    },
  ],
}

describe('buildNodeClasses', () => {
  it('groups nodes by pool, kernel and runtime, so work scales with profiles, not nodes', () => {
    const classes = buildNodeClasses(generateSnapshot(spec))
    expect(classes.map((c) => [c.pool, c.kernel, c.nodeNames.length])).toEqual(
      expect.arrayContaining([
        ['web', '6.8.0-1021-aws', 3],
        ['web', '7.0.4-200.fc43.x86_64', 3],
        ['iso', '7.0.4-200.fc43.x86_64', 2],
      ]),
    )
    expect(classes).toHaveLength(3)
    expect(classes.reduce((n, c) => n + c.nodeNames.length, 0)).toBe(8)
  })

  it('marks only Linux ≥ 7.0 nodes with crun ≥ 1.29 as taking the OTN path today', () => {
    const classes = buildNodeClasses(generateSnapshot(spec))
    for (const c of classes) expect(c.otnCapableToday).toBe(c.kernel.startsWith('7.') && c.containerRuntime.startsWith('cri-o'))
    expect(buildNodeClasses(generateSnapshot(spec), {ociRuntime: 'runc'}).every((c) => !c.otnCapableToday)).toBe(true)
  })

  it('splits a group whose mount tables differ by more than 30% and keeps near-equal ones together', () => {
    const snap = generateSnapshot({...spec, pools: [{...spec.pools[1]!, nodes: 4}]})
    const d = snap.derived
    d[0]!.estimatedHostMounts = 200
    d[1]!.estimatedHostMounts = 210
    d[2]!.estimatedHostMounts = 205
    d[3]!.estimatedHostMounts = 900
    const classes = buildNodeClasses(snap)
    expect(classes.map((c) => c.nodeNames.length).sort()).toEqual([1, 3])
    expect(classes.find((c) => c.nodeNames.length === 3)!.hostMountsToday).toBe(205)
  })

  it('derives pod shape shares and bursts from the pods on the class’s nodes', () => {
    const iso = buildNodeClasses(generateSnapshot(spec)).find((c) => c.pool === 'iso')!
    expect(iso.podShape.userNamespacePodFraction).toBeGreaterThan(0.5)
    expect(iso.bursts.drainRefill).toBe(iso.podsPerNodeToday)
    expect(iso.observedStartMs).toEqual([])
    const web = buildNodeClasses(generateSnapshot(spec)).find((c) => c.pool === 'web')!
    expect(web.observedStartMs.length).toBeGreaterThan(0)
    expect(web.hostMountsPerPod).toBeGreaterThan(0)
  })

  it('extrapolates mounts per pod from the pod specs, not from a table inflated by leaked mounts', () => {
    const snap = generateSnapshot({...spec, pools: [{...spec.pools[1]!, nodes: 2}]})
    const before = buildNodeClasses(snap)[0]!
    for (const d of snap.derived) d.estimatedHostMounts += 5000
    const after = buildNodeClasses(snap)[0]!
    expect(after.hostMountsToday).toBe(before.hostMountsToday + 5000)
    expect(after.hostMountsPerPod).toBe(before.hostMountsPerPod)
    expect(after.hostMountsPerPod).toBeLessThan(10)
  })

  it('gives the same classes and ids for the same snapshot', () => {
    expect(buildNodeClasses(generateSnapshot(spec))).toEqual(buildNodeClasses(generateSnapshot(spec)))
  })
})
