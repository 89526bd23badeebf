import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GATEWAY_VERSION } from '../version.js'

/**
 * GET /health: the one public route; says the gateway is up, which providers are enabled, its version and
 * how long this process (on Workers: this isolate) has been serving.
 */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const startedAt = deps.clock.now()
  app.get('/health', (c) => c.json({
    status: 'ok',
    providers: [...deps.providers.keys()],
    version: GATEWAY_VERSION,
    uptime_s: Math.floor((deps.clock.now() - startedAt) / 1000),
  }))
  return app
}
