import { ProviderError } from '../../providers/index.js'

/** Anything an attempt threw, as a ProviderError; an abort we asked for is `aborted`, never a failure to retry. */
export function toProviderError(provider: string, err: unknown, signal: AbortSignal): ProviderError {
  if (signal.aborted && !(err instanceof ProviderError && err.code === 'timeout')) {
    const reason: unknown = signal.reason
    if (reason instanceof ProviderError) return reason
    return new ProviderError({ provider, status: 499, code: 'aborted', message: 'request aborted', retryable: false, cause: err })
  }
  if (err instanceof ProviderError) return err
  return new ProviderError({ provider, status: 502, code: 'upstream_error', message: `${provider}: ${err instanceof Error ? err.message : 'failed'}`, retryable: true, cause: err })
}
