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
  // The SDKs parse the body with JSON.parse: a SyntaxError is an upstream that answered something else.
  if (err instanceof SyntaxError) return invalidResponse(provider, 'the body is not valid JSON')
  return new ProviderError({
    provider,
    status: 502,
    code: 'upstream_error',
    message: `${provider}: ${err instanceof Error ? err.message : 'unexpected upstream failure'}`,
    retryable: true,
  })
}

/**
 * The ProviderError behind whatever an SDK threw: the upstream guard throws its verdict (too large, a
 * redirect) from fetch or from the body, and the SDKs wrap it (APIConnectionError, UnexpectedClientError)
 * with the original as `cause`.
 */
export function providerErrorIn(err: unknown): ProviderError | undefined {
  let current: unknown = err
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof ProviderError) return current
    current = current.cause
  }
  return undefined
}

export function responseTooLarge(provider: string, limitBytes: number, what: 'answer' | 'stream event'): ProviderError {
  return new ProviderError({
    provider, status: 502, code: 'upstream_response_too_large', retryable: false,
    message: `${provider}: the upstream's ${what} is larger than the gateway accepts (${limitBytes} bytes)`,
  })
}

export function redirectRefused(provider: string, status: number): ProviderError {
  return new ProviderError({
    provider, status: 502, code: 'upstream_redirect', retryable: false,
    message: `${provider}: the upstream answered with a redirect (HTTP ${status}); the gateway does not follow redirects`,
  })
}

/** A 200 whose body is not the answer the provider's API defines (HTML, `{}`, no choices, wrong types). */
export function invalidResponse(provider: string, detail: string): ProviderError {
  return new ProviderError({
    provider, status: 502, code: 'upstream_invalid_response', retryable: true,
    message: `${provider}: the upstream's answer is not valid: ${detail}`,
  })
}

/** A stream that stopped before its terminal event (finish reason, message_stop, [DONE]). */
export function streamCutShort(provider: string): ProviderError {
  return new ProviderError({
    provider, status: 502, code: 'upstream_error', retryable: true,
    message: `${provider}: the stream ended before the answer did`,
  })
}
