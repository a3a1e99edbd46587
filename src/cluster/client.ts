import type {RequestContext, ResponseContext, V1Node, V1Pod} from '@kubernetes/client-node'
import {redactSecrets} from '../errors/sanitize.js'
import {loadKubeconfig, runningExecPlugins, type KubeconfigChoice} from './kubeconfig.js'
import {httpGet, type HttpAnswer} from './prometheus-http.js'
import type {Page} from './pager.js'
import {splitPodList} from './prune-pod.js'

/** undici's Dispatcher, as client-node exposes it (undici is not our direct dependency). */
type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>

export interface ClusterReaderOptions extends KubeconfigChoice {
  /** Per request; an unanswered request is aborted and counts as a retryable timeout. */
  requestTimeoutMs: number
}

/**
 * Read-only access to one cluster: the `get`/`list` calls of collect and analyze (see
 * docs/rbac.yaml). This and pod-client.ts (calibrate --node: the only writes, see
 * docs/rbac-calibrate.yaml) are the only modules that load @kubernetes/client-node, lazily (it
 * costs ~1 s at import, which `--help` should not pay).
 */
export interface ClusterReader {
  contextName: string | null
  server: string
  version(): Promise<string>
  nodesPage(p: {limit: number; continueToken: string | undefined; labelSelector: string | undefined}): Promise<Page<V1Node>>
  podsPage(p: {limit: number; continueToken: string | undefined; namespace: string | undefined; fieldSelector?: string | undefined}): Promise<Page<V1Pod>>
  /** GET /api/v1/nodes/{name}/proxy/metrics (kubelet's /metrics through the API server). */
  nodeMetrics(name: string): Promise<string>
  /** GET of a path on the API server with the kubeconfig's credentials (service proxy to an in-cluster Prometheus). */
  get(path: string): Promise<HttpAnswer>
  /** Closes the shared connection pool (keep-alive sockets would hold the process open). */
  close(): Promise<void>
}

export async function connectCluster(opts: ClusterReaderOptions): Promise<ClusterReader> {
  const k8s = await import('@kubernetes/client-node')
  const {kc} = loadKubeconfig(k8s, {...opts, execTimeoutMs: opts.requestTimeoutMs})
  const core = kc.makeApiClient(k8s.CoreV1Api)
  const versionApi = kc.makeApiClient(k8s.VersionApi)
  // A fresh AbortSignal per request: client-node hands it to undici's fetch. The object-param
  // API takes observable-style middleware (client-node's own minimal Observable).
  // client-node 2.0.1 builds a new undici Agent (own TLS context, keep-alive socket) for every
  // request; over 300 pages those pile up as native memory and open sockets. Reuse the first
  // one: the TLS options come from the same kubeconfig user for every request.
  let shared: Dispatcher | undefined
  const timeout = {
    pre: (ctx: RequestContext) => {
      const fresh = ctx.getDispatcher()
      if (fresh) {
        if (shared === undefined) shared = fresh
        else if (fresh !== shared) {
          ctx.setDispatcher(shared)
          void fresh.close().catch(() => undefined)
        }
      }
      ctx.setSignal(AbortSignal.timeout(opts.requestTimeoutMs))
      return new k8s.Observable(Promise.resolve(ctx))
    },
    post: (res: ResponseContext) => new k8s.Observable(Promise.resolve(res)),
  }
  // Pod pages: parsed once here and pruned to the fields translate-pod.ts reads; client-node
  // gets only the list envelope (continue token) plus a ticket in metadata.selfLink (a field
  // API servers no longer set) under which podsPage finds the pruned items. This skips
  // client-node's typed copy of every pod, the largest garbage per page at 150,000 pods. The
  // items are V1Pod-shaped plain JSON: timestamps stay RFC 3339 strings.
  const prunedPages = new Map<string, V1Pod[]>()
  let ticket = 0
  const prunePods = {
    pre: (ctx: RequestContext) => new k8s.Observable(Promise.resolve(ctx)),
    post: (res: ResponseContext) => {
      if (res.httpStatusCode < 200 || res.httpStatusCode > 299) return new k8s.Observable(Promise.resolve(res))
      const original = res.body
      const envelope = original.text().then((text) => {
        const split = splitPodList(text)
        if (!split) return text
        const id = `densityplan-page-${++ticket}`
        prunedPages.set(id, split.items as unknown as V1Pod[])
        return JSON.stringify({...split.list, metadata: {...(split.list['metadata'] as object | undefined), selfLink: id}})
      })
      res.body = {text: () => envelope, binary: async () => Buffer.from(await envelope), stream: () => original.stream()}
      return new k8s.Observable(Promise.resolve(res))
    },
  }
  // The AbortSignal does not cover undici's TLS connect (its own 10 s connect timeout): a server
  // that accepts TCP and never finishes the handshake took 11.7 s whatever --request-timeout
  // said. So every call is also raced against the timeout here, plus a second of grace: the
  // signal still ends ordinary requests at the timeout, and an exec credential plugin (killed
  // at the timeout after it started) gets to report itself. A loser's socket is closed by
  // close() (the shared dispatcher).
  const bounded = <T>(call: () => Promise<T>): Promise<T> => withDeadline(call(), opts.requestTimeoutMs + DEADLINE_GRACE_MS)
  const withTimeout = {middleware: [timeout], middlewareMergeStrategy: 'append' as const}
  const podOptions = {middleware: [timeout, prunePods], middlewareMergeStrategy: 'append' as const}
  return {
    contextName: kc.getCurrentContext() || null,
    // Userinfo in the URL (https://user:password@host) is a credential: never in a message or a snapshot.
    server: redactSecrets(kc.getCurrentCluster()?.server ?? '(unknown)'),
    version: async () => (await bounded(() => versionApi.getCode(withTimeout))).gitVersion,
    nodesPage: async ({limit, continueToken, labelSelector}) => {
      const list = await bounded(() => core.listNode({limit, _continue: continueToken, labelSelector}, withTimeout))
      return {items: list.items, continueToken: list.metadata?._continue}
    },
    podsPage: async ({limit, continueToken, namespace, fieldSelector}) => {
      const list = await bounded(() =>
        namespace
          ? core.listNamespacedPod({namespace, limit, _continue: continueToken, fieldSelector}, podOptions)
          : core.listPodForAllNamespaces({limit, _continue: continueToken, fieldSelector}, podOptions),
      )
      const id = list.metadata?.selfLink ?? ''
      const items = prunedPages.get(id) ?? list.items
      prunedPages.delete(id)
      return {items, continueToken: list.metadata?._continue}
    },
    nodeMetrics: async (name) => {
      const text = await bounded(() => core.connectGetNodeProxyWithPath({name, path: 'metrics'}, withTimeout))
      // kubelet /metrics is 0.1-2 MB; a larger body is not kubelet metrics (docs/limits.md).
      if (text.length > MAX_METRICS_CHARS)
        throw new Error(`the metrics of node ${name} are larger than ${MAX_METRICS_CHARS / 1024 / 1024} MiB, the limit for kubelet metrics`)
      return text
    },
    get: async (path) => {
      const tls: import('node:https').RequestOptions = {}
      await kc.applyToHTTPSOptions(tls)
      return httpGet(new URL(path, kc.getCurrentCluster()?.server), {}, opts.requestTimeoutMs, tls)
    },
    close: async () => {
      // destroy, not close: close waits for in-flight requests, and one lost to the deadline
      // above (a stalled TLS handshake) would hold the exit until undici's own timeout.
      await shared?.destroy().catch(() => undefined)
    },
  }
}

/** How much later than --request-timeout the backstop deadline of one call fires. */
const DEADLINE_GRACE_MS = 1000

/** Longest kubelet /metrics text read (characters). */
export const MAX_METRICS_CHARS = 64 * 1024 * 1024

/** `p`, or a TimeoutError (classified as a retryable timeout) once `ms` have passed. */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Still waiting for the credential plugin, not the server: say so (exit 3, names the plugin).
      const plugin = [...runningExecPlugins][0]
      if (plugin !== undefined)
        reject(
          Object.assign(new Error(`exec credential plugin ${plugin} timed out`), {
            execPlugin: {command: plugin, problem: 'timeout', detail: `did not finish within ${ms} ms`},
          }),
        )
      else reject(Object.assign(new Error(`no answer within ${ms} ms`), {name: 'TimeoutError'}))
    }, ms)
  })
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer))
}
