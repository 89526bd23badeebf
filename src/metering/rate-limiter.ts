import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import { limitHeaders, retryAfterSeconds } from './rate-limit-headers.js'
import { TokenBucket, type BucketSnapshot } from './token-bucket.js'
import type { UsageRow } from './usage-recorder.js'

/** The usage a call's attempts recorded, by request id: what settles its token reservation. */
export type SettlingRow = Pick<UsageRow, 'requestId' | 'promptTokens' | 'completionTokens'>

/** Where the limiter hears of recorded usage: the usage recorder on Node, the settle calls in a Durable Object. */
export interface UsageFeed {
  subscribe(listener: (row: SettlingRow) => void): void
}

/** A call let through the key's limits; `release` ends it (exactly once; later calls do nothing). */
export interface RateTicket {
  headers: Record<string, string>
  /**
   * Takes one more upstream attempt (a retry, a fallback) from the key's requests and tokens per minute,
   * or throws the 429 that stops the route when the key has none left. Parallel slots are not touched:
   * the call already holds one.
   */
  chargeAttempt(estimatedTokens: number): void
  release(): void
}

interface Reservation {
  keyId: string
  reserved: number
  used: number
}

interface KeyState {
  requests?: TokenBucket
  tokens?: TokenBucket
  inFlight: number
}

/** A key's per-minute buckets as stored. */
export interface KeyRateSnapshot {
  requests?: BucketSnapshot
  tokens?: BucketSnapshot
}

function rateLimited(message: string, headers: Record<string, string>): GatewayError {
  return new GatewayError(429, message, { type: 'rate_limit_error', code: 'rate_limit_exceeded', headers })
}

/**
 * Per-key requests per minute, tokens per minute and parallel calls, held in memory: this process's on
 * Node, the key's Durable Object's on Workers (src/workers/key-limiter-object.ts). Tokens are
 * reserved before the call (estimate) and settled with the real usage of every attempt of the call, which
 * the recorder reports by request id.
 */
export class RateLimiter {
  private readonly keys = new Map<string, KeyState>()
  private readonly reservations = new Map<string, Reservation>()

  constructor(private readonly clock: Clock, usage: UsageFeed) {
    usage.subscribe((row) => this.onRecorded(row))
  }

  private stateOf(keyId: string): KeyState {
    let state = this.keys.get(keyId)
    if (!state) this.keys.set(keyId, (state = { inFlight: 0 }))
    return state
  }

  /**
   * Checks every limit first and takes from none unless all pass; throws the 429 a client should see.
   * `attempts` is how many upstream attempts the call starts with (one per target of a fan-out); each
   * takes a request, and `estimatedTokens` is already the total for all of them.
   */
  acquire(key: ApiKeyRow, estimatedTokens: number, requestId: string | undefined, attempts = 1): RateTicket {
    const now = this.clock.now()
    const state = this.stateOf(key.id)
    const { tpm, maxParallel } = key
    const headers = this.check(key, state, attempts, estimatedTokens, now, (current) => {
      const across = attempts > 1 ? ` across its ${attempts} upstream calls` : ''
      return rateLimited(`Request too large: it may use ${estimatedTokens} tokens${across} (prompt estimate plus max tokens) and this key's limit is ${tpm} tokens per minute. Lower max_tokens or the prompt.`, current)
    })
    if (maxParallel !== null && state.inFlight >= maxParallel) {
      throw rateLimited(`Too many parallel requests: this key may have ${maxParallel} in flight at once.`, { ...headers, 'retry-after': '1' })
    }
    this.take(key, state, attempts, estimatedTokens, now, headers)
    let reservation: Reservation | undefined
    if (tpm !== null) {
      reservation = { keyId: key.id, reserved: estimatedTokens, used: 0 }
      if (requestId !== undefined) this.reservations.set(requestId, reservation)
    }
    state.inFlight++

    let released = false
    return {
      headers,
      chargeAttempt: (tokens) => {
        if (released || (key.rpm === null && key.tpm === null)) return
        const at = this.clock.now()
        this.check(key, state, 1, tokens, at, (current) => rateLimited(`Rate limit reached on tokens per minute (TPM): another upstream attempt may use ${tokens} tokens and this key's limit is ${key.tpm} tokens per minute.`, current))
        this.take(key, state, 1, tokens, at, {})
        if (reservation) reservation.reserved += tokens
      },
      release: () => {
        if (released) return
        released = true
        state.inFlight--
        if (!reservation) return
        if (requestId !== undefined) this.reservations.delete(requestId)
        // Without a request id the usage cannot be matched: the reservation stands as the charge.
        if (requestId === undefined) return
        const limit = key.tpm
        if (limit !== null) state.tokens?.adjust(reservation.used - reservation.reserved, limit, this.clock.now())
      },
    }
  }

  /**
   * The rate-limit headers as they stand; throws the 429 when `requests` or `tokens` do not fit now, or
   * `tooLarge` when `tokens` could never fit in a minute.
   */
  private check(key: ApiKeyRow, state: KeyState, requests: number, tokens: number, now: number, tooLarge: (headers: Record<string, string>) => GatewayError): Record<string, string> {
    const headers: Record<string, string> = {}
    const { rpm, tpm } = key
    if (rpm !== null) state.requests ??= new TokenBucket(rpm, now)
    if (tpm !== null) state.tokens ??= new TokenBucket(tpm, now)

    const requestWait = rpm !== null ? state.requests!.waitFor(requests, rpm, now) : 0
    const tokenWait = tpm !== null ? state.tokens!.waitFor(tokens, tpm, now) : 0
    if (rpm !== null) limitHeaders('requests', state.requests!.state(rpm, now), headers)
    if (tpm !== null) limitHeaders('tokens', state.tokens!.state(tpm, now), headers)
    if (tpm !== null && tokens > tpm) throw tooLarge(headers)
    if (requestWait > 0) {
      throw rateLimited(`Rate limit reached on requests per minute (RPM): limit ${rpm}. Please try again in ${retryAfterSeconds(requestWait)}s.`, { ...headers, 'retry-after': retryAfterSeconds(requestWait) })
    }
    if (tokenWait > 0) {
      throw rateLimited(`Rate limit reached on tokens per minute (TPM): limit ${tpm}, requested ${tokens}. Please try again in ${retryAfterSeconds(tokenWait)}s.`, { ...headers, 'retry-after': retryAfterSeconds(tokenWait) })
    }
    return headers
  }

  private take(key: ApiKeyRow, state: KeyState, requests: number, tokens: number, now: number, headers: Record<string, string>): void {
    const { rpm, tpm } = key
    if (rpm !== null) {
      state.requests!.take(requests, rpm, now)
      limitHeaders('requests', state.requests!.state(rpm, now), headers)
    }
    if (tpm !== null) {
      state.tokens!.take(tokens, tpm, now)
      limitHeaders('tokens', state.tokens!.state(tpm, now), headers)
    }
  }

  /** The key's buckets, to store (a Durable Object that may be evicted between calls). */
  snapshot(keyId: string): KeyRateSnapshot {
    const state = this.keys.get(keyId)
    return { requests: state?.requests?.snapshot(), tokens: state?.tokens?.snapshot() }
  }

  /** Puts stored buckets back, before any call of the key. */
  restore(keyId: string, snapshot: KeyRateSnapshot): void {
    const state = this.stateOf(keyId)
    if (snapshot.requests) state.requests = TokenBucket.fromSnapshot(snapshot.requests)
    if (snapshot.tokens) state.tokens = TokenBucket.fromSnapshot(snapshot.tokens)
  }

  /**
   * A call admitted before this limiter existed (its Durable Object was evicted while the call ran) holds
   * one parallel slot again until the returned function is called (once).
   */
  resume(keyId: string): () => void {
    const state = this.stateOf(keyId)
    state.inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      state.inFlight--
    }
  }

  private onRecorded(row: SettlingRow): void {
    const reservation = this.reservations.get(row.requestId)
    if (!reservation) return
    reservation.used += (row.promptTokens ?? 0) + (row.completionTokens ?? 0)
  }
}
