import type {SnapshotNode, SnapshotPod} from '../domain/snapshot.js'
import type {Anonymizer} from './anonymizer.js'
import type {ClusterReader} from './client.js'
import {Interner} from './intern.js'
import {listPaged} from './pager.js'
import type {RetryPolicy} from './retry.js'
import {translateNode} from './translate-node.js'
import {translatePod} from './translate-pod.js'

// Listing nodes and pods page by page, each page reduced to snapshot summaries as it arrives
// (collect's and a live analyze's route to the API server).

/** What listing needs from collect's options. */
export interface ListOptions {
  /** One namespace; undefined = all namespaces. */
  namespace?: string
  nodeSelector?: string
  poolLabel?: string
  pageSize: number
  /** Churn and start latencies are observed over [now - windowMs, now]. */
  windowMs: number
  /** Progress lines (stderr). */
  log: (line: string) => void
}

type Warn = (w: string) => void

export async function listNodes(reader: ClusterReader, opts: ListOptions, policy: RetryPolicy, anon: Anonymizer, warn: Warn, onRetry: (m: string) => void) {
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

export async function listPods(
  reader: ClusterReader,
  opts: ListOptions,
  policy: RetryPolicy,
  ctx: {anon: Anonymizer; nowMs: number; nodeNames: string[]},
  warn: Warn,
  onRetry: (m: string) => void,
) {
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
