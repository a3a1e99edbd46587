import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {SNAPSHOT_API_VERSION, SNAPSHOT_KIND, type ClusterSnapshot} from '../../src/domain/snapshot.js'
import {summariseMountinfo} from '../../src/io/mountinfo-parse.js'
import {readSnapshot, writeSnapshot} from '../../src/io/snapshot-file.js'
import {SNAPSHOT_API_VERSION_V1ALPHA1, V1ALPHA1_WARNING} from '../../src/domain/snapshot-v1alpha1.js'
import {buildNodeClasses} from '../../src/profile/node-classes.js'
import {podMountProfile, emptyVolumeCounts} from '../../src/profile/pod-profile.js'

const dir = mkdtempSync(join(tmpdir(), 'dp-snapfile-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function snapshot(pods: number): ClusterSnapshot {
  const pod = {
    node: null,
    namespace: 'ns',
    ownerKind: 'ReplicaSet',
    phase: 'Running',
    qos: 'Burstable' as const,
    hostNetwork: false,
    hostUsers: null,
    containers: 1,
    initContainers: 0,
    sidecars: 0,
    requests: {cpuMilli: 100, memoryBytes: 1 << 27},
    volumes: emptyVolumeCounts(),
    volumeMounts: {total: 0, subPath: 0, bidirectional: 0, hostToContainer: 0},
    pvcClaims: [],
    hints: {gpu: false, runtimeClassName: null},
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    startLatencyMs: null,
    restarts: 0,
    profile: podMountProfile({
      hostNetwork: false,
      volumes: emptyVolumeCounts(),
      containers: [{volumeMounts: 0, subPathMounts: 0}],
      initContainers: [],
      sidecars: [],
    }),
  }
  return {
    apiVersion: SNAPSHOT_API_VERSION,
    kind: SNAPSHOT_KIND,
    collectedAt: '2026-01-01T01:00:00.000Z',
    source: {context: 'c', server: null, namespace: null, nodeSelector: null, anonymized: false},
    cluster: {version: 'v1.33.0'},
    observedWindowMs: 3_600_000,
    nodes: [],
    pods: Array.from({length: pods}, () => pod),
    derived: [],
    warnings: [],
    complete: true,
  }
}

describe('snapshot files', () => {
  it('round-trips through the streaming writer and validates on load, for 0, 1 and 2,500 pods', async () => {
    for (const n of [0, 1, 2500]) {
      const path = join(dir, `s${n}.json`)
      await writeSnapshot(path, snapshot(n))
      expect(await readSnapshot(path)).toEqual(snapshot(n))
    }
  })

  it('reads the same snapshot whole (JSON.parse) and streamed (files beyond wholeParseMaxBytes)', async () => {
    const path = join(dir, 'both-ways.json')
    await writeSnapshot(path, snapshot(300))
    const streamed = await readSnapshot(path, {wholeParseMaxBytes: 0})
    expect(streamed).toEqual(snapshot(300))
    expect(await readSnapshot(path)).toEqual(streamed)
  })

  it('writes the same bytes for the same snapshot', async () => {
    await writeSnapshot(join(dir, 'a.json'), snapshot(3))
    await writeSnapshot(join(dir, 'b.json'), snapshot(3))
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe(readFileSync(join(dir, 'b.json'), 'utf8'))
  })

  it('refuses to overwrite without force', async () => {
    const path = join(dir, 'keep.json')
    await writeSnapshot(path, snapshot(1))
    await expect(writeSnapshot(path, snapshot(2))).rejects.toThrow('already exists')
    await writeSnapshot(path, snapshot(2), {force: true})
    expect((await readSnapshot(path)).pods).toHaveLength(2)
  })

  it('reads a v1alpha1 snapshot (no pod requests, no podCIDR) as the current version with those fields unknown and a warning', async () => {
    const path = join(dir, 'old.json')
    const current = {
      ...snapshot(2),
      nodes: [
        {
          name: 'n1',
          pool: 'p',
          poolLabel: null,
          kernelVersion: '6.8.0',
          osImage: 'x',
          containerRuntimeVersion: 'containerd://1.7.24',
          kubeletVersion: 'v1.33.0',
          architecture: 'amd64',
          capacity: {cpuMilli: 4000, memoryBytes: 2 ** 34, pods: 110},
          allocatable: {cpuMilli: 3900, memoryBytes: 2 ** 34, pods: 110},
          podCIDR: '10.0.0.0/24',
          ready: true,
        },
      ],
    }
    const {podCIDR: _cidr, ...oldNode} = current.nodes[0]!
    const old = {
      ...current,
      apiVersion: SNAPSHOT_API_VERSION_V1ALPHA1,
      nodes: [oldNode],
      pods: current.pods.map(({requests: _r, ...rest}) => ({...rest, node: 'n1'})),
    }
    writeFileSync(path, JSON.stringify(old))
    const read = await readSnapshot(path)
    expect(read.apiVersion).toBe(SNAPSHOT_API_VERSION)
    expect(read.nodes[0]!.podCIDR).toBeNull()
    expect(read.pods.map((p) => p.requests)).toEqual([null, null])
    expect(read.warnings).toContain(V1ALPHA1_WARNING)
    const cls = buildNodeClasses(read)[0]!
    expect(cls.capacity.bounds.filter((b) => b.status === 'unknown').map((b) => b.limit)).toEqual(['cpu', 'memory', 'pod-ips'])
    // maxPods is still known and binds.
    expect(cls.capacity.bounds.find((b) => b.limit === 'max-pods')).toMatchObject({pods: 110, status: 'limit'})
  })

  it('still rejects a v1alpha1 snapshot that carries a v1alpha2-only field, naming it', async () => {
    const path = join(dir, 'mixed.json')
    writeFileSync(path, JSON.stringify({...snapshot(1), apiVersion: SNAPSHOT_API_VERSION_V1ALPHA1}))
    await expect(readSnapshot(path)).rejects.toThrow(/requests/)
  })

  it('names the file and the field of an invalid snapshot in one line', async () => {
    const path = join(dir, 'bad.json')
    writeFileSync(path, JSON.stringify({...snapshot(0), apiVersion: 'densityplan.dev/v0'}))
    await expect(readSnapshot(path)).rejects.toThrow(/bad\.json: apiVersion: /)
  })
})

describe('mountinfo summaries', () => {
  it('counts mounts, propagation tags and filesystem types', () => {
    const text =
      '22 1 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n30 22 0:40 / /var/lib/kubelet/pods/x rw shared:5 master:1 - tmpfs tmpfs rw\n31 22 0:41 / /u rw unbindable - tmpfs tmpfs rw\n'
    expect(summariseMountinfo('n', text)).toEqual({
      summary: {node: 'n', mounts: 3, propagation: {shared: 2, slave: 1, private: 0, unbindable: 1}, fsTypes: {tmpfs: 2, ext4: 1}},
    })
  })
  it('points at the first line that is not mountinfo', () => {
    expect(summariseMountinfo('n', '22 1 8:1 / / rw - ext4 /dev/sda1 rw\nnot a mount\n')).toMatchObject({badLine: 2})
  })
})
