import type {V1Node} from '@kubernetes/client-node'
import type {SnapshotNode} from '../domain/snapshot.js'
import type {Anonymizer} from './anonymizer.js'
import {nodePool} from './node-pool.js'
import {cpuMilli, wholeUnits} from './quantity.js'

function resources(list: Record<string, string> | undefined): SnapshotNode['capacity'] {
  return {cpuMilli: cpuMilli(list?.['cpu']), memoryBytes: wholeUnits(list?.['memory']), pods: wholeUnits(list?.['pods'])}
}

/** A Node object reduced to what the model needs. Labels other than the pool are dropped. */
export function translateNode(node: V1Node, anon: Anonymizer, poolLabel?: string): SnapshotNode {
  const info = node.status?.nodeInfo
  const {pool, poolLabel: from} = nodePool(node.metadata?.labels, poolLabel)
  const handlers = node.status?.runtimeHandlers?.map((h) => h.name ?? '').filter((n) => n !== '')
  return {
    name: anon.name('node', node.metadata?.name ?? ''),
    pool: anon.name('pool', pool),
    poolLabel: from,
    kernelVersion: info?.kernelVersion ?? '',
    osImage: info?.osImage ?? '',
    containerRuntimeVersion: info?.containerRuntimeVersion ?? '',
    kubeletVersion: info?.kubeletVersion ?? '',
    architecture: info?.architecture ?? '',
    capacity: resources(node.status?.capacity),
    allocatable: resources(node.status?.allocatable),
    podCIDR: podCidr(node.spec?.podCIDRs, node.spec?.podCIDR, anon.enabled),
    ready: node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    ...(handlers && handlers.length ? {runtimeHandlers: handlers} : {}),
  }
}

/**
 * The node's IPv4 pod range when it has one (dual-stack nodes list both), else its first range;
 * null when unset. With --anonymize only the size is kept (`0.0.0.0/24`): the pod-IP bound needs
 * the prefix length, not the network.
 */
function podCidr(list: string[] | undefined, single: string | undefined, anonymize: boolean): string | null {
  const all = [...(list ?? []), ...(single ? [single] : [])]
  const cidr = all.find((c) => !c.includes(':')) ?? all[0] ?? null
  if (cidr === null || !anonymize) return cidr
  const prefix = cidr.split('/')[1] ?? ''
  return cidr.includes(':') ? `::/${prefix}` : `0.0.0.0/${prefix}`
}
