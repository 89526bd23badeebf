import { ProviderError } from './types.js'

/**
 * The failures every provider shares, whatever its SDK: the call was aborted, timed out, never reached the
 * upstream, or failed in a way nobody mapped. One wording and one retry verdict for all of them.
 */

export function abortedError(provider: string, cause?: unknown): ProviderError {
  return new ProviderError({ provider, status: 499, code: 'aborted', message: 'request aborted', retryable: false, cause })
}

export function timeoutError(provider: string): ProviderError {
  return new ProviderError({ provider, status: 504, code: 'timeout', message: `${provider} timed out`, retryable: true })
}

export function connectionError(provider: string, cause?: unknown): ProviderError {
  return new ProviderError({ provider, status: 502, code: 'connection_error', message: `could not reach ${provider}`, retryable: true, cause })
}

export function unexpectedError(provider: string, err: unknown): ProviderError {
  return new ProviderError({
    provider,
    status: 502,
    code: 'upstream_error',
    message: `${provider}: ${err instanceof Error ? err.message : 'unexpected upstream failure'}`,
    retryable: true,
  })
}
