import type {CapacityBound, ClassCapacity} from '../domain/analysis.js'
import type {PodRequests} from '../domain/snapshot.js'
import {roundTo} from '../stats/round.js'

/**
 * The non-kernel limits of pods per node for one node class: kubelet maxPods, allocatable CPU and
 * memory ÷ the class's typical (mean) pod request, and the pod IPs of the node's podCIDR. Max
 * pods/node in the report is the smallest of these and the kernel-latency bound
 * (src/analyze/density-limit.ts).
 *
 * The mean request is over the class's running pods, DaemonSet pods included: dividing allocatable
 * by it gives how many pods of today's mix fit. Pods without requests count as 0, so a class of
 * BestEffort pods has no CPU/memory limit.
 */
export interface CapacityInput {
  allocatable: {cpuMilli: number; memoryBytes: number; pods: number}
  /** The smallest pod range among the class's nodes; null when a node has none or it was not collected. */
  podCIDR: string | null
  /** Whether the snapshot carries podCIDR and requests at all (v1alpha2 and later). */
  collected: boolean
  /** Effective requests of the running pods (null entries: not collected). */
  requests: ReadonlyArray<PodRequests | null>
  /** Running pods with hostNetwork (they take no pod IP). */
  hostNetworkPods: number
}

/**
 * Addresses a node's IPAM cannot give to pods: the network and broadcast addresses and the
 * bridge/gateway address (host-local IPAM as kubenet and the bridge CNI use it).
 */
export const RESERVED_POD_ADDRESSES = 3

export function classCapacity(input: CapacityInput): ClassCapacity {
  const known = input.requests.filter((r): r is PodRequests => r !== null)
  const n = known.length
  const requestsPerPod =
    input.collected && n > 0
      ? {cpuMilli: roundTo(known.reduce((s, r) => s + r.cpuMilli, 0) / n, 1), memoryBytes: Math.round(known.reduce((s, r) => s + r.memoryBytes, 0) / n)}
      : null
  const bounds: CapacityBound[] = [
    {limit: 'max-pods', pods: input.allocatable.pods, status: 'limit', detail: `kubelet maxPods (node allocatable pods) ${input.allocatable.pods}`},
  ]
  bounds.push(resourceBound('cpu', input.allocatable.cpuMilli, requestsPerPod?.cpuMilli, input.collected, (v) => `${Math.round(v)}m`))
  bounds.push(resourceBound('memory', input.allocatable.memoryBytes, requestsPerPod?.memoryBytes, input.collected, (v) => `${Math.round(v / 2 ** 20)}Mi`))
  bounds.push(podIpBound(input))
  return {requestsPerPod, podCIDR: input.podCIDR, bounds}
}

function resourceBound(
  limit: 'cpu' | 'memory',
  allocatable: number,
  perPod: number | undefined,
  collected: boolean,
  fmt: (v: number) => string,
): CapacityBound {
  if (!collected || perPod === undefined)
    return {limit, pods: null, status: 'unknown', detail: `unknown: the snapshot has no pod ${limit} requests (schema v1alpha1; collect again)`}
  if (perPod <= 0) return {limit, pods: null, status: 'no-limit', detail: `no pod requests ${limit}: allocatable ${limit} does not limit the pod count`}
  return {limit, pods: Math.floor(allocatable / perPod), status: 'limit', detail: `allocatable ${fmt(allocatable)} ÷ ${fmt(perPod)} mean request per pod`}
}

function podIpBound(input: CapacityInput): CapacityBound {
  if (!input.collected)
    return {limit: 'pod-ips', pods: null, status: 'unknown', detail: 'unknown: the snapshot has no node podCIDR (schema v1alpha1; collect again)'}
  if (input.podCIDR === null)
    return {limit: 'pod-ips', pods: null, status: 'unknown', detail: 'unknown: the nodes have no spec.podCIDR (the CNI assigns pod IPs from its own pools)'}
  const addresses = cidrAddresses(input.podCIDR)
  if (addresses === null) return {limit: 'pod-ips', pods: null, status: 'unknown', detail: `unknown: podCIDR ${input.podCIDR} is not a CIDR`}
  const usable = Math.max(0, addresses - RESERVED_POD_ADDRESSES)
  const total = input.requests.length
  const withIp = total - input.hostNetworkPods
  if (usable >= Number.MAX_SAFE_INTEGER / 2 || (total > 0 && withIp <= 0))
    return {limit: 'pod-ips', pods: null, status: 'no-limit', detail: `podCIDR ${input.podCIDR}: more pod IPs than any pod count`}
  // hostNetwork pods need no pod IP, so today's mix fits usable ÷ (share of pods with an IP).
  const share = total > 0 ? withIp / total : 1
  return {
    limit: 'pod-ips',
    pods: Math.floor(usable / share),
    status: 'limit',
    detail: `podCIDR ${input.podCIDR}: ${usable} pod IPs (${addresses} − ${RESERVED_POD_ADDRESSES} reserved)${share < 1 ? `, ${Math.round((1 - share) * 100)}% of pods use the host network` : ''}`,
  }
}

/**
 * Number of addresses in an IPv4 or IPv6 CIDR; null when it does not parse. Only the prefix length
 * matters, so a masked address (support bundles mask it as HIDDEN before the slash) counts as IPv4 when the
 * prefix fits one.
 */
export function cidrAddresses(cidr: string): number | null {
  const m = /^(.*)\/(\d{1,3})$/.exec(cidr.trim())
  if (!m) return null
  const v6 = m[1]!.includes(':')
  const prefix = Number(m[2])
  const bits = v6 ? 128 : 32
  return prefix > bits ? null : 2 ** (bits - prefix)
}

/** The smaller of two ranges by address count (null when either is unknown). */
export function smallerCidr(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null
  return (cidrAddresses(b) ?? Infinity) < (cidrAddresses(a) ?? Infinity) ? b : a
}
