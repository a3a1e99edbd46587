import {describe, expect, it} from 'vitest'
import {densityLimit} from '../../src/analyze/density-limit.js'
import type {ClassCapacity, SloSolution} from '../../src/domain/analysis.js'
import {formatDensity, NO_DENSITY_TEXT} from '../../src/domain/density-text.js'

const capacity = (cpu: number | null): ClassCapacity => ({
  requestsPerPod: null,
  podCIDR: null,
  bounds: [
    {limit: 'max-pods', pods: 110, status: 'limit', detail: ''},
    {limit: 'cpu', pods: cpu, status: cpu === null ? 'unknown' : 'limit', detail: ''},
    {limit: 'pod-ips', pods: null, status: 'unknown', detail: ''},
  ],
})
const slo = (maxPodsPerNode: number, status: SloSolution['status']): SloSolution => ({maxPodsPerNode, status, ci95: [maxPodsPerNode, maxPodsPerNode]})

describe('capacity-aware max pods/node', () => {
  it('caps a kernel lower bound ("≥ 138", the SLO held over the whole sweep) at the binding capacity limit, as an exact value', () => {
    const d = densityLimit(slo(138, 'beyond-sweep'), capacity(68))
    expect(d).toEqual({maxPodsPerNode: 68, binding: 'cpu', lowerBound: false, kernelBound: 138, kernelLowerBound: true})
    expect(formatDensity(d, {binding: true})).toBe('68 (CPU requests)')
  })

  it('lets the kernel-latency bound bind when it is the smallest', () => {
    expect(densityLimit(slo(46, 'crossing'), capacity(68))).toMatchObject({maxPodsPerNode: 46, binding: 'kernel-latency', lowerBound: false})
  })

  it('gives a tie to the capacity limit, and skips unknown limits', () => {
    expect(densityLimit(slo(110, 'crossing'), capacity(null))).toMatchObject({maxPodsPerNode: 110, binding: 'max-pods'})
  })

  it('keeps "≥" only when the kernel bound binds and is itself a lower bound', () => {
    const noCap: ClassCapacity = {requestsPerPod: null, podCIDR: null, bounds: []}
    const d = densityLimit(slo(313, 'beyond-sweep'), noCap)
    expect(d.lowerBound).toBe(true)
    expect(formatDensity(d)).toBe('≥ 313')
  })

  it('reads "none meets the SLO" when no density meets it', () => {
    expect(formatDensity(densityLimit(slo(0, 'never'), capacity(68)), {binding: true})).toBe(NO_DENSITY_TEXT)
  })
})
