import {
  ConnectionError,
  MistralError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseValidationError,
  SDKValidationError,
} from '@mistralai/mistralai/models/errors'
import { ProviderError, type ProviderErrorCode } from '../types.js'
import { retryAfterMsFromHeaders } from '../retry-after.js'
import { abortedError, connectionError, timeoutError, unexpectedError, providerErrorIn, invalidResponse } from '../transport-errors.js'

function codeForStatus(status: number, message: string): ProviderErrorCode {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_denied'
  if (status === 404) return 'model_not_found'
  if (status === 429) return 'rate_limit_exceeded'
  if (status >= 400 && status < 500) return /too large for model|context length|too many tokens/i.test(message) ? 'context_length_exceeded' : 'invalid_request_error'
  return 'upstream_error'
}

/**
 * The human part of a Mistral error body: `{"message": "..."}` (also nested as `{"message": {"detail": [...]}}`)
 * or FastAPI's 422 `{"detail": [{"msg": "...", "loc": [...]}]}`.
 */
export function mistralErrorMessage(body: string): string | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  if (!parsed || typeof parsed !== 'object') return undefined
  const record = parsed as { message?: unknown; detail?: unknown }
  if (typeof record.message === 'string') return record.message
  const detail = record.detail ?? (record.message && typeof record.message === 'object' ? (record.message as { detail?: unknown }).detail : undefined)
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail)) {
    const messages = detail.flatMap((item: unknown) => {
      if (!item || typeof item !== 'object') return []
      const { msg, loc } = item as { msg?: unknown; loc?: unknown }
      if (typeof msg !== 'string') return []
      return [Array.isArray(loc) ? `${loc.join('.')}: ${msg}` : msg]
    })
    if (messages.length) return messages.join('; ')
  }
  return undefined
}

/** Whatever the Mistral SDK threw, as a ProviderError with a retry verdict; never the raw body or headers. */
export function mapMistralError(provider: string, err: unknown): ProviderError {
  const known = providerErrorIn(err)
  if (known) return known
  if (err instanceof RequestAbortedError || (err instanceof Error && err.name === 'AbortError')) {
    return abortedError(provider, err)
  }
  if (err instanceof RequestTimeoutError) {
    return timeoutError(provider)
  }
  if (err instanceof ConnectionError) {
    return connectionError(provider)
  }
  if (err instanceof ResponseValidationError) {
    return invalidResponse(provider, 'the body does not match Mistral\'s schema')
  }
  if (err instanceof SDKValidationError) {
    // Our own request failed the SDK's schema: the caller sent something Mistral cannot take.
    return new ProviderError({ provider, status: 400, code: 'invalid_request_error', message: `${provider}: the request cannot be sent to Mistral: ${err.message}`, retryable: false })
  }
  if (err instanceof MistralError && err.statusCode >= 200 && err.statusCode < 300) {
    // A success status with a body the SDK could not take (HTML, another content type).
    return invalidResponse(provider, `unexpected ${err.contentType || 'content'} in a ${err.statusCode} answer`)
  }
  if (err instanceof MistralError) {
    const status = err.statusCode
    const message = mistralErrorMessage(err.body) ?? `upstream returned HTTP ${status}`
    return new ProviderError({
      provider,
      status,
      code: codeForStatus(status, message),
      message: `${provider}: ${message}`,
      retryAfterMs: retryAfterMsFromHeaders(err.headers),
    })
  }
  return unexpectedError(provider, err)
}
