import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { RequestEnding } from '../observability/access-log.js'
import type { Observability } from '../observability/observability.js'
import { prefersAsync } from '../jobs/submit.js'
import { INTERNAL_PRINCIPAL } from './auth.js'

/**
 * Calls that belong to a job or a WebSocket whatever path they take: a job's submission (`Prefer:
 * respond-async`), and a job's or a WebSocket frame's call replayed in-process (the app env carries the
 * principal it acts for).
 */
function jobOrSocket(c: Context<AppEnv>): 'job' | 'ws' | undefined {
  const env: unknown = c.env
  if (!env || typeof env !== 'object' || !(INTERNAL_PRINCIPAL in env)) return prefersAsync(c.req.header('prefer')) ? 'job' : undefined
  // A job's replay carries the job id as its request id (src/jobs/run-job.ts); the dashboard's API calls
  // (src/ui/api-client.ts) carry `ui_…` and count by their path.
  const id = c.get('requestId')
  if (id.startsWith('ui_')) return undefined
  return id.startsWith('job_') ? 'job' : 'ws'
}

/** The error body's `code` (OpenAI's shape) or `type` (Anthropic's), '' when there is none. */
async function errorCodeOf(response: Response): Promise<string> {
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return ''
  try {
    const body: unknown = await response.clone().json()
    const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined
    if (!error || typeof error !== 'object') return ''
    const { code, type } = error as { code?: unknown; type?: unknown }
    if (typeof code === 'string' && code !== '') return code
    return typeof type === 'string' ? type : ''
  } catch {
    return ''
  }
}

/** The model a refused call asked for, when its route had read the body already (the body is never read here). */
async function requestedModel(c: Context<AppEnv>): Promise<string | undefined> {
  const cached = c.req.bodyCache.text
  if (!cached) return undefined
  try {
    const body: unknown = JSON.parse(await cached)
    const model = body && typeof body === 'object' ? (body as { model?: unknown }).model : undefined
    return typeof model === 'string' ? model.slice(0, 200) : undefined
  } catch {
    return undefined
  }
}

/**
 * One access log line, one metrics update and one SERVER span per client request, refusals included: it
 * runs right after the request id and before the body limit and auth, so their refusals pass through it. A
 * streamed response is followed to its last byte; anything else ends when the handler returns.
 */
export function accessLog(observability: Observability): MiddlewareHandler<AppEnv> {
  return async function accessLog(c, next) {
    const observation = observability.begin({
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      traceparent: c.req.header('traceparent'),
      fixedSurface: jobOrSocket(c),
    })
    c.set('observation', observation)
    // A streamed answer takes the listener (streaming/stream-end.ts) and reports its own ending; the line
    // is then written when its last byte goes. Only one ending is ever written.
    let streamed = false
    let ended = false
    const end = (ending: Omit<RequestEnding, 'endedAt'>) => {
      if (ended) return
      ended = true
      observability.end(observation, ending)
    }
    c.set('takeStreamEnd', () => {
      streamed = true
      return (stream) => end({ status: 200, code: '', stream })
    })
    try {
      await next()
    } catch (err) {
      end({ status: 500, code: 'internal_error' })
      throw err
    }
    const response = c.res
    const status = response.status
    if (streamed && status === 200) return
    const code = status >= 400 ? await errorCodeOf(response) : ''
    if (status >= 400 && observation.attempts.length === 0) observation.requestedModel = await requestedModel(c)
    end({ status, code })
  }
}
