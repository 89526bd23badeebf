import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai'
import { ProviderError, type ProviderErrorCode } from './types.js'
import { codeForStatus } from './openai-http.js'
import { retryAfterMsFromHeaders } from './retry-after.js'
import { abortedError, connectionError, timeoutError, unexpectedError, providerErrorIn } from './transport-errors.js'

function upstreamMessage(err: APIError): string {
  const body: unknown = err.error
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message
  return `upstream returned HTTP ${err.status ?? 'error'}`
}

/**
 * Maps whatever the openai SDK threw (for OpenAI itself and every OpenAI-compatible server) onto
 * ProviderError. The upstream's message is kept (it explains the failure) but never its headers.
 */
export function mapOpenAIError(provider: string, err: unknown): ProviderError {
  const known = providerErrorIn(err)
  if (known) return known
  if (err instanceof APIUserAbortError) {
    return abortedError(provider)
  }
  if (err instanceof APIConnectionTimeoutError) {
    return timeoutError(provider)
  }
  if (err instanceof APIConnectionError) {
    return connectionError(provider)
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const body: unknown = err.error
    const upstreamCode = body && typeof body === 'object' && 'code' in body ? body.code : undefined
    const code: ProviderErrorCode = upstreamCode === 'context_length_exceeded' ? 'context_length_exceeded' : codeForStatus(err.status)
    const param = body && typeof body === 'object' && 'param' in body && typeof body.param === 'string' ? body.param : null
    return new ProviderError({
      provider,
      status: err.status,
      code,
      message: `${provider}: ${upstreamMessage(err)}`,
      retryAfterMs: retryAfterMsFromHeaders(err.headers),
      param,
    })
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return abortedError(provider)
  }
  return unexpectedError(provider, err)
}
