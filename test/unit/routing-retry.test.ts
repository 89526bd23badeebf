import { describe, expect, it } from 'vitest'
import { ProviderError } from '../../providers/index.js'
import { backoffMs, canFallBack, isRetryable, retryDelayMs, type RetryPolicy } from '../../src/routing/retry.js'

const statuses = [408, 409, 429, 500, 502, 503, 504]
const err = (status: number, extra: Partial<ConstructorParameters<typeof ProviderError>[0]> = {}) =>
  new ProviderError({ provider: 'openai', status, code: status === 429 ? 'rate_limit_exceeded' : 'upstream_error', message: 'x', ...extra })
const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({ retries: 3, retryOnStatus: statuses, maxDelayMs: 30_000, random: () => 1 - Number.EPSILON, ...over })

describe('routing: retry decisions', () => {
  it('retries the listed statuses, timeouts and connection failures; never an abort or a 400', () => {
    expect(isRetryable(err(503), statuses)).toBe(true)
    expect(isRetryable(err(501), statuses)).toBe(false)
    expect(isRetryable(err(400, { code: 'invalid_request_error' }), statuses)).toBe(false)
    expect(isRetryable(err(504, { code: 'timeout', retryable: true }), statuses)).toBe(true)
    expect(isRetryable(err(504, { code: 'timeout', retryable: false }), statuses)).toBe(false)
    expect(isRetryable(err(502, { code: 'connection_error' }), [])).toBe(true)
    expect(isRetryable(err(499, { code: 'aborted' }), [499])).toBe(false)
    expect(canFallBack(err(401, { code: 'authentication_error' }), statuses)).toBe(true)
  })

  it('backs off exponentially with full jitter, capped', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n, 30_000, () => 0.5))).toEqual([250, 500, 1000, 2000])
    expect(backoffMs(20, 30_000, () => 0.5)).toBe(15_000)
    expect(backoffMs(3, 30_000, () => 0)).toBe(0)
  })

  it('honours Retry-After up to the cap, and gives up above it, past the deadline or out of retries', () => {
    expect(retryDelayMs(err(429, { retryAfterMs: 2000 }), 0, policy(), 60_000)).toBe(2000)
    expect(retryDelayMs(err(429, { retryAfterMs: 31_000 }), 0, policy(), 60_000)).toBeUndefined()
    expect(retryDelayMs(err(429, { retryAfterMs: 2000 }), 0, policy(), 1000)).toBeUndefined()
    expect(retryDelayMs(err(503), 3, policy(), 60_000)).toBeUndefined()
    expect(retryDelayMs(err(503), 0, policy({ random: () => 0.5 }), 60_000)).toBe(250)
    expect(retryDelayMs(err(400, { code: 'invalid_request_error' }), 0, policy(), 60_000)).toBeUndefined()
  })
})
