import {describe, expect, it} from 'vitest'
import {cidrAddresses, classCapacity, RESERVED_POD_ADDRESSES, smallerCidr, type CapacityInput} from '../../src/profile/capacity.js'

const MI = 2 ** 20
const base: CapacityInput = {
  allocatable: {cpuMilli: 3900, memoryBytes: 14_000 * MI, pods: 110},
  podCIDR: '10.244.1.0/24',
  collected: true,
  requests: [
    {cpuMilli: 100, memoryBytes: 256 * MI},
    {cpuMilli: 200, memoryBytes: 256 * MI},
  ],
  hostNetworkPods: 0,
}
const bound = (input: CapacityInput, limit: string) => classCapacity(input).bounds.find((b) => b.limit === limit)!

describe('capacity bounds of max pods/node', () => {
  it('divides allocatable CPU and memory by the mean pod request, rounding down', () => {
    // mean 150m → 3900 / 150 = 26; mean 256Mi → 14000 / 256 = 54.7 → 54.
    expect(bound(base, 'cpu')).toMatchObject({pods: 26, status: 'limit'})
    expect(bound(base, 'memory')).toMatchObject({pods: 54, status: 'limit'})
    expect(bound(base, 'max-pods')).toMatchObject({pods: 110, status: 'limit'})
  })

  it('counts the pod IPs of the podCIDR minus the reserved addresses, and leaves out host-network pods', () => {
    expect(bound(base, 'pod-ips')).toMatchObject({pods: 256 - RESERVED_POD_ADDRESSES, status: 'limit'})
    // Half the pods use the host network: twice as many pods fit the same addresses.
    expect(bound({...base, hostNetworkPods: 1}, 'pod-ips').pods).toBe(2 * (256 - RESERVED_POD_ADDRESSES))
    expect(bound({...base, podCIDR: '10.0.0.0/26'}, 'pod-ips').pods).toBe(64 - RESERVED_POD_ADDRESSES)
  })

  it('calls a limit unknown when the snapshot predates requests and podCIDR, and says so', () => {
    const old = {...base, collected: false, podCIDR: null, requests: [null, null]}
    for (const limit of ['cpu', 'memory', 'pod-ips']) {
      expect(bound(old, limit).status).toBe('unknown')
      expect(bound(old, limit).detail).toMatch(/v1alpha1/)
    }
    expect(classCapacity(old).requestsPerPod).toBeNull()
  })

  it('is no limit when pods request nothing (BestEffort) or the range is IPv6-sized', () => {
    expect(bound({...base, requests: [{cpuMilli: 0, memoryBytes: 0}]}, 'cpu').status).toBe('no-limit')
    expect(bound({...base, podCIDR: 'fd00:10:244::/64'}, 'pod-ips').status).toBe('no-limit')
  })

  it('calls the pod-IP limit unknown when the nodes have no podCIDR (CNI-managed IPs)', () => {
    expect(bound({...base, podCIDR: null}, 'pod-ips')).toMatchObject({status: 'unknown', pods: null})
    expect(bound({...base, podCIDR: null}, 'pod-ips').detail).toMatch(/no spec.podCIDR/)
  })
})

describe('CIDR sizes', () => {
  it('counts addresses from the prefix length, also when the address is masked', () => {
    expect(cidrAddresses('10.244.0.0/24')).toBe(256)
    expect(cidrAddresses('***HIDDEN***/25')).toBe(128)
    expect(cidrAddresses('fd00::/120')).toBe(256)
    expect(cidrAddresses('10.0.0.0/33')).toBeNull()
    expect(cidrAddresses('not a cidr')).toBeNull()
  })

  it('keeps the smaller of two ranges, and unknown when either is', () => {
    expect(smallerCidr('10.0.0.0/24', '10.0.1.0/25')).toBe('10.0.1.0/25')
    expect(smallerCidr('10.0.0.0/24', null)).toBeNull()
  })
})
