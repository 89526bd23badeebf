import { ApiError } from '@google/genai'
import { ProviderError, type ProviderErrorCode } from '../types.js'
import { abortedError, connectionError, unexpectedError, providerErrorIn } from '../transport-errors.js'

/** Gemini's error body: google.rpc.Status as JSON. `details` may hold a DebugInfo that echoes the key. */
interface GeminiStatus {
  code?: number
  message?: string
  status?: string
  details?: Array<{ '@type'?: string; reason?: string; retryDelay?: string }>
}

/** The SDK puts the whole JSON body into the message (unary) or after `got status: X. ` (stream chunks). */
function statusFromMessage(message: string): GeminiStatus | undefined {
  const start = message.indexOf('{')
  if (start < 0) return undefined
  try {
    const parsed: unknown = JSON.parse(message.slice(start))
    if (parsed && typeof parsed === 'object' && 'error' in parsed && parsed.error && typeof parsed.error === 'object') {
      return parsed.error as GeminiStatus
    }
  } catch {
    // not JSON: nothing to read
  }
  return undefined
}

/** RetryInfo's retryDelay is a protobuf Duration in JSON: "34.4s". */
export function retryDelayMs(status: GeminiStatus | undefined): number | undefined {
  for (const detail of status?.details ?? []) {
    if (!detail['@type']?.endsWith('google.rpc.RetryInfo') || typeof detail.retryDelay !== 'string') continue
    const match = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay.trim())
    if (match) return Math.round(Number(match[1]) * 1000)
  }
  return undefined
}

function hasReason(status: GeminiStatus | undefined, reason: string): boolean {
  return (status?.details ?? []).some((d) => d.reason === reason)
}

function classify(httpStatus: number, status: GeminiStatus | undefined): { status: number; code: ProviderErrorCode } {
  const message = status?.message ?? ''
  // Gemini answers a bad key with 400 INVALID_ARGUMENT; OpenAI clients expect 401 for that.
  if (hasReason(status, 'API_KEY_INVALID') || status?.status === 'UNAUTHENTICATED') return { status: 401, code: 'authentication_error' }
  if (httpStatus === 401) return { status: 401, code: 'authentication_error' }
  if (httpStatus === 403) return { status: 403, code: 'permission_denied' }
  if (httpStatus === 404) return { status: 404, code: 'model_not_found' }
  if (httpStatus === 429) return { status: 429, code: 'rate_limit_exceeded' }
  if (httpStatus === 504 || status?.status === 'DEADLINE_EXCEEDED') return { status: 504, code: 'timeout' }
  if (httpStatus === 400 && /exceeds the maximum number of tokens/i.test(message)) return { status: 400, code: 'context_length_exceeded' }
  if (httpStatus >= 400 && httpStatus < 500) return { status: httpStatus, code: 'invalid_request_error' }
  return { status: httpStatus >= 500 ? httpStatus : 502, code: 'upstream_error' }
}

/**
 * Whatever the Gemini SDK (or fetch under it) threw → ProviderError. Only the status's `message` is kept:
 * the `details` can quote the caller's key (DebugInfo "Invalid API key: …") and never leave this function.
 */
export function mapGeminiError(provider: string, err: unknown): ProviderError {
  const known = providerErrorIn(err)
  if (known) return known
  if (err instanceof ApiError) {
    const status = statusFromMessage(err.message)
    const { status: httpStatus, code } = classify(err.status, status)
    return new ProviderError({
      provider,
      status: httpStatus,
      code,
      message: `${provider}: ${status?.message ?? `upstream returned HTTP ${err.status}`}`,
      retryAfterMs: retryDelayMs(status),
    })
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return abortedError(provider)
  }
  if (err instanceof TypeError) {
    // fetch rejects with a TypeError when the connection fails.
    return connectionError(provider)
  }
  return unexpectedError(provider, err)
}
