import { ProviderError } from '../../providers/index.js'
import { fromProviderError, GatewayError } from '../errors.js'
import type { Target } from './resolve.js'

/** A target that did not answer, and why. */
export interface TargetFailure {
  target: Target
  error: ProviderError
}

/** The error a target skipped for its cooldown stands for (in `all` summaries and failure messages). */
export function coolingDown(target: Target, until: number | null): ProviderError {
  const when = until === null ? '' : ` until ${new Date(until).toISOString()}`
  return new ProviderError({
    provider: target.providerName, status: 503, code: 'upstream_error', retryable: true,
    message: `${target.model} was skipped: it is cooling down after repeated failures${when}`,
  })
}

/**
 * The error for a call none of whose targets answered. One failure is passed on as it is (a single model
 * fails as it always did); several become one error naming each, with their common status or 502.
 */
export function routeFailed(failures: readonly TargetFailure[]): Error {
  if (failures.length === 1) return failures[0]!.error
  const mapped = failures.map((f) => fromProviderError(f.error))
  const status = mapped.every((g) => g.status === mapped[0]!.status) ? mapped[0]!.status : 502
  const detail = failures.map((f, i) => `${f.target.model}: ${mapped[i]!.status} ${f.error.message}`).join('; ')
  return new GatewayError(status, `All ${failures.length} targets failed: ${detail}`, {
    type: status === 502 ? 'upstream_error' : mapped[0]!.type,
    code: 'all_targets_failed',
  })
}
