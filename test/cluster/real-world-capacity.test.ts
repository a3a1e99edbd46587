import {readFileSync} from 'node:fs'
import type {V1Node, V1Pod} from '@kubernetes/client-node'
import {describe, expect, it} from 'vitest'
import {identity, makeAnonymizer} from '../../src/cluster/anonymizer.js'
import {translateNode} from '../../src/cluster/translate-node.js'
import {translatePod} from '../../src/cluster/translate-pod.js'
import {SNAPSHOT_API_VERSION, SNAPSHOT_KIND, type ClusterSnapshot} from '../../src/domain/snapshot.js'
import {buildNodeClasses} from '../../src/profile/node-classes.js'
import {deriveNodes} from '../../src/profile/node-profile.js'

/** Real NodeList/PodList JSON (test/fixtures/real-world/SOURCES.md), translated and profiled as collect does. */
function items<T>(file: string): T[] {
  const raw = JSON.parse(readFileSync(new URL(`../fixtures/real-world/${file}`, import.meta.url), 'utf8')) as {items?: T[]} | T[]
  return Array.isArray(raw) ? raw : (raw.items ?? [])
}

function snapshotOf(nodeFile: string, podFiles: string[]): ClusterSnapshot {
  const endMs = Date.parse('2030-01-01T00:00:00Z')
  const nodes = items<V1Node>(nodeFile).map((n) => translateNode(n, identity))
  const pods = podFiles.flatMap((f) => items<V1Pod>(f)).map((p) => translatePod(p, {anon: identity, windowStartMs: endMs - 3_600_000, windowEndMs: endMs}))
  return {
    apiVersion: SNAPSHOT_API_VERSION,
    kind: SNAPSHOT_KIND,
    collectedAt: new Date(endMs).toISOString(),
    source: {context: null, server: null, namespace: null, nodeSelector: null, anonymized: false},
    cluster: {version: 'v1.20'},
    observedWindowMs: 3_600_000,
    nodes,
    pods,
    derived: deriveNodes({nodes, pods, windowEndMs: endMs, windowMs: 3_600_000}),
    warnings: [],
    complete: true,
  }
}

describe('capacity inputs from real cluster objects', () => {
  it('reads podCIDR and allocatable from a real kind NodeList, and the effective requests from its kube-system pods', () => {
    const snap = snapshotOf('k8s-nodes-kind-v1.20-sonobuoy.json', ['k8s-pods-kube-system-kind-v1.20-sonobuoy.json'])
    const cp = snap.nodes.find((n) => n.name === 'kind-control-plane')!
    expect(cp.podCIDR).toBe('10.244.0.0/24')
    expect(cp.allocatable.cpuMilli).toBe(8000)
    // coredns in this list requests 100m / 70Mi (limits 170Mi are not requests).
    const requests = snap.pods.map((p) => p.requests)
    expect(requests).toContainEqual({cpuMilli: 100, memoryBytes: 70 * 2 ** 20})
    expect(requests.every((r) => r !== null)).toBe(true)
  })

  it('binds the control plane by CPU requests (its static pods request 100-250m each) and the workers by maxPods', () => {
    const classes = buildNodeClasses(snapshotOf('k8s-nodes-kind-v1.20-sonobuoy.json', ['k8s-pods-kube-system-kind-v1.20-sonobuoy.json']))
    const limits = (node: string) => Object.fromEntries(classes.find((c) => c.nodeNames.includes(node))!.capacity.bounds.map((b) => [b.limit, b]))
    const cp = limits('kind-control-plane')
    // 8 pods on the control plane request 100+100+250+200+0+100 (etcd, kindnet, apiserver, controller-manager,
    // kube-proxy, scheduler) + 2 × 100 (coredns): mean 118.75m → 8000m / 118.75m = 67 pods.
    expect(cp['cpu']).toMatchObject({pods: 67, status: 'limit'})
    // Only coredns (2 of 8) needs a pod IP: 253 addresses hold 4× as many pods of this mix.
    expect(cp['pod-ips']).toMatchObject({pods: 253 * 4, status: 'limit'})
    expect(cp['memory']!.status).toBe('limit')
    // Workers run kindnet (100m) and kube-proxy (no request): 8000m / 50m = 160 > maxPods 110.
    const worker = limits('kind-worker')
    expect(worker['cpu']!.pods).toBe(160)
    expect(Math.min(...Object.values(worker).flatMap((b) => (b.pods === null ? [] : [b.pods])))).toBe(110)
  })

  it('reads a masked podCIDR of a real support bundle by its prefix, and a node without one as unknown', () => {
    const nodes = items<V1Node>('k8s-nodes-mixed-7-real-nodes-troubleshoot-testdata.json').map((n) => translateNode(n, identity))
    expect(nodes.find((n) => n.name === 'repldev-marc')!.podCIDR).toBeNull()
    const snap = snapshotOf('k8s-nodes-mixed-7-real-nodes-troubleshoot-testdata.json', [])
    const small = buildNodeClasses(snap).find((c) => c.nodeNames.includes('smallnode-3i74t'))!
    expect(small.capacity.bounds.find((b) => b.limit === 'pod-ips')).toMatchObject({pods: 128 - 3, status: 'limit'})
  })

  it('keeps only the prefix length of a podCIDR when anonymizing', () => {
    const node = items<V1Node>('k8s-nodes-kind-v1.20-sonobuoy.json')[0]!
    expect(translateNode(node, makeAnonymizer('salt')).podCIDR).toBe('0.0.0.0/24')
  })
})
