import type { LimitState } from './rate-limit-headers.js'

const MINUTE_MS = 60_000

/** A bucket as stored (a Durable Object keeps its buckets across evictions). */
export interface BucketSnapshot {
  level: number
  updatedAt: number
  capacity: number
}

/**
 * A per-minute limit as a bucket that refills continuously: `capacity` units a minute, never more than
 * `capacity` held. The level may go below zero when a call used more tokens than it reserved; the key
 * then waits until the debt is paid back.
 */
export class TokenBucket {
  private level: number
  private updatedAt: number
  private capacity: number

  constructor(capacity: number, now: number) {
    this.level = capacity
    this.updatedAt = now
    this.capacity = capacity
  }

  static fromSnapshot(snapshot: BucketSnapshot): TokenBucket {
    const bucket = new TokenBucket(snapshot.capacity, snapshot.updatedAt)
    bucket.level = snapshot.level
    return bucket
  }

  snapshot(): BucketSnapshot {
    return { level: this.level, updatedAt: this.updatedAt, capacity: this.capacity }
  }

  private refill(capacity: number, now: number): void {
    // A changed limit (PATCH) applies at once and keeps what the last minute used: 99 of 100 left, then a
    // limit of 1, leaves 0.
    if (capacity !== this.capacity) {
      this.level += capacity - this.capacity
      this.capacity = capacity
    }
    if (now > this.updatedAt) {
      this.level = Math.min(capacity, this.level + ((now - this.updatedAt) * capacity) / MINUTE_MS)
      this.updatedAt = now
    }
  }

  /** Milliseconds until `amount` would fit; 0 when it fits now. */
  waitFor(amount: number, capacity: number, now: number): number {
    this.refill(capacity, now)
    return this.level >= amount ? 0 : ((amount - this.level) * MINUTE_MS) / capacity
  }

  take(amount: number, capacity: number, now: number): void {
    this.refill(capacity, now)
    this.level -= amount
  }

  /** Gives back (negative) or charges (positive) the difference between a reservation and the real use. */
  adjust(amount: number, capacity: number, now: number): void {
    this.refill(capacity, now)
    this.level = Math.min(capacity, this.level - amount)
  }

  state(capacity: number, now: number): LimitState {
    this.refill(capacity, now)
    return { limit: capacity, remaining: this.level, resetMs: ((capacity - this.level) * MINUTE_MS) / capacity }
  }
}
