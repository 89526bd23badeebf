import type { ProviderError } from '../../providers/index.js'

/** The first retry waits up to this long; each further one doubles it (full jitter: anywhere from 0). */
export const BACKOFF_BASE_MS = 500

/** Worth trying again (the same target, or the next): a listed status, a timeout, a connection failure. */
export function isRetryable(err: ProviderError, retryOnStatus: readonly number[]): boolean {
  if (err.code === 'aborted') return false
  if (err.code === 'timeout' || err.code === 'connection_error') return err.retryable
  return retryOnStatus.includes(err.status)
}

/** A fallback also moves past an upstream that refuses the gateway's credentials: another provider may not. */
export function canFallBack(err: ProviderError, retryOnStatus: readonly number[]): boolean {
  if (isRetryable(err, retryOnStatus)) return true
  return err.code === 'authentication_error' || err.code === 'permission_denied'
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base · 2^retry)). */
export function backoffMs(retry: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, BACKOFF_BASE_MS * 2 ** Math.min(retry, 30))
  return Math.floor(random() * ceiling)
}

export interface RetryPolicy {
  /** Retries allowed after the first attempt. */
  retries: number
  retryOnStatus: readonly number[]
  /** The longest wait honoured; a Retry-After above it is not slept (the next target is tried instead). */
  maxDelayMs: number
  random: () => number
}

/**
 * How long to wait before retrying the same target after `retry` retries so far, or undefined when it
 * should not be retried: not retryable, out of retries, Retry-After above the cap, or past the deadline.
 * The Retry-After (retry-after-ms) an upstream sent wins over the backoff.
 */
export function retryDelayMs(err: ProviderError, retry: number, policy: RetryPolicy, msLeft: number): number | undefined {
  if (retry >= policy.retries || !isRetryable(err, policy.retryOnStatus)) return undefined
  const delay = err.retryAfterMs ?? backoffMs(retry, policy.maxDelayMs, policy.random)
  if (delay > policy.maxDelayMs || delay >= msLeft) return undefined
  return delay
}
