import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import { limitHeaders, retryAfterSeconds } from './rate-limit-headers.js'
import { TokenBucket } from './token-bucket.js'
import type { UsageRecorder, UsageRow } from './usage-recorder.js'

/** A call let through the key's limits; `release` ends it (exactly once; later calls do nothing). */
export interface RateTicket {
  headers: Record<string, string>
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

function rateLimited(message: string, headers: Record<string, string>): GatewayError {
  return new GatewayError(429, message, { type: 'rate_limit_error', code: 'rate_limit_exceeded', headers })
}

/**
 * Per-key requests per minute, tokens per minute and parallel calls, held in this process's memory (on
 * Workers: per isolate, so a key spread over N isolates may get up to N times its limits). Tokens are
 * reserved before the call (estimate) and settled with the real usage of every attempt of the call, which
 * the recorder reports by request id.
 */
export class RateLimiter {
  private readonly keys = new Map<string, KeyState>()
  private readonly reservations = new Map<string, Reservation>()

  constructor(private readonly clock: Clock, usage: UsageRecorder) {
    usage.subscribe((row) => this.onRecorded(row))
  }

  private stateOf(keyId: string): KeyState {
    let state = this.keys.get(keyId)
    if (!state) this.keys.set(keyId, (state = { inFlight: 0 }))
    return state
  }

  /** Checks every limit first and takes from none unless all pass; throws the 429 a client should see. */
  acquire(key: ApiKeyRow, estimatedTokens: number, requestId: string | undefined): RateTicket {
    const now = this.clock.now()
    const state = this.stateOf(key.id)
    const headers: Record<string, string> = {}
    const { rpm, tpm, maxParallel } = key
    if (rpm !== null) state.requests ??= new TokenBucket(rpm, now)
    if (tpm !== null) state.tokens ??= new TokenBucket(tpm, now)

    const requestWait = rpm !== null ? state.requests!.waitFor(1, rpm, now) : 0
    const tokenWait = tpm !== null ? state.tokens!.waitFor(estimatedTokens, tpm, now) : 0
    if (rpm !== null) limitHeaders('requests', state.requests!.state(rpm, now), headers)
    if (tpm !== null) limitHeaders('tokens', state.tokens!.state(tpm, now), headers)

    if (tpm !== null && estimatedTokens > tpm) {
      throw rateLimited(`Request too large: it may use ${estimatedTokens} tokens (prompt estimate plus max tokens) and this key's limit is ${tpm} tokens per minute. Lower max_tokens or the prompt.`, headers)
    }
    if (requestWait > 0) {
      throw rateLimited(`Rate limit reached on requests per minute (RPM): limit ${rpm}. Please try again in ${retryAfterSeconds(requestWait)}s.`, { ...headers, 'retry-after': retryAfterSeconds(requestWait) })
    }
    if (tokenWait > 0) {
      throw rateLimited(`Rate limit reached on tokens per minute (TPM): limit ${tpm}, requested ${estimatedTokens}. Please try again in ${retryAfterSeconds(tokenWait)}s.`, { ...headers, 'retry-after': retryAfterSeconds(tokenWait) })
    }
    if (maxParallel !== null && state.inFlight >= maxParallel) {
      throw rateLimited(`Too many parallel requests: this key may have ${maxParallel} in flight at once.`, { ...headers, 'retry-after': '1' })
    }

    if (rpm !== null) {
      state.requests!.take(1, rpm, now)
      limitHeaders('requests', state.requests!.state(rpm, now), headers)
    }
    let reservation: Reservation | undefined
    if (tpm !== null) {
      state.tokens!.take(estimatedTokens, tpm, now)
      limitHeaders('tokens', state.tokens!.state(tpm, now), headers)
      reservation = { keyId: key.id, reserved: estimatedTokens, used: 0 }
      if (requestId !== undefined) this.reservations.set(requestId, reservation)
    }
    state.inFlight++

    let released = false
    return {
      headers,
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

  private onRecorded(row: UsageRow): void {
    const reservation = this.reservations.get(row.requestId)
    if (!reservation) return
    reservation.used += (row.promptTokens ?? 0) + (row.completionTokens ?? 0)
  }
}
