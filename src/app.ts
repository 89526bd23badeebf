import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from './app-env.js'
import type { AppDeps } from './deps.js'
import { GatewayError } from './errors.js'
import { auth, requireAdmin } from './middleware/auth.js'
import { notFound, onError } from './middleware/errors.js'
import { requestId } from './middleware/request-id.js'
import { adminKeyRoutes } from './routes/admin-keys.js'
import { chatRoutes } from './routes/chat.js'
import { healthRoutes } from './routes/health.js'
import { modelRoutes } from './routes/models.js'

/** Requests that need no key. Everything else, on every route, does. */
function isPublic(method: string, path: string): boolean {
  return method === 'GET' && path === '/health'
}

/** The one place where routes and middleware are wired; both runtimes serve this app. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.onError(onError(deps.log))
  app.notFound(notFound)

  app.use('*', requestId())
  app.use('*', bodyLimit({
    maxSize: deps.config.bodyLimitBytes,
    onError: () => {
      throw new GatewayError(413, `The request body is larger than the limit of ${deps.config.bodyLimitBytes} bytes.`, {
        type: 'invalid_request_error', code: 'request_too_large',
      })
    },
  }))
  app.use('*', auth({ deps, isPublic }))
  app.use('/admin/*', requireAdmin())

  app.route('/', healthRoutes(deps))
  app.route('/', chatRoutes(deps))
  app.route('/', modelRoutes(deps))
  app.route('/', adminKeyRoutes(deps))

  return app
}
