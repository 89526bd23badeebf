import { ProviderError } from '../../providers/index.js'
import type { CallerSignal } from './caller-signal.js'
import type { Clock } from '../clock.js'

/** Passed when a timer is cancelled: a constant, so cancelling builds no DOMException and no stack. */
const CANCELLED = Object.freeze({ cancelled: true })
const ignore = () => {}

/**
 * Runs `onFire` after `ms` on the injected clock unless the returned function cancels it first, so tests
 * move time instead of waiting for it. The clock's own timer when it has one: a cancelled sleep costs an
 * abort event, tens of microseconds on the hot path.
 */
export function startTimer(clock: Clock, ms: number, onFire: () => void): () => void {
  if (clock.timer) return clock.timer(Math.max(0, ms), onFire)
  const cancel = new AbortController()
  clock.sleep(Math.max(0, ms), cancel.signal).then(onFire, ignore)
  return () => cancel.abort(CANCELLED)
}

/** Aborts `child` (with the parent's reason) when `parent` aborts; returns the unlink. */
export function linkAbort(parent: CallerSignal, child: AbortController): () => void {
  if (parent.aborted) {
    child.abort(parent.reason)
    return ignore
  }
  const onAbort = () => child.abort(parent.reason)
  parent.addEventListener('abort', onAbort)
  return () => parent.removeEventListener('abort', onAbort)
}

/** A target that sent nothing within its first-byte timeout: retryable, and it counts toward its cooldown. */
export function firstByteTimeout(provider: string, model: string, ms: number): ProviderError {
  return new ProviderError({
    provider, status: 504, code: 'timeout', retryable: true,
    message: `${model} sent no response within its first-byte timeout of ${ms} ms`,
  })
}

/** The call as a whole ran out of time: nothing more is tried. */
export function requestTimeout(provider: string, ms: number): ProviderError {
  return new ProviderError({
    provider, status: 504, code: 'timeout', retryable: false,
    message: `the request took longer than its timeout of ${ms} ms`,
  })
}
