import type {KubeletMetrics} from '../domain/snapshot.js'
import type {Anonymizer} from './anonymizer.js'
import type {ClusterReader} from './client.js'
import {toClusterError} from './failure.js'
import {parseHistograms} from './prometheus.js'
import {withRetry, type RetryPolicy} from './retry.js'

const CONCURRENCY = 4

/**
 * Reads kubelet_pod_start_sli_duration_seconds and kubelet_runtime_operations_duration_seconds
 * from every node through the API server's node proxy. Optional: a 403 (no `get nodes/proxy`)
 * stops it with one warning naming the permission; other per-node failures are warnings too.
 * The snapshot stays complete either way (these are extras).
 */
export async function collectKubeletMetrics(
  reader: ClusterReader,
  nodeNames: string[],
  policy: RetryPolicy,
  anon: Anonymizer,
): Promise<{metrics: KubeletMetrics[]; warnings: string[]; retries: number}> {
  const metrics: Array<KubeletMetrics | undefined> = new Array(nodeNames.length)
  const failures: string[] = []
  let forbidden: string | null = null
  let retries = 0
  let next = 0
  const worker = async (): Promise<void> => {
    while (forbidden === null && next < nodeNames.length) {
      const i = next++
      const name = nodeNames[i]!
      const r = await withRetry(() => reader.nodeMetrics(name), policy)
      retries += r.retries
      if (r.ok) {
        const sli = parseHistograms(r.value, 'kubelet_pod_start_sli_duration_seconds').get('') ?? null
        const ops = parseHistograms(r.value, 'kubelet_runtime_operations_duration_seconds', 'operation_type')
        metrics[i] = {
          node: anon.name('node', name),
          podStartSliSeconds: sli,
          runtimeOperationsSeconds: Object.fromEntries([...ops.entries()].sort((a, b) => a[0].localeCompare(b[0]))),
        }
      } else if (r.failure.kind === 'http' && r.failure.status === 403) {
        const e = toClusterError(r.failure, {verb: 'get', resource: 'nodes/proxy', scope: 'at the cluster scope', server: reader.server})
        forbidden = `${e.message}; kubelet metrics skipped (${e.fix})`
      } else {
        failures.push(
          `${anon.name('node', name)}: ${toClusterError(r.failure, {verb: 'get', resource: 'nodes/proxy', scope: `for node ${anon.name('node', name)}`, server: reader.server}, r.attempts).message}`,
        )
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(CONCURRENCY, nodeNames.length)}, worker))
  const warnings: string[] = []
  if (forbidden) warnings.push(forbidden)
  if (failures.length) warnings.push(`kubelet metrics missing for ${failures.length} node(s); first: ${failures[0]}`)
  return {metrics: metrics.filter((m): m is KubeletMetrics => m !== undefined), warnings, retries}
}
