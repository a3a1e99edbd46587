import type {KubeletMetrics, PrometheusSource} from '../domain/snapshot.js'
import {ClusterError, InputError} from '../errors/errors.js'
import type {Anonymizer} from './anonymizer.js'
import {httpGet, PrometheusTransportError, type HttpAnswer, type PrometheusAuth} from './prometheus-http.js'
import {
  histogramQuery,
  histogramsFromVectors,
  LABEL_NAME,
  nodeOf,
  POD_START_FALLBACK,
  POD_START_SLI,
  PROMETHEUS_DURATION,
  readQueryAnswer,
  RUNTIME_OPERATIONS,
  type HistogramPart,
  type VectorSample,
} from './prometheus-query.js'

export interface PrometheusOptions {
  /** Base URL of the Prometheus HTTP API, e.g. http://prometheus:9090 or https://host/prometheus. */
  url: string
  /** Range of `increase()`, a Prometheus duration such as 7d. */
  window: string
  /** Label naming the node; undefined = `node`, then `instance` (port dropped) when no series has `node`. */
  nodeLabel?: string
  auth: PrometheusAuth
  timeoutMs: number
}

/** GET of a path + query on the API server (its service proxy), for in-cluster Prometheus URLs. */
export type ApiServerGet = (path: string) => Promise<HttpAnswer>

export interface PrometheusMetrics {
  metrics: KubeletMetrics[]
  warnings: string[]
  queries: number
}

/** `NAME.NAMESPACE.svc[.cluster.local]`: reachable through the API server's service proxy. */
const SERVICE_HOST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/

/** Checks the flags before any network traffic (exit 2 on a bad URL, window or label). */
export function checkPrometheusOptions(o: Pick<PrometheusOptions, 'url' | 'window' | 'nodeLabel'>): URL {
  let url: URL
  try {
    url = new URL(o.url)
  } catch {
    throw new InputError(
      `--prometheus ${o.url} is not a URL`,
      'write it like --prometheus http://prometheus.monitoring:9090 (or http://NAME.NAMESPACE.svc:PORT through the API server)',
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InputError(`--prometheus ${o.url} is not an http(s) URL`, 'write it like --prometheus https://prometheus.example.com')
  if (url.username || url.password)
    throw new InputError(
      '--prometheus URL contains a user name or password',
      'pass credentials with --prometheus-user and --prometheus-password-file (or --prometheus-token-file) so they stay out of shell history',
    )
  if (!PROMETHEUS_DURATION.test(o.window))
    throw new InputError(`--prometheus-window ${o.window} is not a Prometheus duration`, 'write it like 7d, 36h or 1h30m')
  if (o.nodeLabel !== undefined && !LABEL_NAME.test(o.nodeLabel))
    throw new InputError(`--prometheus-node-label ${o.nodeLabel} is not a Prometheus label name`, 'write it like node, instance or kubernetes_io_hostname')
  return url
}

/**
 * Reads the kubelet start-latency and runtime-operation histograms of the collected nodes from
 * Prometheus: `sum by (le, node) (increase(...[window]))`, so the counts cover the whole window
 * (not only since each kubelet's last restart) and no `nodes/proxy` permission is needed. Nodes
 * without the SLI histogram fall back to kubelet_pod_start_duration_seconds. Every failure is a
 * ClusterError naming Prometheus (exit 3); the caller may downgrade it to a warning. Every query
 * is evaluated at the same instant `atMs` (the snapshot's collection time), so buckets, _sum and
 * _count agree even while Prometheus keeps scraping between the queries.
 */
export async function collectPrometheusMetrics(
  opts: PrometheusOptions,
  nodeNames: readonly string[],
  anon: Anonymizer,
  atMs: number,
  apiServerGet?: ApiServerGet,
): Promise<PrometheusMetrics> {
  const base = checkPrometheusOptions(opts)
  const shown = `${base.origin}${base.pathname.replace(/\/$/, '')}`
  const service = base.hostname.match(SERVICE_HOST)
  if (service && !apiServerGet)
    throw new InputError(
      `--prometheus ${shown} is a Kubernetes service, which needs the API server`,
      "run against a cluster (not --snapshot), or pass Prometheus's external URL",
    )
  const prefix = base.pathname.replace(/\/$/, '')
  const proxyPrefix = service
    ? `/api/v1/namespaces/${service[3]}/services/${base.protocol.slice(0, -1)}:${service[1]}:${base.port || (base.protocol === 'https:' ? '443' : '80')}/proxy`
    : ''
  let queries = 0

  const query = async (promql: string): Promise<VectorSample[]> => {
    const path = `${prefix}/api/v1/query?query=${encodeURIComponent(promql)}&time=${(atMs / 1000).toFixed(3)}`
    queries++
    let answer: HttpAnswer
    try {
      answer = service ? await apiServerGet!(`${proxyPrefix}${path}`) : await httpGet(new URL(path, base), opts.auth, opts.timeoutMs)
    } catch (err) {
      throw transportError(err, shown)
    }
    if (answer.status === 401 || answer.status === 403) {
      throw new ClusterError(
        `Prometheus at ${shown} refused the query (${answer.status} ${answer.status === 401 ? 'Unauthorized' : 'Forbidden'})`,
        service
          ? 'the API server refused the service proxy: grant get on services/proxy in that namespace (see docs/collect.md)'
          : 'pass valid credentials with --prometheus-token-file or --prometheus-user/--prometheus-password-file',
      )
    }
    const read = readQueryAnswer(answer.body)
    if (read.kind === 'error')
      throw new ClusterError(
        `Prometheus at ${shown} rejected the query ${promql}: ${read.errorType ? `${read.errorType}: ` : ''}${read.error}`,
        'check --prometheus-window and --prometheus-node-label; Prometheus 2.x or a compatible store (Thanos, Mimir, VictoriaMetrics) is needed',
      )
    if (read.kind === 'not-prometheus' || answer.status < 200 || answer.status > 299) {
      throw new ClusterError(
        `${shown} is not a Prometheus HTTP API (HTTP ${answer.status}; ${read.kind === 'not-prometheus' ? read.detail : 'unexpected status'})`,
        'pass the base URL that serves /api/v1/query, e.g. http://prometheus:9090 (include a path prefix such as /prometheus if it has one)',
      )
    }
    return read.samples
  }

  const histogramParts = async (metric: string, by: readonly string[]) => {
    const parts = {} as Record<HistogramPart, VectorSample[]>
    for (const part of ['bucket', 'sum', 'count'] as const) parts[part] = await query(histogramQuery(metric, part, opts.window, by))
    return parts
  }

  // The node label: as given, or `node` with a fallback to `instance` when no series carries `node`.
  let label = opts.nodeLabel ?? 'node'
  let sli = await histogramParts(POD_START_SLI, [label])
  let fallback = await histogramParts(POD_START_FALLBACK, [label])
  if (opts.nodeLabel === undefined && !hasLabel(sli, label) && !hasLabel(fallback, label) && (sli.bucket.length || fallback.bucket.length)) {
    label = 'instance'
    sli = await histogramParts(POD_START_SLI, [label])
    fallback = await histogramParts(POD_START_FALLBACK, [label])
  }
  if (sli.bucket.length === 0 && fallback.bucket.length === 0) {
    throw new ClusterError(
      `Prometheus at ${shown} has no ${POD_START_SLI} or ${POD_START_FALLBACK} series over the last ${opts.window}`,
      'check that it scrapes the kubelets (the kubelet job of kube-prometheus or the Prometheus Helm chart), or widen --prometheus-window',
    )
  }
  const ops = await histogramParts(RUNTIME_OPERATIONS, [label, 'operation_type'])

  const byNode = (m: Record<string, string>) => nodeOf(m, label)
  const sliByNode = histogramsFromVectors(sli, byNode)
  const fallbackByNode = histogramsFromVectors(fallback, byNode)
  const opsByNode = histogramsFromVectors(ops, (m) => {
    const n = nodeOf(m, label)
    return n === null ? null : `${n}\u0000${m['operation_type'] ?? ''}`
  })

  const known = new Set(nodeNames)
  const seen = new Set([...sliByNode.keys(), ...fallbackByNode.keys()])
  const unmatched = [...seen].filter((n) => !known.has(n)).sort()
  if (seen.size === 0) {
    throw new ClusterError(
      `Prometheus at ${shown} has start-latency series, but none carries the label ${label}`,
      'name the label that holds the Kubernetes node name with --prometheus-node-label (e.g. node, instance, kubernetes_io_hostname)',
    )
  }
  if (seen.size > 0 && unmatched.length === seen.size) {
    throw new ClusterError(
      `none of the ${seen.size} node(s) in Prometheus's ${label} label matches a collected node (first: ${anon.name('node', unmatched[0]!)})`,
      'name the label that holds the Kubernetes node name with --prometheus-node-label (e.g. node, instance, kubernetes_io_hostname)',
    )
  }

  const source = (metric: string): PrometheusSource => ({
    kind: 'prometheus',
    window: opts.window,
    podStartMetric: metric,
    query: histogramQuery(metric, 'bucket', opts.window, [label]),
    runtimeOperationsQuery: histogramQuery(RUNTIME_OPERATIONS, 'bucket', opts.window, [label, 'operation_type']),
  })
  const metrics: KubeletMetrics[] = []
  for (const name of nodeNames) {
    const own = sliByNode.get(name)
    const podStart = own ?? fallbackByNode.get(name)
    if (!podStart) continue
    const runtimeOperationsSeconds = Object.fromEntries(
      [...opsByNode.entries()]
        .filter(([k]) => k.startsWith(`${name}\u0000`))
        .map(([k, h]) => [k.slice(name.length + 1), h] as const)
        .sort((a, b) => a[0].localeCompare(b[0])),
    )
    metrics.push({
      node: anon.name('node', name),
      podStartSliSeconds: podStart,
      runtimeOperationsSeconds,
      source: source(own ? POD_START_SLI : POD_START_FALLBACK),
    })
  }
  const warnings: string[] = []
  if (unmatched.length)
    warnings.push(
      `Prometheus has start-latency series for ${unmatched.length} node(s) that were not collected (first: ${anon.name('node', unmatched[0]!)}); ignored`,
    )
  const fellBack = metrics.filter((m) => m.source?.podStartMetric === POD_START_FALLBACK).length
  if (fellBack) warnings.push(`${fellBack} node(s) have no ${POD_START_SLI} (kubelet < 1.26): used ${POD_START_FALLBACK}, which includes image pulls`)
  return {metrics, warnings, queries}
}

function hasLabel(parts: Record<HistogramPart, VectorSample[]>, label: string): boolean {
  return parts.bucket.some((s) => s.metric[label] !== undefined)
}

function transportError(err: unknown, shown: string): ClusterError {
  if (err instanceof ClusterError) return err
  const code = err instanceof PrometheusTransportError ? err.code : ((err as {code?: string}).code ?? 'EIO')
  const message = (err as Error).message ?? String(err)
  if (code === 'ECONNREFUSED')
    return new ClusterError(
      `cannot reach Prometheus at ${shown}: connection refused`,
      'check --prometheus (host and port) and that Prometheus is up; from outside the cluster, kubectl port-forward or an http://NAME.NAMESPACE.svc:PORT URL (API server proxy) work',
    )
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ClusterError(`cannot reach Prometheus at ${shown}: the host name does not resolve (${code})`, 'check the host in --prometheus and your DNS/VPN')
  if (code === 'ETIMEDOUT')
    return new ClusterError(
      `cannot reach Prometheus at ${shown}: ${message}`,
      'raise --request-timeout, shorten --prometheus-window, or check the network path',
    )
  if (/CERT|SSL|TLS|SELF_SIGNED|VERIFY|ISSUER|SIGNATURE/i.test(code))
    return new ClusterError(
      `cannot reach Prometheus at ${shown}: TLS verification failed (${code})`,
      'pass its CA with --prometheus-ca-file (or --prometheus-insecure-skip-tls-verify to skip the check)',
    )
  return new ClusterError(`cannot reach Prometheus at ${shown}: ${code} ${message}`.trim(), 'check --prometheus and the network path to Prometheus')
}
