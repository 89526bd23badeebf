import { ProviderError } from '../../providers/index.js'
import type { CallerSignal } from './caller-signal.js'
import { GatewayError } from '../errors.js'

/**
 * A failure of the gateway itself while making an attempt (a bug, a translation that threw, an exhausted
 * stack): never the target's fault, so it never counts toward the target's cooldown, and not retried.
 */
export class LocalFailure extends ProviderError {}

/** A fan-out lane refused by the key's own limits or budget before it called its target (the route's 429). */
function refusedAttempt(provider: string, err: GatewayError): ProviderError {
  const retryAfter = Number(err.headers['retry-after'])
  return new LocalFailure({
    provider, status: err.status, code: err.status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error', message: err.message,
    retryable: false, retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
  })
}

/** Anything an attempt threw, as a ProviderError; an abort we asked for is `aborted`, never a failure to retry. */
export function toProviderError(provider: string, err: unknown, signal: CallerSignal): ProviderError {
  if (signal.aborted && !(err instanceof ProviderError && err.code === 'timeout')) {
    const reason: unknown = signal.reason
    if (reason instanceof ProviderError) return reason
    return new ProviderError({ provider, status: 499, code: 'aborted', message: 'request aborted', retryable: false, cause: err })
  }
  if (err instanceof ProviderError) return err
  // A consumer that stopped reading (client gone, race lost) ends the attempt with an AbortError of its own.
  if (err instanceof DOMException && err.name === 'AbortError') return new ProviderError({ provider, status: 499, code: 'aborted', message: 'request aborted', retryable: false, cause: err })
  if (err instanceof GatewayError) return refusedAttempt(provider, err)
  // Providers map every upstream failure to a ProviderError; anything else was thrown on this side.
  return new LocalFailure({ provider, status: 500, code: 'upstream_error', message: `The gateway failed while calling ${provider}.`, retryable: false, cause: err })
}
