import {request} from 'node:http'
import type {IncomingMessage, ServerResponse} from 'node:http'

/**
 * The API server's service proxy (`/api/v1/namespaces/NS/services/[SCHEME:]NAME:PORT/proxy/...`)
 * for tests: forwards GETs to the plain-http base URL registered for `NS/[SCHEME:]NAME:PORT`.
 * Returns false when the path is not a service proxy path.
 */
export function serviceProxy(
  services: Record<string, string>,
  path: string,
  search: string,
  res: ServerResponse,
  fail: (code: number, reason: string, message: string) => void,
): boolean {
  const m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/)
  if (!m) return false
  const target = services[`${m[1]}/${m[2]}`]
  if (!target) {
    fail(503, 'ServiceUnavailable', `no endpoints available for service "${m[2]}"`)
    return true
  }
  const up = request(`${target}${m[3] ?? '/'}${search}`, (r: IncomingMessage) => {
    res.writeHead(r.statusCode ?? 502, {'content-type': r.headers['content-type'] ?? 'application/octet-stream'})
    r.pipe(res)
  })
  up.on('error', (err) => fail(503, 'ServiceUnavailable', `error trying to reach service: ${err.message}`))
  up.end()
  return true
}
