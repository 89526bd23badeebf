import type { ApiKeyRow } from '../store/keys-repo.js'

/** What one call asks of its key's limits at admission. */
export interface LimitRequest {
  key: ApiKeyRow
  /** The call's request id: the usage rows of its attempts settle what it reserved. */
  requestId?: string
  /** Upstream attempts paid at admission (one per target of a fan-out). */
  attempts: number
  /** Token estimate of one attempt (prompt plus the most output it asked for), for tokens per minute. */
  tokensPerAttempt: number
  /** Worst-case cost of one attempt in picodollars, held against the budget until the call settles. */
  costPerAttempt: number
}

/** A call let through its key's limits. */
export interface LimitGrant {
  headers: Record<string, string>
  /** Charges one more upstream attempt (a retry, a fallback); rejects with the 429 that stops the route. */
  chargeAttempt(): Promise<void>
  /** Ends the call (exactly once): settles the reservations to the usage its attempts recorded. */
  release(): void
}

/**
 * The key's rate limits (rpm, tpm, max_parallel) and budget, checked and reserved in one step. Node keeps
 * them in process (local-key-limits.ts); Workers in one Durable Object per key (src/workers/), so every
 * isolate sees the same numbers.
 */
export interface KeyLimits {
  /** Checks every limit and reserves from all of them, or from none; throws the 429 (or 401) a client should see. */
  acquire(request: LimitRequest): Promise<LimitGrant>
  /** A key was updated, rotated or revoked through the admin API: applies it to the limits at once. */
  keyChanged(row: ApiKeyRow): Promise<void>
}
