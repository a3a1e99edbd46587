import type {V1Node} from '@kubernetes/client-node'
import {ClusterError} from '../errors/errors.js'
import {podRequestError, RBAC_FILE} from '../cluster/calibrate-pod.js'
import {classify} from '../cluster/failure.js'
import type {PodClient} from '../cluster/pod-client.js'

/** The nodes to calibrate: the named one, or one per distinct (kernel, instance type, cores, architecture) in the pool. */
export async function targets(client: PodClient, opts: {node?: string; pool?: string}): Promise<V1Node[]> {
  if (opts.node) {
    try {
      return [await client.getNode(opts.node)]
    } catch (err) {
      const f = classify(err)
      if (f.kind === 'http' && f.status === 404)
        throw new ClusterError(`node "${opts.node}" not found on ${client.server}`, 'pick a node from kubectl get nodes')
      throw podRequestError(err, {verb: 'get', resource: 'nodes', scope: 'at the cluster scope', server: client.server, rbacFile: RBAC_FILE})
    }
  }
  let all: V1Node[]
  try {
    all = await client.listNodes(opts.pool!)
  } catch (err) {
    throw podRequestError(err, {verb: 'list', resource: 'nodes', scope: 'at the cluster scope', server: client.server, rbacFile: RBAC_FILE})
  }
  if (all.length === 0) throw new ClusterError(`no node matches --pool ${opts.pool}`, 'check the label with kubectl get nodes --show-labels')
  const byKind = new Map<string, V1Node>()
  for (const n of [...all].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    const key = nodeKind(n)
    if (!byKind.has(key)) byKind.set(key, n)
  }
  return [...byKind.values()]
}

/** Kernel, CPU (the instance type stands for the CPU model, which the Node object does not carry), cores and architecture. */
export function nodeKind(n: V1Node): string {
  const info = n.status?.nodeInfo
  return [info?.kernelVersion, n.metadata?.labels?.['node.kubernetes.io/instance-type'] ?? '', n.status?.capacity?.['cpu'], info?.architecture].join('|')
}
