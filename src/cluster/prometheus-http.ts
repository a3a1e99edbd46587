import {readFileSync} from 'node:fs'
import {request as httpRequest} from 'node:http'
import {request as httpsRequest, type RequestOptions} from 'node:https'
import {InputError} from '../errors/errors.js'

/**
 * How to reach a Prometheus (or Prometheus-compatible) HTTP API. Credentials live only in
 * memory for the requests: they are never written to a snapshot or a message.
 */
export interface PrometheusAuth {
  /** Bearer token (read from --prometheus-token-file). */
  token?: string
  /** Basic auth (user from --prometheus-user, password from --prometheus-password-file). */
  basic?: {user: string; password: string}
  /** PEM CA bundle for https (like kubectl --certificate-authority). */
  ca?: string
  /** Skip TLS verification (like kubectl --insecure-skip-tls-verify). */
  insecure?: boolean
}

export interface PrometheusAuthFlags {
  tokenFile?: string
  user?: string
  passwordFile?: string
  caFile?: string
  insecure?: boolean
}

/** Reads the credential files named by flags; an unreadable file is an input error (exit 2). */
export function loadPrometheusAuth(f: PrometheusAuthFlags): PrometheusAuth {
  const read = (flag: string, path: string): string => {
    try {
      return readFileSync(path, 'utf8').trim()
    } catch (err) {
      throw new InputError(
        `--${flag} ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        `pass a readable file with --${flag}`,
      )
    }
  }
  if (f.passwordFile && !f.user)
    throw new InputError('--prometheus-password-file needs --prometheus-user', 'pass both for basic auth, or use --prometheus-token-file for a bearer token')
  return {
    ...(f.tokenFile ? {token: read('prometheus-token-file', f.tokenFile)} : {}),
    ...(f.user ? {basic: {user: f.user, password: f.passwordFile ? read('prometheus-password-file', f.passwordFile) : ''}} : {}),
    ...(f.caFile ? {ca: read('prometheus-ca-file', f.caFile)} : {}),
    ...(f.insecure ? {insecure: true} : {}),
  }
}

export interface HttpAnswer {
  status: number
  body: string
}

/** A transport failure (no HTTP answer): refused, unresolvable, TLS, timeout. */
export class PrometheusTransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'PrometheusTransportError'
  }
}

const MAX_BODY_BYTES = 64 * 1024 * 1024

/** One GET with node:http(s) (no extra dependency), the auth above and a timeout. */
export function httpGet(url: URL, auth: PrometheusAuth, timeoutMs: number, extra: RequestOptions = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = {accept: 'application/json', ...(extra.headers as Record<string, string> | undefined)}
  if (auth.token) headers['authorization'] = `Bearer ${auth.token}`
  else if (auth.basic) headers['authorization'] = `Basic ${Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64')}`
  const https = url.protocol === 'https:'
  const opts: RequestOptions = {
    ...extra,
    method: 'GET',
    headers,
    timeout: timeoutMs,
    ...(https ? {...(auth.ca ? {ca: auth.ca} : {}), ...(auth.insecure ? {rejectUnauthorized: false} : {})} : {}),
  }
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, opts, (res) => {
      const chunks: Buffer[] = []
      let bytes = 0
      res.on('data', (c: Buffer) => {
        bytes += c.length
        if (bytes > MAX_BODY_BYTES) req.destroy(new PrometheusTransportError('EFBIG', `answer larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`))
        else chunks.push(c)
      })
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new PrometheusTransportError('ETIMEDOUT', `no answer within ${timeoutMs} ms`)))
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(err instanceof PrometheusTransportError ? err : new PrometheusTransportError(err.code ?? 'EIO', err.message)),
    )
    req.end()
  })
}
