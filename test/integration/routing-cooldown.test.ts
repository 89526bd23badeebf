import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../support/routing-clock.js'
import { startRoutingGateway, type RoutingGateway } from '../support/routing-gateway.js'
import { perModel, requestsFor } from '../support/routing-upstream.js'

const routes = {
  safe: { strategy: 'fallback', targets: ['openai/alpha', 'openai/beta'] },
  duo: { strategy: 'all', targets: ['openai/alpha', 'openai/beta'] },
}
const routing = { cooldown: { failures: 2, window_ms: 10_000, cooldown_ms: 60_000 } }

describe('routing: cooldowns', () => {
  let r: RoutingGateway
  let clock: ManualClock
  afterEach(async () => r.close())

  async function health() {
    const res = await r.gw.request('/health/targets')
    expect(res.status).toBe(200)
    return ((await res.json()) as { targets: Array<{ model: string; state: string; cooldown_until: number | null; recent_failures: number; cooldowns: number; last_error: unknown }> }).targets
  }

  it('skips a target that failed N times in the window until its cooldown ends', async () => {
    clock = new ManualClock()
    r = await startRoutingGateway({ routes, routing, clock })
    r.upstream.setHandler(perModel({ alpha: { status: 503 }, beta: {} }))
    const start = clock.now()

    expect((await health()).map((t) => [t.model, t.state])).toEqual([['openai/alpha', 'healthy'], ['openai/beta', 'healthy']])
    await r.chat('safe')
    expect((await health())[0]).toMatchObject({ model: 'openai/alpha', state: 'healthy', recent_failures: 1 })
    await r.chat('safe')
    expect((await health())[0]).toEqual({
      model: 'openai/alpha', state: 'cooling_down', recent_failures: 0, cooldown_until: start + 60_000, cooldowns: 1,
      last_error: { status: 503, code: 'upstream_error', at: start },
    })
    expect(requestsFor(r.upstream.requests, 'alpha')).toHaveLength(2)

    // While cooling down, alpha is not called at all.
    const skipped = await r.chat('safe')
    expect(skipped.headers.get('x-manifold-target')).toBe('openai/beta')
    expect(skipped.headers.get('x-manifold-attempts')).toBe('1')
    expect(requestsFor(r.upstream.requests, 'alpha')).toHaveLength(2)

    // `all` shows the skipped target in its summary.
    const fanout = await r.chat('duo')
    const summary = ((await fanout.json()) as { manifold: { targets: Array<Record<string, unknown>> } }).manifold.targets
    expect(summary[0]).toEqual({
      model: 'openai/alpha', status: 503, choice_index: null, latency_ms: null, usage: null, cost_usd: null, attempts: 0,
      error: {
        message: `openai/alpha was skipped: it is cooling down after repeated failures until ${new Date(start + 60_000).toISOString()}`,
        type: 'upstream_error', code: 'upstream_error', param: null,
      },
    })

    // After the cooldown, alpha is tried again.
    clock.advance(60_000)
    expect((await health())[0]).toMatchObject({ model: 'openai/alpha', state: 'healthy', cooldown_until: null })
    r.upstream.setHandler(perModel({ alpha: {}, beta: {} }))
    const back = await r.chat('safe')
    expect(back.headers.get('x-manifold-target')).toBe('openai/alpha')
  })

  it('cools a target down at once when the provider refuses the gateway\'s key', async () => {
    clock = new ManualClock()
    r = await startRoutingGateway({ routes, routing, clock })
    r.upstream.setHandler(perModel({ alpha: { status: 401 }, beta: {} }))
    const res = await r.chat('safe')
    expect(res.headers.get('x-manifold-target')).toBe('openai/beta')
    expect((await health())[0]).toMatchObject({ model: 'openai/alpha', state: 'cooling_down', cooldowns: 1 })
  })

  it('does not refuse a single model because it is cooling down: there is nothing to fall back on', async () => {
    clock = new ManualClock()
    r = await startRoutingGateway({ routes, routing, clock })
    r.upstream.setHandler(perModel({ gamma: { status: 401 } }))
    expect((await r.chat('openai/gamma')).status).toBe(502)
    expect((await r.chat('openai/gamma')).status).toBe(502)
    expect(requestsFor(r.upstream.requests, 'gamma')).toHaveLength(2)
  })

  it('shows target health to the admin only', async () => {
    r = await startRoutingGateway({ routes, routing })
    const key = await r.gw.createKey()
    const res = await r.gw.request('/health/targets', { key })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('admin_required')
    expect((await r.gw.request('/health/targets', { key: null })).status).toBe(401)
  })
})
