import type {RequestContext, ResponseContext, V1Node, V1Pod} from '@kubernetes/client-node'
import {loadKubeconfig, type KubeconfigChoice} from './kubeconfig.js'
import type {Page} from './pager.js'

export interface ClusterReaderOptions extends KubeconfigChoice {
  /** Per request; an unanswered request is aborted and counts as a retryable timeout. */
  requestTimeoutMs: number
}

/**
 * Read-only access to one cluster: the only `get`/`list` calls densityplan makes (see
 * docs/rbac.yaml). The only module that loads @kubernetes/client-node, lazily (it costs ~1 s
 * at import, which `--help` should not pay).
 */
export interface ClusterReader {
  contextName: string | null
  server: string
  version(): Promise<string>
  nodesPage(p: {limit: number; continueToken: string | undefined; labelSelector: string | undefined}): Promise<Page<V1Node>>
  podsPage(p: {limit: number; continueToken: string | undefined; namespace: string | undefined}): Promise<Page<V1Pod>>
  /** GET /api/v1/nodes/{name}/proxy/metrics (kubelet's /metrics through the API server). */
  nodeMetrics(name: string): Promise<string>
}

export async function connectCluster(opts: ClusterReaderOptions): Promise<ClusterReader> {
  const k8s = await import('@kubernetes/client-node')
  const {kc} = loadKubeconfig(k8s, opts)
  const core = kc.makeApiClient(k8s.CoreV1Api)
  const versionApi = kc.makeApiClient(k8s.VersionApi)
  // A fresh AbortSignal per request: client-node hands it to undici's fetch. The object-param
  // API takes observable-style middleware (client-node's own minimal Observable).
  const withTimeout = {
    middleware: [{
      pre: (ctx: RequestContext) => {
        ctx.setSignal(AbortSignal.timeout(opts.requestTimeoutMs))
        return new k8s.Observable(Promise.resolve(ctx))
      },
      post: (res: ResponseContext) => new k8s.Observable(Promise.resolve(res)),
    }],
    middlewareMergeStrategy: 'append' as const,
  }
  return {
    contextName: kc.getCurrentContext() || null,
    server: kc.getCurrentCluster()?.server ?? '(unknown)',
    version: async () => (await versionApi.getCode(withTimeout)).gitVersion,
    nodesPage: async ({limit, continueToken, labelSelector}) => {
      const list = await core.listNode({limit, _continue: continueToken, labelSelector}, withTimeout)
      return {items: list.items, continueToken: list.metadata?._continue}
    },
    podsPage: async ({limit, continueToken, namespace}) => {
      const list = namespace
        ? await core.listNamespacedPod({namespace, limit, _continue: continueToken}, withTimeout)
        : await core.listPodForAllNamespaces({limit, _continue: continueToken}, withTimeout)
      return {items: list.items, continueToken: list.metadata?._continue}
    },
    nodeMetrics: (name) => core.connectGetNodeProxyWithPath({name, path: 'metrics'}, withTimeout),
  }
}
