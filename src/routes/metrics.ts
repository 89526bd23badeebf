import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError } from '../errors.js'
import { hashKey, timingSafeEqual } from '../security/keys.js'

/**
 * GET /metrics in Prometheus text. The app treats the path as public so a scraper can present the
 * separate MANIFOLD_METRICS_TOKEN instead of a key; this route then checks for that token or the admin
 * key itself. A client key is refused.
 */
export function metricsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const metricsTokenHash = deps.config.metricsToken ? hashKey(deps.config.metricsToken) : undefined

  app.get('/metrics', async (c) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')
    if (!match) {
      throw new GatewayError(401, 'GET /metrics needs the admin key or MANIFOLD_METRICS_TOKEN as "Authorization: Bearer <token>".', {
        type: 'invalid_request_error', code: 'missing_api_key',
      })
    }
    const presented = await hashKey(match[1]!)
    const allowed = timingSafeEqual(presented, deps.adminKeyHash)
      || (metricsTokenHash !== undefined && timingSafeEqual(presented, await metricsTokenHash))
    if (!allowed) {
      throw new GatewayError(403, 'GET /metrics needs the admin key or the metrics token.', { type: 'permission_error', code: 'metrics_token_required' })
    }
    const cooldowns = deps.targets.snapshot().map((t) => ({ target: t.model, until: t.cooldown_until }))
    return c.body(deps.metrics.render(deps.clock.now(), cooldowns), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
  })

  return app
}
