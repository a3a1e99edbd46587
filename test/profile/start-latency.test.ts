import {describe, expect, it} from 'vitest'
import {allRunningSinceMs, observedStartLatencyMs} from '../../src/profile/start-latency.js'

describe('observed start latency', () => {
  const base = {createdMs: 1000, startedMs: 3500, restarts: 0, windowStartMs: 0, windowEndMs: 5000}
  it('is creation to all containers running for a pod created in the window', () => {
    expect(observedStartLatencyMs(base)).toBe(2500)
  })
  it('is unknown for a restarted pod, a pod created before the window, or one not running yet', () => {
    expect(observedStartLatencyMs({...base, restarts: 1})).toBeNull()
    expect(observedStartLatencyMs({...base, windowStartMs: 2000})).toBeNull()
    expect(observedStartLatencyMs({...base, startedMs: null})).toBeNull()
  })
  it('takes the last container start, and only once every container runs', () => {
    expect(allRunningSinceMs([10, 30, 20], 3)).toBe(30)
    expect(allRunningSinceMs([10, null], 2)).toBeNull()
    expect(allRunningSinceMs([10], 2)).toBeNull()
  })
})
