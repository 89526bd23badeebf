import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { requireAdmin } from '../middleware/auth.js'

/**
 * GET /health/targets (admin): every routing target's circuit-breaker state, cooling-down ones with the
 * end of their cooldown. Unlike GET /health it needs a key: the auth middleware makes only /health public.
 */
export function healthTargetRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/health/targets', requireAdmin(), (c) => c.json({ targets: deps.targets.snapshot() }))
  return app
}
