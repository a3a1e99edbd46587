import {classify, isRetryable, type Failure} from './failure.js'

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number
  baseDelayMs: number
  maxDelayMs: number
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>
}

export const DEFAULT_RETRY: RetryPolicy = {maxRetries: 6, baseDelayMs: 250, maxDelayMs: 30_000}

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Outcome: the value, or the last failure and how many attempts were made. */
export type RetryResult<T> = {ok: true; value: T; retries: number} | {ok: false; failure: Failure; attempts: number; retries: number}

/**
 * Runs `fn` again on 429, 5xx, timeouts and dropped connections, with exponential backoff
 * (base·2^n, capped) that never waits less than the server's Retry-After. Bounded by maxRetries:
 * a storm that never ends becomes an error, not a hang. `onRetry` lets the caller count and log.
 */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, onRetry?: (f: Failure, delayMs: number) => void): Promise<RetryResult<T>> {
  const sleep = policy.sleep ?? sleepMs
  let retries = 0
  for (;;) {
    try {
      return {ok: true, value: await fn(), retries}
    } catch (err) {
      const f = classify(err)
      if (!isRetryable(f) || retries >= policy.maxRetries) return {ok: false, failure: f, attempts: retries + 1, retries}
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retries)
      const delay = f.kind === 'http' && f.retryAfterS !== null ? Math.min(policy.maxDelayMs, Math.max(backoff, f.retryAfterS * 1000)) : backoff
      onRetry?.(f, delay)
      retries++
      await sleep(delay)
    }
  }
}
