import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'

/** GET /health: the one public route; says the gateway is up and which providers are enabled. */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/health', (c) => c.json({ status: 'ok', providers: [...deps.providers.keys()] }))
  return app
}
