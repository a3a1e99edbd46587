import {describe, expect, it} from 'vitest'
import {identity} from '../../src/cluster/anonymizer.js'
import {prunePod, prunePodListText} from '../../src/cluster/prune-pod.js'
import {translatePod} from '../../src/cluster/translate-pod.js'
import {makeWorld} from '../support/k8s-api-server/world.js'

// Pruning happens before client-node's typed copy; translating a pruned pod must give exactly
// what translating the full pod gives, for every kind of pod the test cluster generates.
const world = makeWorld({podsPerNode: 40, unscheduledPods: 3})
const ctx = {anon: identity, windowStartMs: world.nowMs - 3_600_000, windowEndMs: world.nowMs}
type AnyPod = Parameters<typeof translatePod>[0]

describe('pod pruning', () => {
  it('keeps every field the translator reads', () => {
    for (let i = 0; i < world.podCount; i++) {
      const full = world.pod(i)
      expect(translatePod(prunePod(full) as AnyPod, ctx), `pod ${i}`).toEqual(translatePod(full as AnyPod, ctx))
    }
  })

  it('drops env values, args, commands and annotations', () => {
    const text = prunePodListText(JSON.stringify({kind: 'PodList', items: [world.pod(7), world.pod(8)]}))
    for (const needle of ['env-secret-value', 'cmdline-secret', 'annotation-secret-value', 'DB_PASSWORD', '/bin/server']) expect(text).not.toContain(needle)
    expect(JSON.parse(text).items).toHaveLength(2)
  })

  it('passes anything that is not a list through unchanged', () => {
    expect(prunePodListText('{"kind":"Status"}')).toBe('{"kind":"Status"}')
    expect(prunePodListText('not json')).toBe('not json')
  })
})
