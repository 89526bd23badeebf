import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { GatewayError, toGatewayError } from '../errors.js'
import type { Logger } from '../log.js'
import { errorResponse } from '../middleware/errors.js'
import { UiApiError } from './api-client.js'
import { Document } from './layout.js'
import type { UiEnv } from './ui-env.js'

const wantsHtml = (c: Context) => /text\/html/i.test(c.req.header('accept') ?? '')

function ErrorDocument({ status, message }: { status: number; message: string }) {
  return (
    <Document title={`Error ${status}`}>
      <main id="main" class="sign-in">
        <div class="panel">
          <h1>{status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Something went wrong'}</h1>
          <p class="notice error" role="alert">{message}</p>
          <p><a href="/ui">Back to the dashboard</a></p>
        </div>
      </main>
    </Document>
  )
}

/**
 * A browser gets an HTML page with the error's status; anything else (a script, curl) the gateway's usual
 * JSON error. An API error met while building a page keeps the API's status and message.
 */
export function uiErrorHandler(log: Logger): ErrorHandler<UiEnv> {
  return function uiErrorHandler(err, c) {
    let mapped: GatewayError
    if (err instanceof UiApiError) mapped = new GatewayError(err.status, err.message, { code: err.code ?? undefined, type: err.type ?? undefined })
    else if (err instanceof HTTPException) mapped = new GatewayError(err.status, err.message || 'Request rejected.')
    else mapped = toGatewayError(err)
    if (mapped.status >= 500 && !(err instanceof GatewayError)) {
      log.error('dashboard page failed', { requestId: c.get('requestId'), error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) })
    }
    if (!wantsHtml(c)) return errorResponse(c, mapped)
    return c.html(<ErrorDocument status={mapped.status} message={mapped.message} />, mapped.status as ContentfulStatusCode)
  }
}
