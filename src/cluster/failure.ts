import {ClusterError} from '../errors/errors.js'

/**
 * What went wrong with one API request, classified once so retry decisions and user messages
 * agree. client-node 2.0.1 throws `ApiException` (numeric `code`, `body` as raw JSON text or
 * undefined for 401, lower-case `headers`) for HTTP errors, and undici's `TypeError: fetch
 * failed` with `cause.code` for network and TLS failures (docs/kubernetes-client.md).
 */
export type Failure =
  | {kind: 'http'; status: number; reason: string; message: string; retryAfterS: number | null}
  | {kind: 'network'; code: string; message: string}
  | {kind: 'timeout'}
  /** The kubeconfig's exec credential plugin timed out, is missing or failed to start. */
  | {kind: 'plugin'; command: string; problem: 'timeout' | 'missing' | 'failed'; detail: string}
  | {kind: 'other'; message: string}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
])

export function classify(err: unknown): Failure {
  const plugin = (err as {execPlugin?: {command: string; problem: 'timeout' | 'missing' | 'failed'; detail: string}} | undefined)?.execPlugin
  if (plugin) return {kind: 'plugin', ...plugin}
  const e = err as {
    code?: unknown
    body?: unknown
    headers?: Record<string, string>
    message?: string
    name?: string
    cause?: {code?: string; name?: string; message?: string}
  }
  if (typeof e?.code === 'number' && 'headers' in (e as object)) {
    let reason = ''
    let message = ''
    if (typeof e.body === 'string') {
      try {
        const status = JSON.parse(e.body) as {reason?: string; message?: string}
        reason = status.reason ?? ''
        message = status.message ?? ''
      } catch {
        message = e.body.slice(0, 200)
      }
    }
    const ra = e.headers?.['retry-after']
    const retryAfterS = ra !== undefined && /^\d+$/.test(ra.trim()) ? Number(ra) : null
    return {kind: 'http', status: e.code, reason, message, retryAfterS}
  }
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError' || e?.name === 'AbortError') return {kind: 'timeout'}
  const code = e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined)
  if (code) return {kind: 'network', code, message: e.cause?.message ?? e.message ?? code}
  const why = e?.message ?? String(err)
  return {kind: 'other', message: e?.cause?.message ? `${why}: ${e.cause.message}` : why}
}

/** 429, 5xx, timeouts and dropped connections are worth another try; auth, RBAC and TLS are not. */
export function isRetryable(f: Failure): boolean {
  if (f.kind === 'http') return f.status === 429 || f.status >= 500
  if (f.kind === 'timeout') return true
  if (f.kind === 'network') return ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EAI_AGAIN'].includes(f.code)
  return false
}

/** What the failing request was doing, for the message: `list pods at the cluster scope`. */
export interface RequestWhat {
  verb: 'list' | 'get' | 'create' | 'delete'
  resource: string
  scope: string
  server: string
  /** The RBAC file that grants it, named in the fix of a 403 (default docs/rbac.yaml). */
  rbacFile?: string
}

/** One line naming the problem and one naming the fix; exit 3 through BaseCommand. */
export function toClusterError(f: Failure, what: RequestWhat, attempts = 1): ClusterError {
  const action = `${what.verb} ${what.resource} ${what.scope}`
  const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
  if (f.kind === 'http') {
    if (f.status === 401)
      return new ClusterError(
        `cannot ${action}: the API server at ${what.server} rejected the credentials (401 Unauthorized)`,
        "refresh the credentials of this context (e.g. your cloud CLI's get-credentials), or pick another with --kubeconfig/--context",
      )
    if (f.status === 403) {
      const user = f.message.match(/User "([^"]+)"/)?.[1]
      return new ClusterError(
        `cannot ${action}: forbidden${user ? ` for user "${user}"` : ''} (403)`,
        `grant ${what.verb} on ${what.resource} (see ${what.rbacFile ?? 'docs/rbac.yaml'})`,
      )
    }
    if (f.status === 429)
      return new ClusterError(
        `cannot ${action}: the API server kept throttling (429 Too Many Requests)${tries}`,
        'retry later, or raise --max-retries / lower --page-size',
      )
    if (f.status === 410)
      return new ClusterError(
        `cannot ${action}: the list expired twice (410 Gone) before it finished`,
        'retry when the cluster is less busy, or raise --page-size so the list finishes sooner',
      )
    if (f.status >= 500)
      return new ClusterError(
        `cannot ${action}: the API server failed with ${f.status} ${f.reason || ''}${tries}`.trim(),
        'retry later; check the API server health (kubectl get --raw /readyz)',
      )
    return new ClusterError(
      `cannot ${action}: ${f.status} ${f.reason}${f.message ? `: ${f.message}` : ''}`,
      'check that the server is a Kubernetes API server and the context is right',
    )
  }
  if (f.kind === 'plugin') {
    if (f.problem === 'missing')
      return new ClusterError(
        `cannot ${action}: the kubeconfig's exec credential plugin ${f.command} was not found (${f.detail})`,
        'install the plugin (e.g. your cloud CLI) or put it on PATH, or pick another context with --kubeconfig/--context',
      )
    if (f.problem === 'timeout')
      return new ClusterError(
        `cannot ${action}: the kubeconfig's exec credential plugin ${f.command} ${f.detail} (--request-timeout)`,
        'run the plugin by hand to see why it waits (an interactive login?), then retry; or raise --request-timeout',
      )
    return new ClusterError(
      `cannot ${action}: the kubeconfig's exec credential plugin ${f.command} could not be run (${f.detail})`,
      'check the plugin command in the kubeconfig (kubectl config view)',
    )
  }
  if (f.kind === 'timeout')
    return new ClusterError(
      `cannot ${action}: no answer from ${what.server} within the request timeout${tries}`,
      'raise --request-timeout, lower --page-size, or check the network path to the API server',
    )
  if (f.kind === 'network') {
    if (f.code === 'ECONNREFUSED')
      return new ClusterError(
        `cannot ${action}: connection refused by ${what.server}`,
        'check the server address in the kubeconfig and that the cluster is up and reachable',
      )
    if (TLS_CODES.has(f.code))
      return new ClusterError(
        `cannot ${action}: TLS verification of ${what.server} failed (${f.code})`,
        "the kubeconfig's certificate-authority does not match the server: re-fetch the kubeconfig for this cluster",
      )
    if (f.code === 'ENOTFOUND' || f.code === 'EAI_AGAIN')
      return new ClusterError(
        `cannot ${action}: cannot resolve the host of ${what.server} (${f.code})`,
        'check the server address in the kubeconfig and your DNS/VPN',
      )
    return new ClusterError(
      `cannot ${action}: network error talking to ${what.server} (${f.code})${tries}`,
      'check the network path to the API server and retry',
    )
  }
  return new ClusterError(`cannot ${action}: ${f.message}`, 'check the kubeconfig (credential plugins, certificates) and retry with --debug')
}
