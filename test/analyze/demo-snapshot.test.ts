import {describe, expect, it} from 'vitest'
import {ClusterSnapshotSchema} from '../../src/domain/snapshot.js'
import {loadDemoSnapshot, readDemoSnapshotText} from '../../src/io/demo.js'
import {DEMO_SPEC, generateSnapshot, largeSpec} from '../../src/demo/generator.js'
import {shippedStartLatencies} from '../../src/io/demo-observed.js'

describe('the embedded demo snapshot', () => {
  const text = readDemoSnapshotText()

  it('validates against the ClusterSnapshot schema', () => {
    const parsed = ClusterSnapshotSchema.safeParse(JSON.parse(text))
    expect(parsed.success ? 'ok' : parsed.error.issues.slice(0, 3)).toBe('ok')
    expect(loadDemoSnapshot().nodes.length).toBe(68)
  })

  it('is exactly what scripts/generate-demo.ts generates (regenerate it after changing the generator)', async () => {
    expect(`${JSON.stringify(ClusterSnapshotSchema.parse(generateSnapshot(DEMO_SPEC, await shippedStartLatencies())))}\n`).toBe(text)
  })

  it('has three pools, mixed kernels and runtimes, user-namespaced pods and a few thousand pods', () => {
    const snap = ClusterSnapshotSchema.parse(JSON.parse(text))
    expect(new Set(snap.nodes.map((n) => n.pool))).toEqual(new Set(['web', 'batch', 'sandboxed']))
    expect(new Set(snap.nodes.map((n) => n.kernelVersion.split('.')[0])).size).toBeGreaterThan(1)
    expect(new Set(snap.nodes.map((n) => n.containerRuntimeVersion.split(':')[0])).size).toBe(2)
    expect(snap.pods.some((p) => p.hostUsers === false)).toBe(true)
    expect(snap.pods.some((p) => p.ownerKind === 'Job' && p.phase === 'Succeeded')).toBe(true)
    expect(snap.pods.length).toBeGreaterThan(2000)
    expect(snap.pods.length).toBeLessThan(10_000)
  })

  it('scales to a large synthetic cluster with the requested node count', () => {
    const snap = generateSnapshot(largeSpec(30, 20))
    expect(snap.nodes).toHaveLength(30)
    expect(ClusterSnapshotSchema.safeParse(snap).success).toBe(true)
  })
})
