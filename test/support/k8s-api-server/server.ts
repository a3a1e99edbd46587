import {createServer, type Server} from 'node:https'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {TestCerts} from './certs.js'
import {serviceProxy} from './service-proxy.js'
import {makeExecServer} from './exec.js'
import {PodStore, type PodBehaviour} from './pods.js'
import type {World} from './world.js'

/** What a bearer token may do. Unknown tokens get 401. */
export interface TokenBehaviour {
  user?: string
  /** RBAC denials (403), e.g. 'list pods', 'list nodes', 'get nodes/proxy'. */
  deny?: Array<'list pods' | 'list nodes' | 'get nodes/proxy' | 'get nodes' | 'get pods' | 'create pods' | 'delete pods' | 'create pods/exec'>
}

/** Faults, by the 1-based ordinal of the API request (discovery requests are not counted). */
export interface FaultOptions {
  /** Requests answered 429 with Retry-After; 'all' for a storm that never ends. */
  throttle?: {requests: number[] | 'all'; retryAfterSeconds?: number}
  serverErrors?: {requests: number[] | 'all'; status?: number}
  /** Requests that never get an answer (client timeouts). */
  hang?: number[]
  /** Added to every response. */
  delayMs?: number
  /** Continue requests (1-based among requests carrying `continue`) answered 410 Expired; 'all' = every one. */
  expireContinue?: number[] | 'all'
  /** Server-side cap on `limit`. */
  maxLimit?: number
}

export interface ServerStats {
  /** TLS connections accepted. */
  connections: number
  apiRequests: number
  continueRequests: number
  /** Status code counts. */
  byStatus: Record<number, number>
  /** Path + query of the last 200 requests, for debugging tests. */
  recent: string[]
}

interface Ctx {
  world: World
  tokens: Record<string, TokenBehaviour>
  faults: FaultOptions
  stats: ServerStats
  version: string
  services: Record<string, string>
  pods: PodStore
}

function send(res: ServerResponse, ctx: Ctx, code: number, body: unknown, headers: Record<string, string> = {}): void {
  ctx.stats.byStatus[code] = (ctx.stats.byStatus[code] ?? 0) + 1
  const text = JSON.stringify(body)
  res.writeHead(code, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers})
  res.end(text)
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? {details} : {}), code}
}

const hits = (sel: number[] | 'all' | undefined, n: number): boolean => sel === 'all' || (sel?.includes(n) ?? false)

/** Equality (`k=v`, `k==v`), inequality (`k!=v`) and existence (`k`, `!k`) label selectors. */
export function matchesLabels(selector: string | null, labels: Record<string, string>): boolean {
  if (!selector) return true
  return selector.split(',').every((term) => {
    const t = term.trim()
    const ne = t.match(/^([^!=]+)!=(.*)$/)
    if (ne) return labels[ne[1]!.trim()] !== ne[2]!.trim()
    const eq = t.match(/^([^!=]+)==?(.*)$/)
    if (eq) return labels[eq[1]!.trim()] === eq[2]!.trim()
    if (t.startsWith('!')) return !(t.slice(1) in labels)
    return t in labels
  })
}

interface ContinueToken {
  r: string
  o: number
  rv: string
}
const encodeContinue = (t: ContinueToken): string => Buffer.from(JSON.stringify(t)).toString('base64url')
function decodeContinue(s: string): ContinueToken | null {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as ContinueToken
    return typeof t.o === 'number' && typeof t.r === 'string' ? t : null
  } catch {
    return null
  }
}

const discovery = {
  '/api': {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443'}]},
  '/apis': {kind: 'APIGroupList', apiVersion: 'v1', groups: []},
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      {name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list', 'watch'], shortNames: ['no']},
      {name: 'nodes/proxy', singularName: '', namespaced: false, kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update']},
      {
        name: 'pods',
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        verbs: ['create', 'delete', 'get', 'list', 'watch'],
        shortNames: ['po'],
        categories: ['all'],
      },
      {name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get']},
    ],
  },
} as Record<string, unknown>

/** Pages over indices [0, total) of one resource, keeping those `keep` accepts. */
function page(
  ctx: Ctx,
  res: ServerResponse,
  url: URL,
  resource: string,
  total: number,
  keep: (i: number) => boolean,
  build: (i: number) => unknown,
  listKind: string,
  filtered: boolean,
): void {
  const limitParam = Number.parseInt(url.searchParams.get('limit') ?? '0', 10)
  const limit = Math.min(limitParam > 0 ? limitParam : Number.POSITIVE_INFINITY, ctx.faults.maxLimit ?? Number.POSITIVE_INFINITY)
  const cont = url.searchParams.get('continue')
  let start = 0
  const rv = String(10_000 + ctx.world.podCount)
  if (cont) {
    ctx.stats.continueRequests++
    const token = decodeContinue(cont)
    if (!token || token.r !== resource)
      return send(res, ctx, 400, status(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'))
    if (hits(ctx.faults.expireContinue, ctx.stats.continueRequests)) {
      return send(
        res,
        ctx,
        410,
        status(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        ),
      )
    }
    start = token.o
  }
  const items: unknown[] = []
  let i = start
  for (; i < total && items.length < limit; i++) if (keep(i)) items.push(build(i))
  const metadata: Record<string, unknown> = {resourceVersion: rv}
  if (i < total) {
    metadata['continue'] = encodeContinue({r: resource, o: i, rv})
    // Like a real API server: the count is only given for unfiltered lists.
    if (filtered === false) metadata['remainingItemCount'] = total - i
  }
  send(res, ctx, 200, {kind: listKind, apiVersion: 'v1', metadata, items})
}

function metricsText(k: number): string {
  const b = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600]
  const lines = [
    '# HELP kubelet_pod_start_sli_duration_seconds [ALPHA] Duration in seconds to start a pod, excluding time to pull images and run init containers',
    '# TYPE kubelet_pod_start_sli_duration_seconds histogram',
  ]
  let c = 0
  for (const le of b) {
    c += le <= 5 ? 3 + (k % 3) : le <= 10 ? 1 : 0
    lines.push(`kubelet_pod_start_sli_duration_seconds_bucket{le="${le}"} ${c}`)
  }
  lines.push(
    `kubelet_pod_start_sli_duration_seconds_bucket{le="+Inf"} ${c}`,
    `kubelet_pod_start_sli_duration_seconds_sum ${c * 2.1}`,
    `kubelet_pod_start_sli_duration_seconds_count ${c}`,
  )
  lines.push('# TYPE kubelet_runtime_operations_duration_seconds histogram')
  for (const op of ['create_container', 'start_container', 'run_podsandbox']) {
    let n = 0
    for (const le of [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]) {
      n += le >= 0.05 && le <= 1 ? 10 : 0
      lines.push(`kubelet_runtime_operations_duration_seconds_bucket{operation_type="${op}",le="${le}"} ${n}`)
    }
    lines.push(
      `kubelet_runtime_operations_duration_seconds_bucket{operation_type="${op}",le="+Inf"} ${n}`,
      `kubelet_runtime_operations_duration_seconds_sum{operation_type="${op}"} ${n * 0.2}`,
      `kubelet_runtime_operations_duration_seconds_count{operation_type="${op}"} ${n}`,
    )
  }
  lines.push('# TYPE kubelet_running_pods gauge', 'kubelet_running_pods 18')
  return lines.join('\n') + '\n'
}

function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1')
  const path = url.pathname.replace(/\/$/, '') || '/'
  ctx.stats.recent.push(`${req.method} ${path}${url.search}`)
  if (ctx.stats.recent.length > 200) ctx.stats.recent.shift()
  const auth = req.headers.authorization ?? ''
  const tokenName = auth.startsWith('Bearer ') ? auth.slice(7) : ''
  const who = ctx.tokens[tokenName]
  if (!who) return send(res, ctx, 401, status(401, 'Unauthorized', 'Unauthorized'))
  const podPath = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/)
  if (req.method !== 'GET' && !(podPath && (req.method === 'POST' ? !podPath[2] : req.method === 'DELETE' && podPath[2]))) {
    return send(res, ctx, 405, status(405, 'MethodNotAllowed', `the test server does not ${req.method} ${path}`))
  }
  if (path === '/version') return send(res, ctx, 200, {major: '1', minor: '33', gitVersion: ctx.version, platform: 'linux/amd64'})
  if (path in discovery) return send(res, ctx, 200, discovery[path])

  const n = ++ctx.stats.apiRequests
  if (ctx.faults.hang?.includes(n)) return // never answered; the client must time out
  if (hits(ctx.faults.throttle?.requests, n)) {
    const s = status(429, 'TooManyRequests', 'Too many requests, please try again later.', {retryAfterSeconds: ctx.faults.throttle?.retryAfterSeconds ?? 1})
    return send(res, ctx, 429, s, {'retry-after': String(ctx.faults.throttle?.retryAfterSeconds ?? 1)})
  }
  if (hits(ctx.faults.serverErrors?.requests, n)) {
    const code = ctx.faults.serverErrors?.status ?? 503
    return send(res, ctx, code, status(code, code === 503 ? 'ServiceUnavailable' : 'InternalError', 'the test server failed this request on purpose'))
  }
  const user = who.user ?? 'system:serviceaccount:ops:densityplan'
  const deny = (verb: string, resource: string, scope: string): void =>
    send(
      res,
      ctx,
      403,
      status(
        403,
        'Forbidden',
        `${resource} is forbidden: User "${user}" cannot ${verb} resource "${resource.split('/')[0]}"${resource.includes('/') ? ` with subresource "${resource.split('/')[1]}"` : ''} in API group "" ${scope}`,
        {kind: resource},
      ),
    )
  const w = ctx.world

  if (podPath) {
    const done = podRequest(ctx, req, res, url, podPath[1]!, podPath[2], who, deny)
    if (done) return
  }
  const oneNode = path.match(/^\/api\/v1\/nodes\/([^/]+)$/)
  if (oneNode) {
    if (who.deny?.includes('get nodes')) return deny('get', 'nodes', 'at the cluster scope')
    const k = Array.from({length: w.nodeCount}, (_, j) => j).find((j) => w.nodeName(j) === oneNode[1])
    if (k === undefined) return send(res, ctx, 404, status(404, 'NotFound', `nodes "${oneNode[1]}" not found`, {name: oneNode[1], kind: 'nodes'}))
    return send(res, ctx, 200, {kind: 'Node', apiVersion: 'v1', ...w.node(k)})
  }
  if (path === '/api/v1/nodes') {
    if (who.deny?.includes('list nodes')) return deny('list', 'nodes', 'at the cluster scope')
    const sel = url.searchParams.get('labelSelector')
    const keep = (k: number): boolean => matchesLabels(sel, (w.node(k)['metadata'] as {labels: Record<string, string>}).labels)
    return page(ctx, res, url, 'nodes', w.nodeCount, keep, w.node, 'NodeList', sel !== null)
  }
  const ns = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/)
  if (path === '/api/v1/pods' || ns) {
    if (who.deny?.includes('list pods')) return deny('list', 'pods', ns ? `in the namespace "${ns[1]}"` : 'at the cluster scope')
    // Field selectors: only spec.nodeName=NODE, as kubelet and `kubectl get pods --field-selector` use it.
    const fieldSelector = url.searchParams.get('fieldSelector')
    const onNode = fieldSelector?.match(/^spec\.nodeName=(.*)$/)
    if (fieldSelector && !onNode)
      return send(
        res,
        ctx,
        400,
        status(400, 'BadRequest', `"${fieldSelector}" is not a known field selector: only "spec.nodeName=NODE" is supported by the test server`),
      )
    const keep = (i: number): boolean => (!ns || w.podNamespace(i) === ns[1]) && (!onNode || w.podNodeName(i) === onNode[1])
    const key = `pods/${ns?.[1] ?? ''}/${fieldSelector ?? ''}`
    return page(ctx, res, url, key, w.podCount, keep, w.pod, 'PodList', ns !== null || fieldSelector !== null)
  }
  const proxy = path.match(/^\/api\/v1\/nodes\/([^/]+)\/proxy\/metrics$/)
  if (proxy) {
    if (who.deny?.includes('get nodes/proxy')) return deny('get', 'nodes/proxy', 'at the cluster scope')
    const k = Array.from({length: w.nodeCount}, (_, j) => j).find((j) => w.nodeName(j) === proxy[1])
    if (k === undefined) return send(res, ctx, 404, status(404, 'NotFound', `nodes "${proxy[1]}" not found`))
    const text = metricsText(k)
    ctx.stats.byStatus[200] = (ctx.stats.byStatus[200] ?? 0) + 1
    res.writeHead(200, {'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(text)})
    return void res.end(text)
  }
  if (serviceProxy(ctx.services, path, url.search, res, (code, reason, message) => send(res, ctx, code, status(code, reason, message)))) return
  send(res, ctx, 404, status(404, 'NotFound', `the server could not find the requested resource (${path})`))
}

/**
 * Pods created through the API: create (POST, generateName honoured), get, delete (immediate,
 * like grace period 0: exec'd processes are killed) and list by `metadata.name` field selector
 * (what `kubectl delete` polls until the pod is gone). Returns false to fall through to the
 * generated world's pod lists.
 */
function podRequest(
  ctx: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  namespace: string,
  name: string | undefined,
  who: TokenBehaviour,
  deny: (verb: string, resource: string, scope: string) => void,
): boolean {
  const scope = `in the namespace "${namespace}"`
  const notFound = (n: string) => send(res, ctx, 404, status(404, 'NotFound', `pods "${n}" not found`, {name: n, kind: 'pods'}))
  if (req.method === 'POST') {
    if (who.deny?.includes('create pods')) return (deny('create', 'pods', scope), true)
    const chunks: Buffer[] = []
    req.on('data', (d: Buffer) => chunks.push(d))
    req.on('end', () => {
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        return send(res, ctx, 400, status(400, 'BadRequest', 'the body is not JSON'))
      }
      const made = ctx.pods.create(namespace, body)
      if ('code' in made) return send(res, ctx, made.code, status(made.code, made.reason, made.message))
      send(res, ctx, 201, made.obj)
    })
    return true
  }
  if (req.method === 'DELETE') {
    if (who.deny?.includes('delete pods')) return (deny('delete', 'pods', scope), true)
    req.resume()
    const gone = ctx.pods.delete(namespace, name!)
    if (!gone) return (notFound(name!), true)
    return (send(res, ctx, 200, gone.obj), true)
  }
  if (name) {
    if (who.deny?.includes('get pods')) return (deny('get', 'pods', scope), true)
    const pod = ctx.pods.get(namespace, name)
    if (!pod) return (notFound(name), true)
    return (send(res, ctx, 200, pod.obj), true)
  }
  const byName = url.searchParams.get('fieldSelector')?.match(/^metadata\.name=(.+)$/)
  if (!byName) return false
  if (who.deny?.includes('list pods')) return (deny('list', 'pods', scope), true)
  const items = ctx.pods.list(namespace, byName[1]!).map((p) => p.obj)
  return (send(res, ctx, 200, {kind: 'PodList', apiVersion: 'v1', metadata: {resourceVersion: '900000'}, items}), true)
}

/** Auth, RBAC and pod checks of an exec upgrade, answered like a real API server before it upgrades. */
function execCheck(ctx: Ctx, req: IncomingMessage, url: URL): {code: number; body: Record<string, unknown>} | null {
  const auth = req.headers.authorization ?? ''
  const who = ctx.tokens[auth.startsWith('Bearer ') ? auth.slice(7) : '']
  ctx.stats.recent.push(`${req.method} ${url.pathname}${url.search} (upgrade)`)
  if (!who) return {code: 401, body: status(401, 'Unauthorized', 'Unauthorized')}
  const m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/)
  if (!m) return {code: 404, body: status(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`)}
  const user = who.user ?? 'system:serviceaccount:ops:densityplan'
  if (who.deny?.includes('create pods/exec'))
    return {
      code: 403,
      body: status(
        403,
        'Forbidden',
        `pods "${m[2]}" is forbidden: User "${user}" cannot create resource "pods/exec" in API group "" in the namespace "${m[1]}"`,
        {name: m[2], kind: 'pods'},
      ),
    }
  const pod = ctx.pods.get(m[1]!, m[2]!)
  if (!pod) return {code: 404, body: status(404, 'NotFound', `pods "${m[2]}" not found`, {name: m[2], kind: 'pods'})}
  if (pod.obj.status['phase'] !== 'Running')
    return {code: 400, body: status(400, 'BadRequest', `unable to upgrade connection: container not found ("${pod.obj.spec.containers[0]!.name}")`)}
  return null
}

export async function listen(
  certs: TestCerts,
  world: World,
  tokens: Record<string, TokenBehaviour>,
  faults: FaultOptions,
  version: string,
  services: Record<string, string> = {},
  podBehaviour: PodBehaviour = {},
): Promise<{server: Server; port: number; stats: ServerStats; pods: PodStore}> {
  const stats: ServerStats = {connections: 0, apiRequests: 0, continueRequests: 0, byStatus: {}, recent: []}
  const pods = new PodStore(world, podBehaviour)
  const ctx: Ctx = {world, tokens, faults, stats, version, services, pods}
  const server = createServer({key: certs.keyPem, cert: certs.certPem}, (req, res) => {
    if (faults.delayMs) setTimeout(() => handle(ctx, req, res), faults.delayMs)
    else handle(ctx, req, res)
  })
  server.on(
    'upgrade',
    makeExecServer({
      pods,
      check: (req, url) => execCheck(ctx, req, url),
      ...(podBehaviour.execProtocols ? {protocols: podBehaviour.execProtocols} : {}),
      ...(podBehaviour.execJunkChannel !== undefined ? {junkChannel: podBehaviour.execJunkChannel} : {}),
    }),
  )
  server.on('close', () => pods.closeAll())
  server.on('secureConnection', () => stats.connections++)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return {server, port: (server.address() as AddressInfo).port, stats, pods}
}
