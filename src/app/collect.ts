import {existsSync} from 'node:fs'
import {SNAPSHOT_API_VERSION, SNAPSHOT_KIND, type ClusterSnapshot, type KubeletMetrics, type MountinfoSummary, type SnapshotNode, type SnapshotPod} from '../domain/snapshot.js'
import {identity, makeAnonymizer, type Anonymizer} from '../cluster/anonymizer.js'
import {connectCluster, type ClusterReader} from '../cluster/client.js'
import {toClusterError} from '../cluster/failure.js'
import {Interner} from '../cluster/intern.js'
import {collectKubeletMetrics} from '../cluster/kubelet-metrics.js'
import {listPaged} from '../cluster/pager.js'
import {DEFAULT_RETRY, withRetry, type RetryPolicy} from '../cluster/retry.js'
import {translateNode} from '../cluster/translate-node.js'
import {translatePod} from '../cluster/translate-pod.js'
import {InputError} from '../errors/errors.js'
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
    nodes: snapshot.nodes.length, pods: snapshot.pods.length, pages, retries, restarts, complete: true,
    out: opts.out, bytes, context: snapshot.source.context, clusterVersion: snapshot.cluster.version,
    kubeletMetricsNodes: snapshot.kubeletMetrics?.length ?? 0, mountinfoNodes: snapshot.mountinfo?.length ?? 0, warnings: snapshot.warnings,
    durationMs, podsPerSecond: Math.round(snapshot.pods.length / Math.max(durationMs / 1000, 0.001)),
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
  const policy: RetryPolicy = {...DEFAULT_RETRY, maxRetries: opts.maxRetries, ...(opts.retryBaseDelayMs !== undefined ? {baseDelayMs: opts.retryBaseDelayMs} : {})}
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

async function collectWith(reader: ClusterReader, opts: CollectOptions, {anon, captures, policy, nowMs, startedMs, warnings, warn}: CollectContext): Promise<CollectedSnapshot> {
  let retries = 0
  const onRetry = (m: string): void => {
    retries++
    opts.log(m)
  }

  const v = await withRetry(() => reader.version(), policy, () => retries++)
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
  const mountinfo = matchCaptures(captures, nodes.rawNames, anon, warn)

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
    pods: pods.items,
    derived: deriveNodes({nodes: nodes.items, pods: pods.items, windowEndMs: nowMs, windowMs: opts.windowMs, mountinfo}),
    ...(mountinfo.length ? {mountinfo} : {}),
    ...(kubelet ? {kubeletMetrics: kubelet} : {}),
    warnings,
    complete: true,
  }
  return {snapshot, pages, retries, restarts: nodes.stats.restarts + pods.stats.restarts, startedMs}
}

type Warn = (w: string) => void

async function listNodes(reader: ClusterReader, opts: CollectOptions, policy: RetryPolicy, anon: Anonymizer, warn: Warn, onRetry: (m: string) => void) {
  let items: SnapshotNode[] = []
  let rawNames: string[] = []
  const stats = await listPaged(
    (token) => reader.nodesPage({limit: opts.pageSize, continueToken: token, labelSelector: opts.nodeSelector}),
    {verb: 'list', resource: 'nodes', scope: 'at the cluster scope', server: reader.server},
    policy,
    {
      onPage: (page) => {
        for (const n of page) {
          rawNames.push(n.metadata?.name ?? '')
          items.push(translateNode(n, anon, opts.poolLabel))
        }
      },
      onRestart: (m) => {
        items = []
        rawNames = []
        warn(m)
      },
      onRetry,
    },
  )
  if (items.length === 0) warn(opts.nodeSelector ? `no node matches --node-selector ${opts.nodeSelector}` : 'the cluster has no nodes')
  opts.log(`nodes: ${items.length} (${stats.pages} page${stats.pages === 1 ? '' : 's'})`)
  return {items, rawNames, stats}
}

/**
 * A node selector that picks at most this many nodes lists each node's pods with a field
 * selector (`spec.nodeName=NODE`, indexed by the API server) instead of every pod in the cluster.
 */
const PER_NODE_LIST_MAX_NODES = 50

async function listPods(reader: ClusterReader, opts: CollectOptions, policy: RetryPolicy, ctx: {anon: Anonymizer; nowMs: number; nodeNames: string[]}, warn: Warn, onRetry: (m: string) => void) {
  const t = {anon: ctx.anon, intern: new Interner(), windowStartMs: ctx.nowMs - opts.windowMs, windowEndMs: ctx.nowMs}
  const perNode = opts.nodeSelector !== undefined && ctx.nodeNames.length <= PER_NODE_LIST_MAX_NODES
  const keepNode = opts.nodeSelector !== undefined && !perNode ? new Set(ctx.nodeNames) : null
  const lists = perNode ? ctx.nodeNames.map((n) => `spec.nodeName=${n}`) : [undefined]
  const scope = opts.namespace ? `in namespace "${opts.namespace}"` : 'at the cluster scope'
  let all: SnapshotPod[] = []
  const total = {pages: 0, retries: 0, restarts: 0}
  for (const fieldSelector of lists) {
    let items: SnapshotPod[] = []
    const stats = await listPaged(
      (token) => reader.podsPage({limit: opts.pageSize, continueToken: token, namespace: opts.namespace, fieldSelector}),
      {verb: 'list', resource: 'pods', scope: fieldSelector ? `${scope} (${fieldSelector})` : scope, server: reader.server},
      policy,
      {
        // Reduce each page right away; the full V1Pod objects of a page are garbage after this.
        onPage: (page) => {
          for (const p of page) {
            if (keepNode && !keepNode.has(p.spec?.nodeName ?? '')) continue
            items.push(translatePod(p, t))
          }
          if (++total.pages % 50 === 0) opts.log(`pods: ${all.length + items.length} (${total.pages} pages)`)
        },
        onRestart: (m) => {
          items = []
          warn(m)
        },
        onRetry,
      },
    )
    total.restarts += stats.restarts
    total.retries += stats.retries
    all = lists.length === 1 ? items : all.concat(items)
  }
  opts.log(`pods: ${all.length} (${total.pages} page${total.pages === 1 ? '' : 's'})`)
  return {items: all, stats: total}
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
