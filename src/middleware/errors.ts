import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from '../app-env.js'
import { GatewayError, toGatewayError } from '../errors.js'
import type { Logger } from '../log.js'
import { anthropicErrorResponse, isMessagesPath } from '../dialects/anthropic-messages/errors.js'

export function errorResponse(c: Context, err: GatewayError): Response {
  // Anthropic's clients read only their own error shape, so /v1/messages answers in it from every layer.
  if (isMessagesPath(c.req.path)) return anthropicErrorResponse(c, err)
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value)
  return c.json(err.toJSON(), err.status as 400)
}

/** The single place an exception becomes a response: OpenAI's error shape, internals never leaked. */
export function onError(log: Logger): ErrorHandler<AppEnv> {
  return function onError(err, c) {
    let mapped: GatewayError
    if (err instanceof HTTPException) {
      mapped = new GatewayError(err.status, err.message || 'Request rejected.')
    } else {
      mapped = toGatewayError(err)
    }
    if (mapped.status >= 500 && !(err instanceof GatewayError)) {
      log.error('unhandled error', { requestId: c.get('requestId'), error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) })
    }
    return errorResponse(c, mapped)
  }
}

/** Any app's unknown route (the gateway's and the dashboard's), in the same error shape. */
export const notFound: NotFoundHandler = function notFound(c) {
  return errorResponse(c, new GatewayError(404, `Unknown route: ${c.req.method} ${c.req.path}`, { type: 'invalid_request_error', code: 'unknown_url' }))
}
