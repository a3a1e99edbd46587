import {toClusterError, type RequestWhat} from './failure.js'
import {withRetry, type RetryPolicy} from './retry.js'

export interface Page<T> {
  items: T[]
  continueToken: string | undefined
}

export interface PagerHooks<T> {
  /** Called with each page as it arrives; reduce it here so full objects never pile up. */
  onPage(items: T[]): void
  /** The list restarted (410 Gone): discard what onPage accumulated. */
  onRestart(message: string): void
  onRetry?(message: string): void
}

export interface PagerStats {
  pages: number
  retries: number
  restarts: number
}

/**
 * Lists a resource in pages with `limit`/`continue`. Each page is retried per `policy`. When the
 * continue token expires (410 Gone, the API server compacted past the list's resourceVersion)
 * the list restarts from the beginning once, and says so; a second expiry is an error.
 */
export async function listPaged<T>(
  fetchPage: (continueToken: string | undefined) => Promise<Page<T>>,
  what: RequestWhat,
  policy: RetryPolicy,
  hooks: PagerHooks<T>,
): Promise<PagerStats> {
  const stats: PagerStats = {pages: 0, retries: 0, restarts: 0}
  let token: string | undefined
  for (;;) {
    const r = await withRetry(
      () => fetchPage(token),
      policy,
      (f, delayMs) => {
        const why =
          f.kind === 'http' ? `${f.status}${f.reason ? ` ${f.reason}` : ''}` : f.kind === 'timeout' ? 'timeout' : f.kind === 'network' ? f.code : 'error'
        hooks.onRetry?.(`${what.verb} ${what.resource}: ${why}, retrying in ${(delayMs / 1000).toFixed(1)} s`)
      },
    )
    stats.retries += r.retries
    if (!r.ok) {
      const expired = r.failure.kind === 'http' && r.failure.status === 410 && token !== undefined
      if (expired && stats.restarts === 0) {
        stats.restarts++
        token = undefined
        hooks.onRestart(`the ${what.resource} list expired after ${stats.pages} page(s) (410 Gone); restarted it from the beginning`)
        continue
      }
      throw toClusterError(r.failure, what, r.attempts)
    }
    stats.pages++
    hooks.onPage(r.value.items)
    token = r.value.continueToken || undefined
    if (token === undefined) return stats
  }
}
