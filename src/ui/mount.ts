import { Hono, type MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { notFound } from '../middleware/errors.js'
import { REQUEST_ID_HEADER } from '../middleware/request-id.js'
import type { AppFetch, UiEnv } from './ui-env.js'

/**
 * Dashboard paths answer GET and POST with a session cookie, not a bearer key: the app's key check lets
 * them through and the dashboard checks its session itself. Other methods still need a key (and 404).
 */
export function isUiPath(method: string, path: string): boolean {
  return (method === 'GET' || method === 'POST') && (path === '/ui' || path.startsWith('/ui/'))
}

/** A browser opening the gateway's root gets the dashboard; clients probing `/` still get the JSON probe. */
const browserToDashboard: MiddlewareHandler<AppEnv> = async function browserToDashboard(c, next) {
  if (c.req.method === 'GET' && /text\/html/i.test(c.req.header('accept') ?? '')) return c.redirect('/ui', 303)
  await next()
}

/** What the dashboard takes over from the gateway's own middleware for the request it serves. */
type Inherited = Pick<AppEnv['Variables'], 'requestId' | 'observation'>
const inherited = new WeakMap<Request, Inherited>()

const inherit: MiddlewareHandler<UiEnv> = function inherit(c, next) {
  const from = inherited.get(c.req.raw)
  if (from) {
    c.set('requestId', from.requestId)
    c.set('observation', from.observation)
    c.header(REQUEST_ID_HEADER, from.requestId)
  }
  return next()
}

/**
 * The dashboard, loaded on its first request: its pages, JSX and charting bundle are ≈ 7 MB of RSS that a
 * gateway nobody opens /ui on never pays. The gateway's middleware (request id, access log, body limit) has
 * run by then; the dashboard's app gets the request id and the access log's observation of the request, so
 * its line names the session's key as before.
 */
export function mountDashboard(app: Hono<AppEnv>, deps: AppDeps, appFetch: AppFetch): void {
  app.use('/', browserToDashboard)
  let loading: Promise<Hono<UiEnv>> | undefined
  const dashboard = () => (loading ??= import('./routes.js').then(({ uiRoutes }) => {
    const ui = new Hono<UiEnv>()
    ui.notFound(notFound)
    ui.use('*', inherit)
    ui.route('/', uiRoutes(deps, appFetch))
    return ui
  }, (err: unknown) => {
    loading = undefined
    throw err
  }))
  app.on(['GET', 'POST'], ['/ui', '/ui/*'], async (c) => {
    const ui = await dashboard()
    inherited.set(c.req.raw, { requestId: c.get('requestId'), observation: c.get('observation') })
    return ui.fetch(c.req.raw, c.env)
  })
}
