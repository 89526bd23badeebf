import type { Context } from 'hono'
import type { GatewayError } from '../../errors.js'

/** Anthropic's error body: `{"type": "error", "error": {"type": "rate_limit_error", "message": "…"}}`. */
export interface AnthropicErrorBody {
  type: 'error'
  error: { type: string; message: string }
}

/** Requests on these paths get Anthropic's error shape, from the auth middleware and body limit too. */
export function isMessagesPath(path: string): boolean {
  return path === '/v1/messages' || path.startsWith('/v1/messages/')
}

/**
 * The status and error type Anthropic would answer with. The gateway's 503 (an upstream overloaded, every
 * target cooling down) is Anthropic's 529 overloaded_error, which its SDKs and Claude Code retry.
 */
export function anthropicStatusAndType(status: number): { status: number; type: string } {
  if (status === 400) return { status, type: 'invalid_request_error' }
  if (status === 401) return { status, type: 'authentication_error' }
  if (status === 402) return { status, type: 'billing_error' }
  if (status === 403) return { status, type: 'permission_error' }
  if (status === 404) return { status, type: 'not_found_error' }
  if (status === 413) return { status, type: 'request_too_large' }
  if (status === 429) return { status, type: 'rate_limit_error' }
  if (status === 503 || status === 529) return { status: 529, type: 'overloaded_error' }
  if (status === 504) return { status, type: 'timeout_error' }
  if (status >= 500) return { status, type: 'api_error' }
  return { status, type: 'invalid_request_error' }
}

export function anthropicErrorBody(err: GatewayError): { status: number; body: AnthropicErrorBody } {
  const { status, type } = anthropicStatusAndType(err.status)
  return { status, body: { type: 'error', error: { type, message: err.message } } }
}

/** The HTTP response for a failed Messages call; the gateway error's headers (retry-after, x-manifold-*) kept. */
export function anthropicErrorResponse(c: Context, err: GatewayError): Response {
  const { status, body } = anthropicErrorBody(err)
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value)
  return c.json(body, status as 400)
}
