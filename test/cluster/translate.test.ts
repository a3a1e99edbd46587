import {describe, expect, it} from 'vitest'
import {makeAnonymizer} from '../../src/cluster/anonymizer.js'
import {nodePool} from '../../src/cluster/node-pool.js'
import {parseHistograms} from '../../src/cluster/prometheus.js'
import {cpuMilli, parseQuantity, wholeUnits} from '../../src/cluster/quantity.js'

describe('resource quantities', () => {
  it('reads CPU as millicores, rounding up like the scheduler', () => {
    expect(cpuMilli('8')).toBe(8000)
    expect(cpuMilli('7910m')).toBe(7910)
    expect(cpuMilli('0.5')).toBe(500)
    expect(cpuMilli('100u')).toBe(1)
  })
  it('reads binary and decimal suffixes and exponents', () => {
    expect(wholeUnits('31Gi')).toBe(31 * 2 ** 30)
    expect(wholeUnits('128M')).toBe(128e6)
    expect(wholeUnits('1e3')).toBe(1000)
    expect(wholeUnits('110')).toBe(110)
  })
  it('treats garbage as absent', () => {
    expect(parseQuantity('12 apples')).toBeNull()
    expect(cpuMilli(undefined)).toBe(0)
  })
})

describe('node pools', () => {
  it('tries GKE, EKS, Karpenter, AKS, then instance type; a --pool-label wins', () => {
    expect(nodePool({'eks.amazonaws.com/nodegroup': 'ng1', 'node.kubernetes.io/instance-type': 'm5.large'})).toEqual({
      pool: 'ng1',
      poolLabel: 'eks.amazonaws.com/nodegroup',
    })
    expect(nodePool({'node.kubernetes.io/instance-type': 'm5.large'})).toEqual({pool: 'm5.large', poolLabel: 'node.kubernetes.io/instance-type'})
    expect(nodePool({team: 'a', 'karpenter.sh/nodepool': 'k'}, 'team')).toEqual({pool: 'a', poolLabel: 'team'})
    expect(nodePool({})).toEqual({pool: 'default', poolLabel: null})
  })
})

describe('anonymizer', () => {
  it('maps a name to the same hash under the same salt, and to another under a new salt', () => {
    const a = makeAnonymizer('s')
    expect(a.name('node', 'n1')).toBe(makeAnonymizer('s').name('node', 'n1'))
    expect(a.name('node', 'n1')).not.toBe(makeAnonymizer('t').name('node', 'n1'))
    expect(a.name('node', 'n1')).not.toBe(a.name('ns', 'n1'))
    expect(a.name('node', 'n1')).toMatch(/^node-[0-9a-f]{12}$/)
  })
})

describe('prometheus histograms', () => {
  const text = [
    '# TYPE kubelet_runtime_operations_duration_seconds histogram',
    'kubelet_runtime_operations_duration_seconds_bucket{operation_type="start_container",le="0.1"} 3',
    'kubelet_runtime_operations_duration_seconds_bucket{operation_type="start_container",le="+Inf"} 5',
    'kubelet_runtime_operations_duration_seconds_sum{operation_type="start_container"} 0.9',
    'kubelet_runtime_operations_duration_seconds_count{operation_type="start_container"} 5',
    'kubelet_pod_start_sli_duration_seconds_bucket{le="1"} 2',
    'kubelet_pod_start_sli_duration_seconds_bucket{le="+Inf"} 4',
    'kubelet_pod_start_sli_duration_seconds_count 4',
  ].join('\n')
  it('groups by a label and keeps +Inf last', () => {
    const h = parseHistograms(text, 'kubelet_runtime_operations_duration_seconds', 'operation_type').get('start_container')
    expect(h).toEqual({
      buckets: [
        {le: 0.1, count: 3},
        {le: null, count: 5},
      ],
      sum: 0.9,
      count: 5,
    })
  })
  it('reads only the named metric', () => {
    expect([...parseHistograms(text, 'kubelet_pod_start_sli_duration_seconds').values()]).toEqual([
      {
        buckets: [
          {le: 1, count: 2},
          {le: null, count: 4},
        ],
        sum: 0,
        count: 4,
      },
    ])
  })
})
