import {existsSync} from 'node:fs'
import {SNAPSHOT_API_VERSION, SNAPSHOT_KIND, type ClusterSnapshot, type KubeletMetrics, type MountinfoSummary} from '../domain/snapshot.js'
import {identity, makeAnonymizer, type Anonymizer} from '../cluster/anonymizer.js'
import {connectCluster, type ClusterReader} from '../cluster/client.js'
import {toClusterError} from '../cluster/failure.js'
import {collectKubeletMetrics} from '../cluster/kubelet-metrics.js'
import {listNodes, listPods} from '../cluster/list.js'
import {checkPrometheusOptions, collectPrometheusMetrics, type PrometheusOptions} from '../cluster/prometheus-source.js'
import {DEFAULT_RETRY, withRetry, type RetryPolicy} from '../cluster/retry.js'
import {ClusterError, InputError} from '../errors/errors.js'
import {readMountinfoDir} from '../io/mountinfo.js'
import {writeSnapshot} from '../io/snapshot-file.js'
import {deriveNodes} from '../profile/node-profile.js'

export interface CollectOptions {
  kubeconfig?: string
  context?: string
  /** One namespace; undefined = all namespaces. */
  namespace?: string
  nodeSelector?: string
  poolLabel?: string
  pageSize: number
  maxRetries: number
  requestTimeoutMs: number
  /** Churn and start latencies are observed over [now - windowMs, now]. */
  windowMs: number
  kubeletMetrics: boolean
  /** Kubelet histograms from Prometheus (`--prometheus`) instead of (or on top of) the node proxy. */
  prometheus?: PrometheusOptions
  mountinfoDir?: string
  anonymize: boolean
  salt?: string
  /** Progress lines (stderr). */
  log: (line: string) => void
  /** Injected clock for tests; defaults to the wall clock. */
  nowMs?: number
  /** Backoff base, for tests. */
  retryBaseDelayMs?: number
}

/** Where `collect` writes the snapshot. */
export interface CollectFileOptions extends CollectOptions {
  out: string
  force: boolean
}

/** A collected snapshot in memory, with the listing figures `collect --json` reports. */
export interface CollectedSnapshot {
  snapshot: ClusterSnapshot
  pages: number
  retries: number
  restarts: number
  startedMs: number
}

/** What `collect --json` prints. */
export interface CollectSummary {
  nodes: number
  pods: number
  pages: number
  retries: number
  restarts: number
  complete: boolean
  out: string
  bytes: number
  context: string | null
  clusterVersion: string
  kubeletMetricsNodes: number
  mountinfoNodes: number
  warnings: string[]
  durationMs: number
  podsPerSecond: number
}

/**
 * The collect use case: collect a snapshot (collectSnapshot) and write it atomically. Any
 * cluster error aborts before anything is written, so a snapshot on disk is always complete.
 */
export async function collect(opts: CollectFileOptions): Promise<CollectSummary> {
  // Input problems first: no network traffic for an existing --out.
  if (!opts.force && existsSync(opts.out)) throw new InputError(`${opts.out} already exists`, 'pass --force to overwrite it, or choose another path with --out')
  const {snapshot, pages, retries, restarts, startedMs} = await collectSnapshot(opts)
  const bytes = await writeSnapshot(opts.out, snapshot, {force: opts.force})
  const durationMs = Date.now() - startedMs
  return {
    nodes: snapshot.nodes.length,
    pods: snapshot.pods.length,
    pages,
    retries,
    restarts,
    complete: true,
    out: opts.out,
    bytes,
    context: snapshot.source.context,
    clusterVersion: snapshot.cluster.version,
    kubeletMetricsNodes: snapshot.kubeletMetrics?.length ?? 0,
    mountinfoNodes: snapshot.mountinfo?.length ?? 0,
    warnings: snapshot.warnings,
    durationMs,
    podsPerSecond: Math.round(snapshot.pods.length / Math.max(durationMs / 1000, 0.001)),
  }
}

/**
 * Reads nodes and pods page by page, reduces each page to snapshot summaries as it arrives,
 * adds optional kubelet metrics and mountinfo captures, and derives per-node figures. Used by
 * `collect` (which writes the result) and by a live `analyze` (which keeps it in memory).
 */
export async function collectSnapshot(opts: CollectOptions): Promise<CollectedSnapshot> {
  const startedMs = Date.now()
  const nowMs = opts.nowMs ?? startedMs
  const warnings: string[] = []
  const warn = (w: string): void => {
    warnings.push(w)
    opts.log(`warning: ${w}`)
  }
  const anon = opts.anonymize ? makeAnonymizer(opts.salt) : identity
  // A bad --mountinfo is an input error before any network traffic.
  const captures = opts.mountinfoDir ? await readMountinfoDir(opts.mountinfoDir) : []
  if (opts.prometheus) checkPrometheusOptions(opts.prometheus)
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY,
    maxRetries: opts.maxRetries,
    ...(opts.retryBaseDelayMs !== undefined ? {baseDelayMs: opts.retryBaseDelayMs} : {}),
  }
  const reader = await connectCluster({kubeconfig: opts.kubeconfig, context: opts.context, requestTimeoutMs: opts.requestTimeoutMs})
  try {
    return await collectWith(reader, opts, {anon, captures, policy, nowMs, startedMs, warnings, warn})
  } finally {
    await reader.close()
  }
}

interface CollectContext {
  anon: Anonymizer
  captures: MountinfoSummary[]
  policy: RetryPolicy
  nowMs: number
  startedMs: number
  warnings: string[]
  warn: Warn
}

async function collectWith(
  reader: ClusterReader,
  opts: CollectOptions,
  {anon, captures, policy, nowMs, startedMs, warnings, warn}: CollectContext,
): Promise<CollectedSnapshot> {
  let retries = 0
  const onRetry = (m: string): void => {
    retries++
    opts.log(m)
  }

  const v = await withRetry(
    () => reader.version(),
    policy,
    () => retries++,
  )
  if (!v.ok) throw toClusterError(v.failure, {verb: 'get', resource: 'version', scope: '(/version)', server: reader.server}, v.attempts)

  const nodes = await listNodes(reader, opts, policy, anon, warn, onRetry)
  const pods = await listPods(reader, opts, policy, {anon, nowMs, nodeNames: nodes.rawNames}, warn, onRetry)
  const pages = nodes.stats.pages + pods.stats.pages

  let kubelet: KubeletMetrics[] | undefined
  if (opts.kubeletMetrics) {
    const r = await collectKubeletMetrics(reader, nodes.rawNames, policy, anon)
    kubelet = r.metrics
    retries += r.retries
    for (const w of r.warnings) warn(w)
  }
  if (opts.prometheus) kubelet = await addPrometheusMetrics(reader, opts.prometheus, nodes.rawNames, anon, nowMs, kubelet, warn)
  const mountinfo = matchCaptures(captures, nodes.rawNames, anon, warn)
  const podItems = podsOnListedNodes(pods.items, nodes.items, warn)

  const snapshot: ClusterSnapshot = {
    apiVersion: SNAPSHOT_API_VERSION,
    kind: SNAPSHOT_KIND,
    collectedAt: new Date(nowMs).toISOString(),
    source: {
      context: reader.contextName === null ? null : anon.name('ctx', reader.contextName),
      server: opts.anonymize ? null : reader.server,
      namespace: opts.namespace === undefined ? null : anon.name('ns', opts.namespace),
      // A selector can name pools or nodes, so it is hashed like them.
      nodeSelector: opts.nodeSelector === undefined ? null : anon.name('sel', opts.nodeSelector),
      anonymized: opts.anonymize,
    },
    cluster: {version: v.value},
    observedWindowMs: opts.windowMs,
    nodes: nodes.items,
    pods: podItems,
    derived: deriveNodes({nodes: nodes.items, pods: podItems, windowEndMs: nowMs, windowMs: opts.windowMs, mountinfo}),
    ...(mountinfo.length ? {mountinfo} : {}),
    ...(kubelet ? {kubeletMetrics: kubelet} : {}),
    warnings,
    complete: true,
  }
  return {snapshot, pages, retries, restarts: nodes.stats.restarts + pods.stats.restarts, startedMs}
}

type Warn = (w: string) => void

/**
 * Pods bound to a node the node list does not hold (a node that joined or left between the two
 * lists) belong to no pool: they are left out with a warning, so every count in the snapshot
 * (and the report's header) adds up. Unscheduled pods (node null) stay.
 */
export function podsOnListedNodes(pods: ClusterSnapshot['pods'], nodes: ClusterSnapshot['nodes'], warn: Warn): ClusterSnapshot['pods'] {
  const listed = new Set(nodes.map((n) => n.name))
  const kept = pods.filter((p) => p.node === null || listed.has(p.node))
  if (kept.length < pods.length) {
    const missing = new Set(pods.filter((p) => p.node !== null && !listed.has(p.node)).map((p) => p.node))
    warn(`${pods.length - kept.length} pod(s) on ${missing.size} node(s) missing from the node list (nodes that joined or left while collecting) were left out`)
  }
  return kept
}

/**
 * Prometheus's histograms replace the node proxy's for the nodes it has (they cover the whole
 * --prometheus-window); with --kubelet-metrics data present, a Prometheus failure is a warning.
 */
async function addPrometheusMetrics(
  reader: ClusterReader,
  prom: PrometheusOptions,
  nodeNames: string[],
  anon: Anonymizer,
  atMs: number,
  kubelet: KubeletMetrics[] | undefined,
  warn: Warn,
): Promise<KubeletMetrics[]> {
  try {
    const r = await collectPrometheusMetrics(prom, nodeNames, anon, atMs, (path) => reader.get(path))
    for (const w of r.warnings) warn(w)
    const fromProm = new Set(r.metrics.map((m) => m.node))
    const order = new Map(nodeNames.map((n, i) => [anon.name('node', n), i]))
    return [...r.metrics, ...(kubelet ?? []).filter((m) => !fromProm.has(m.node))].sort((a, b) => (order.get(a.node) ?? 0) - (order.get(b.node) ?? 0))
  } catch (err) {
    if (!(err instanceof ClusterError) || !kubelet?.length) throw err
    warn(`${err.message}; kept the --kubelet-metrics histograms (${err.fix ?? ''})`)
    return kubelet
  }
}

function matchCaptures(captures: MountinfoSummary[], nodeNames: string[], anon: Anonymizer, warn: Warn): MountinfoSummary[] {
  const known = new Set(nodeNames)
  const out: MountinfoSummary[] = []
  for (const c of captures) {
    if (!known.has(c.node)) {
      warn(`mountinfo capture for "${c.node}" matches no collected node; ignored`)
      continue
    }
    out.push({...c, node: anon.name('node', c.node)})
  }
  return out
}
