import { Hono, type MiddlewareHandler } from 'hono'
import type { AppDeps } from '../deps.js'
import { GatewayError } from '../errors.js'
import { assetRoutes } from './assets-routes.js'
import { csrfProtection } from './csrf.js'
import { uiErrorHandler } from './error-page.js'
import { healthPage } from './pages/health.js'
import { keyRoutes } from './pages/keys.js'
import { overviewPage } from './pages/overview.js'
import { requestRoutes } from './pages/requests.js'
import { portalRoutes } from './portal/routes.js'
import { requireSession } from './session.js'
import { signInRoutes } from './sign-in.js'
import { uiRole, type AppFetch, type UiEnv, type UiRole } from './ui-env.js'

const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

/** Headers on every dashboard answer: no inline code runs, no framing, pages are never cached. */
function uiHeaders(appFetch: AppFetch): MiddlewareHandler<UiEnv> {
  return async function uiHeaders(c, next) {
    c.set('appFetch', appFetch)
    await next()
    c.header('content-security-policy', CONTENT_SECURITY_POLICY)
    c.header('x-content-type-options', 'nosniff')
    c.header('x-frame-options', 'DENY')
    c.header('referrer-policy', 'same-origin')
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store')
  }
}

/** Pages for the admin key and team admins; a member key's session sees the prompt portal only. */
export function allowRoles(...roles: UiRole[]): MiddlewareHandler<UiEnv> {
  return async function allowRoles(c, next) {
    if (!roles.includes(uiRole(c.get('session').principal))) {
      throw new GatewayError(403, 'This page needs the admin key or a team admin key.', { type: 'permission_error', code: 'admin_required' })
    }
    await next()
  }
}

/** The web dashboard: sign-in, pages (server-rendered, data through the JSON API in process) and assets. */
export function uiRoutes(deps: AppDeps, appFetch: AppFetch): Hono<UiEnv> {
  const ui = new Hono<UiEnv>()
  ui.onError(uiErrorHandler(deps.log))
  ui.use('/ui/*', uiHeaders(appFetch))
  ui.route('/', assetRoutes())
  ui.route('/', signInRoutes(deps))

  const pages = new Hono<UiEnv>()
  pages.use('/ui/*', requireSession(deps), csrfProtection())
  const managers = allowRoles('admin', 'team_admin')
  pages.get('/ui', managers, overviewPage(deps))
  pages.use('/ui/keys/*', managers)
  pages.route('/', keyRoutes())
  pages.use('/ui/requests/*', managers)
  pages.route('/', requestRoutes())
  pages.get('/ui/health', managers, healthPage)
  // The prompt portal's pages (src/ui/portal/) are mounted on `pages`, behind the same session and CSRF checks.
  pages.route('/', portalRoutes())
  ui.route('/', pages)
  return ui
}
