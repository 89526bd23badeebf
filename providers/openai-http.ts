import { ProviderError, type ProviderErrorCode } from './types.js'
import type { CallContext } from './types.js'
import { retryAfterMsFromHeaders } from './retry-after.js'
import { abortedError, connectionError, invalidResponse, providerErrorIn, unexpectedError } from './transport-errors.js'
import { parseKeepingText } from './raw-json.js'
import { bodyText } from './whole-body.js'

/**
 * The lean OpenAI-format client: one POST on the runtime's own fetch (the injected one: undici on Node,
 * fetch on Workers), the body serialised once, no SDK machinery per call. Used by the openai provider and
 * so by every OpenAI-compatible server; the SDK stays for embeddings and model lists.
 */

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1'

/** The error code an OpenAI-format upstream's HTTP status means. */
export function codeForStatus(status: number): ProviderErrorCode {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_denied'
  if (status === 404) return 'model_not_found'
  if (status === 429) return 'rate_limit_exceeded'
  if (status >= 400 && status < 500) return 'invalid_request_error'
  return 'upstream_error'
}

type ErrorObject = { message?: unknown; code?: unknown; param?: unknown }

function errorObjectOf(text: string): ErrorObject | undefined {
  try {
    const body: unknown = JSON.parse(text)
    const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined
    return error && typeof error === 'object' ? error as ErrorObject : undefined
  } catch {
    return undefined
  }
}

/** The message an OpenAI error object carries, as the SDK words it (a non-string message as JSON). */
export function errorObjectMessage(error: ErrorObject): string {
  return typeof error.message === 'string' ? error.message : error.message ? JSON.stringify(error.message) : JSON.stringify(error)
}

/** A non-2xx answer as a ProviderError: the upstream's message and code kept, never its headers. */
export async function statusError(provider: string, response: Response): Promise<ProviderError> {
  let text = ''
  try {
    text = await bodyText(response)
  } catch (err) {
    // The body broke off or passed the cap while being read: the status still says what happened.
    const known = providerErrorIn(err)
    if (known) throw known
  }
  const error = errorObjectOf(text)
  const status = response.status
  const code: ProviderErrorCode = error?.code === 'context_length_exceeded' ? 'context_length_exceeded' : codeForStatus(status)
  const message = error?.message !== undefined ? errorObjectMessage(error) : `upstream returned HTTP ${status}`
  return new ProviderError({
    provider, status, code, message: `${provider}: ${message}`,
    retryAfterMs: retryAfterMsFromHeaders(response.headers),
    param: typeof error?.param === 'string' ? error.param : null,
  })
}

/** What fetch threw, as the ProviderError it means: our abort, the edge's verdict, or an unreachable upstream. */
export function transportError(provider: string, err: unknown, signal: AbortSignal): ProviderError {
  const known = providerErrorIn(err)
  if (known) return known
  if (signal.aborted) return abortedError(provider, err)
  return connectionError(provider, err)
}

/** A body that broke off while being read: the edge's verdict (too large), our abort, or the upstream's failure. */
export function bodyReadError(provider: string, err: unknown, signal: AbortSignal): ProviderError {
  const known = providerErrorIn(err)
  if (known) return known
  if (signal.aborted) return abortedError(provider, err)
  return unexpectedError(provider, err)
}

/**
 * POSTs `body` (already JSON text) to `path` under the call's base URL and resolves with the 2xx response;
 * any other status rejects with the mapped ProviderError.
 */
export async function postJson(provider: string, path: string, body: string, ctx: CallContext): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...ctx.headers }
  if (ctx.apiKey) headers.authorization = `Bearer ${ctx.apiKey}`
  let response: Response
  try {
    response = await ctx.fetch(`${ctx.baseURL ?? DEFAULT_OPENAI_BASE_URL}${path}`, { method: 'POST', headers, body, signal: ctx.signal })
  } catch (err) {
    throw transportError(provider, err, ctx.signal)
  }
  if (response.status < 200 || response.status >= 300) throw await statusError(provider, response)
  return response
}

/** Reads a JSON answer whole; text that is not JSON (an HTML error page, say) is an invalid answer. */
export async function readJsonAnswer(provider: string, response: Response, signal: AbortSignal): Promise<unknown> {
  let text: string
  try {
    text = await bodyText(response)
  } catch (err) {
    throw bodyReadError(provider, err, signal)
  }
  try {
    return parseKeepingText(text)
  } catch {
    throw invalidResponse(provider, 'the body is not valid JSON')
  }
}
