import {describe, expect, it} from 'vitest'
import {classify, isRetryable} from '../../src/cluster/failure.js'
import {listPaged} from '../../src/cluster/pager.js'
import {withRetry, type RetryPolicy} from '../../src/cluster/retry.js'
import {ClusterError} from '../../src/errors/errors.js'

/** Shaped like client-node 2.0.1's ApiException (docs/kubernetes-client.md). */
function apiException(code: number, reason: string, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error('Unknown API Status Code!'), {code, body: JSON.stringify({kind: 'Status', reason, message: `${reason} happened`}), headers})
}

const what = {verb: 'list' as const, resource: 'pods', scope: 'at the cluster scope', server: 'https://k'}

describe('failure classification', () => {
  it('reads status, reason and Retry-After from an ApiException', () => {
    expect(classify(apiException(429, 'TooManyRequests', {'retry-after': '3'}))).toEqual({
      kind: 'http',
      status: 429,
      reason: 'TooManyRequests',
      message: 'TooManyRequests happened',
      retryAfterS: 3,
    })
  })
  it('reads undici network codes from the cause', () => {
    const err = Object.assign(new TypeError('fetch failed'), {cause: Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'})})
    expect(classify(err)).toMatchObject({kind: 'network', code: 'ECONNREFUSED'})
  })
  it('retries throttling, server errors and timeouts, never auth or RBAC', () => {
    expect([429, 500, 503, 401, 403, 410].map((c) => isRetryable(classify(apiException(c, 'x'))))).toEqual([true, true, true, false, false, false])
    expect(isRetryable(classify(Object.assign(new Error('t'), {name: 'TimeoutError'})))).toBe(true)
  })
})

describe('retry with backoff', () => {
  it('never waits less than Retry-After, and doubles the backoff otherwise', async () => {
    const waits: number[] = []
    const policy: RetryPolicy = {maxRetries: 5, baseDelayMs: 100, maxDelayMs: 10_000, sleep: async (ms) => void waits.push(ms)}
    let n = 0
    const r = await withRetry(async () => {
      n++
      if (n === 1) throw apiException(429, 'TooManyRequests', {'retry-after': '2'})
      if (n <= 3) throw apiException(503, 'ServiceUnavailable')
      return 'ok'
    }, policy)
    expect(r).toEqual({ok: true, value: 'ok', retries: 3})
    expect(waits).toEqual([2000, 200, 400])
  })
  it('stops after maxRetries and reports the attempts', async () => {
    const policy: RetryPolicy = {maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined}
    const r = await withRetry(async () => {
      throw apiException(500, 'InternalError')
    }, policy)
    expect(r).toMatchObject({ok: false, attempts: 3, retries: 2})
  })
})

describe('paged listing', () => {
  const policy: RetryPolicy = {maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined}
  /** Three pages of ints; `expireAt` lists the call numbers answered 410. */
  function source(expireAt: number[]) {
    let call = 0
    return async (token: string | undefined) => {
      call++
      if (token !== undefined && expireAt.includes(call)) throw apiException(410, 'Expired')
      const page = token === undefined ? 0 : Number(token)
      return {items: [page * 10, page * 10 + 1], continueToken: page < 2 ? String(page + 1) : undefined}
    }
  }

  it('hands every page over as it arrives', async () => {
    const pages: number[][] = []
    const stats = await listPaged(source([]), what, policy, {onPage: (p) => pages.push(p), onRestart: () => undefined})
    expect(pages).toEqual([
      [0, 1],
      [10, 11],
      [20, 21],
    ])
    expect(stats).toEqual({pages: 3, retries: 0, restarts: 0})
  })

  it('restarts once from the beginning when the continue token expires, telling the consumer to discard', async () => {
    let items: number[] = []
    const restarts: string[] = []
    const stats = await listPaged(source([3]), what, policy, {
      onPage: (p) => items.push(...p),
      onRestart: (m) => {
        restarts.push(m)
        items = []
      },
    })
    expect(items).toEqual([0, 1, 10, 11, 20, 21])
    expect(stats.restarts).toBe(1)
    expect(restarts[0]).toContain('410 Gone')
  })

  it('fails with a ClusterError when it expires a second time', async () => {
    const run = listPaged(source([2, 4]), what, policy, {onPage: () => undefined, onRestart: () => undefined})
    await expect(run).rejects.toBeInstanceOf(ClusterError)
    await expect(listPaged(source([2, 4]), what, policy, {onPage: () => undefined, onRestart: () => undefined})).rejects.toThrow('expired twice')
  })
})
