import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk'
import { ProviderError, type ProviderErrorCode } from '../types.js'
import { retryAfterMsFromHeaders } from '../retry-after.js'
import { abortedError, connectionError, timeoutError, unexpectedError, providerErrorIn } from '../transport-errors.js'

/** Anthropic's error body: `{"type": "error", "error": {"type": "overloaded_error", "message": "…"}}`. */
interface AnthropicErrorBody {
  type?: string
  message?: string
  details?: { error_code?: string } | null
}

function errorBodyOf(raw: unknown): AnthropicErrorBody {
  if (!raw || typeof raw !== 'object') return {}
  const outer = raw as { error?: unknown }
  const inner = outer.error && typeof outer.error === 'object' ? outer.error : raw
  return inner as AnthropicErrorBody
}

/** Mid-stream `error` events carry no HTTP status: their error type says what it would have been. */
const statusForType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
}

function codeFor(status: number, message: string): ProviderErrorCode {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_denied'
  if (status === 404) return 'model_not_found'
  if (status === 429) return 'rate_limit_exceeded'
  if (status === 504) return 'timeout'
  if (status >= 400 && status < 500) {
    return /prompt is too long|context window|too many tokens/i.test(message) ? 'context_length_exceeded' : 'invalid_request_error'
  }
  return 'upstream_error'
}

/**
 * Maps whatever the Anthropic SDK threw onto ProviderError. 529 (overloaded) becomes 503, the status OpenAI
 * clients and the router's retry list know; the upstream's message is kept, never its headers.
 */
export function mapAnthropicError(provider: string, err: unknown): ProviderError {
  const known = providerErrorIn(err)
  if (known) return known
  if (err instanceof APIUserAbortError) {
    return abortedError(provider)
  }
  if (err instanceof APIConnectionTimeoutError) {
    return timeoutError(provider)
  }
  if (err instanceof APIConnectionError) {
    return connectionError(provider, err)
  }
  if (err instanceof APIError) {
    const body = errorBodyOf(err.error)
    const upstreamStatus = typeof err.status === 'number' ? err.status : statusForType[body.type ?? ''] ?? 502
    const status = upstreamStatus === 529 ? 503 : upstreamStatus
    const message = body.message ?? err.apiMessage ?? `upstream returned HTTP ${upstreamStatus}`
    return new ProviderError({
      provider,
      status,
      code: codeFor(status, message),
      message: `${provider}: ${message}`,
      retryAfterMs: retryAfterMsFromHeaders(err.headers ?? undefined),
    })
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return abortedError(provider)
  }
  return unexpectedError(provider, err)
}
