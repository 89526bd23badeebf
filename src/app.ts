import { Hono } from 'hono'
import type { AppEnv } from './app-env.js'
import type { AppDeps } from './deps.js'
import { GatewayError } from './errors.js'
import { respondAsync } from './jobs/submit.js'
import { accessLog } from './middleware/access-log.js'
import { auth } from './middleware/auth.js'
import { bodyLimit } from './middleware/body-limit.js'
import { captureBodies } from './middleware/capture-bodies.js'
import { notFound, onError } from './middleware/errors.js'
import { requestId } from './middleware/request-id.js'
import { accessRequestRoutes } from './routes/access-requests.js'
import { adminKeyRoutes } from './routes/admin-keys.js'
import { adminPriceRoutes } from './routes/admin-prices.js'
import { adminUsageRoutes } from './routes/admin-usage.js'
import { metricsRoutes } from './routes/metrics.js'
import { chatRoutes } from './routes/chat.js'
import { messagesRoutes } from './routes/messages.js'
import { responsesRoutes } from './routes/responses.js'
import { embeddingRoutes } from './routes/embeddings.js'
import { healthRoutes } from './routes/health.js'
import { healthTargetRoutes } from './routes/health-targets.js'
import { jobRoutes } from './routes/jobs.js'
import { modelRoutes } from './routes/models.js'
import { isPublicDocsAsset, openapiRoutes } from './routes/openapi.js'
import { promptRoutes } from './routes/prompts.js'
import { requireManager } from './security/management-scope.js'
import { webSocketProtocolToken, wsRoutes } from './routes/ws.js'
import { isUiPath, mountDashboard } from './ui/mount.js'

/** Requests that need no key. Everything else, on every route, does. */
function isPublic(method: string, path: string): boolean {
  // The docs page and its script are static and hold no deployment data; /openapi.json needs a key.
  // GET /metrics checks its own credential: the admin key or the separate metrics token.
  // GET / (HEAD too) answers clients that probe their base URL before calling (Claude Code does).
  // The dashboard (/ui) checks its own session cookie.
  return (method === 'GET' && (path === '/' || path === '/health' || path === '/metrics')) || (method === 'HEAD' && path === '/') || isPublicDocsAsset(method, path) || isUiPath(method, path)
}

/** The one place where routes and middleware are wired; both runtimes serve this app. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.onError(onError(deps.log))
  app.notFound(notFound)

  app.use('*', requestId({ now: () => deps.clock.now() }))
  app.use('*', accessLog(deps.observability))
  app.use('*', bodyLimit({
    maxSize: deps.config.bodyLimitBytes,
    onError: () => {
      throw new GatewayError(413, `The request body is larger than the limit of ${deps.config.bodyLimitBytes} bytes.`, {
        type: 'invalid_request_error', code: 'request_too_large',
      })
    },
  }))
  app.use('*', auth({ deps, isPublic, extractToken: webSocketProtocolToken }))
  app.use('/admin/*', requireManager())
  // Prefer: respond-async on chat and prompt calls becomes a job before any route sees the request.
  app.use('*', respondAsync(deps))
  // Off by default: then not even mounted, so the hot path does not pay for it.
  if (deps.config.requestBodies.store) app.use('*', captureBodies(deps))

  // The dashboard first: a browser opening `/` is sent to it before the JSON probe answers.
  mountDashboard(app, deps, (request, env) => app.fetch(request, env))
  app.route('/', healthRoutes(deps))
  app.route('/', healthTargetRoutes(deps))
  app.route('/', chatRoutes(deps))
  app.route('/', messagesRoutes(deps))
  app.route('/', responsesRoutes(deps))
  app.route('/', embeddingRoutes(deps))
  app.route('/', modelRoutes(deps))
  app.route('/', adminKeyRoutes(deps))
  app.route('/', adminUsageRoutes(deps))
  app.route('/', adminPriceRoutes(deps))
  app.route('/', metricsRoutes(deps))
  app.route('/', promptRoutes(deps))
  app.route('/', accessRequestRoutes(deps))
  app.route('/', openapiRoutes(deps))
  app.route('/', jobRoutes(deps))
  // WebSocket calls replay through this same app, so they pass the same middleware as HTTP calls.
  app.route('/', wsRoutes(deps, (request, env) => app.fetch(request, env)))

  return app
}
