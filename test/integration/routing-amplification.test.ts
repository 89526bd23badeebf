import { afterEach, describe, expect, it } from 'vitest'
import { startRoutingGateway, type RoutingGateway } from '../support/routing-gateway.js'
import { perModel } from '../support/routing-upstream.js'

const tooMany = { status: 429, headers: { 'retry-after': '0' } }

function outOfBounds(message: string) {
  return { error: { message, type: 'invalid_request_error', param: 'x-manifold-route', code: 'route_out_of_bounds' } }
}

describe('one request cannot amplify into many upstream calls', () => {
  let r: RoutingGateway | undefined
  afterEach(async () => {
    await r?.close()
    r = undefined
  })

  it('refuses the issue\'s client route (50 targets, retries 10) with a 400 naming the bound; the upstream sees nothing', async () => {
    r = await startRoutingGateway()
    r.upstream.setHandler(perModel({ alpha: tooMany }))
    const key = await r.gw.createKey({ rpm: 2, maxParallel: 1 })
    const targets = Array.from({ length: 50 }, () => ({ model: 'openai/alpha', retries: 10 }))
    const res = await r.chat('openai/alpha', {}, { key, headers: { 'x-manifold-route': JSON.stringify({ strategy: 'fallback', targets }) } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(outOfBounds('The x-manifold-route header names 50 targets; this gateway allows at most 4 (routing.client_routes.max_targets).'))
    expect(r.upstream.requests).toHaveLength(0)
  })

  it('bounds retries and timeouts of a client route, and the bounds are configurable', async () => {
    r = await startRoutingGateway({ routing: { client_routes: { max_targets: 6, max_retries: 1, max_timeout_ms: 5_000 } } })
    r.upstream.setHandler(perModel({ alpha: {}, beta: {} }))
    const header = (route: unknown) => ({ headers: { 'x-manifold-route': JSON.stringify(route) } })

    const retries = await r.chat('openai/alpha', {}, header({ strategy: 'single', targets: [{ model: 'openai/alpha', retries: 2 }] }))
    expect(retries.status).toBe(400)
    expect(await retries.json()).toEqual(outOfBounds('The x-manifold-route header sets retries 2 on openai/alpha; this gateway allows at most 1 (routing.client_routes.max_retries).'))

    const timeout = await r.chat('openai/alpha', {}, header({ strategy: 'single', targets: ['openai/alpha'], timeout_ms: 600_000 }))
    expect(timeout.status).toBe(400)
    expect(await timeout.json()).toEqual(outOfBounds('The x-manifold-route header sets timeout_ms 600000; this gateway allows at most 5000 (routing.client_routes.max_timeout_ms).'))
    expect(r.upstream.requests).toHaveLength(0)

    const six = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? 'openai/alpha' : 'openai/beta'))
    const ok = await r.chat('openai/alpha', {}, header({ strategy: 'fallback', targets: six }))
    expect(ok.status).toBe(200)
    expect(r.upstream.requests).toHaveLength(1)
  })

  it('rpm counts upstream attempts: with rpm 2, a client route of retries against 429 retry-after 0 makes 2 calls, then stops with the 429', async () => {
    r = await startRoutingGateway()
    r.upstream.setHandler(perModel({ alpha: tooMany, beta: tooMany, gamma: tooMany }))
    const key = await r.gw.createKey({ rpm: 2, maxParallel: 1 })
    const route = { strategy: 'fallback', targets: [{ model: 'openai/alpha', retries: 2 }, { model: 'openai/beta', retries: 2 }, { model: 'openai/gamma', retries: 2 }, { model: 'openai/alpha', retries: 2 }] }
    const res = await r.chat('openai/alpha', {}, { key, headers: { 'x-manifold-route': JSON.stringify(route), 'x-request-id': 'amplify-1' } })
    expect(res.status).toBe(429)
    const body = await res.json() as { error: { message: string; type: string; code: string } }
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' })
    expect(body.error.message).toMatch(/^Rate limit reached on requests per minute \(RPM\): limit 2\. Please try again in \d+s\.$/)
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
    expect(r.upstream.requests).toHaveLength(2)
    expect((await r.rows('amplify-1')).map((row) => [row.attempt, row.status])).toEqual([[1, 429], [2, 429]])
  })

  it('tpm counts every attempt of a configured fallback route too', async () => {
    r = await startRoutingGateway({ routes: { trio: { strategy: 'fallback', targets: ['openai/alpha', 'openai/beta', 'openai/gamma'] } } })
    r.upstream.setHandler(perModel({ alpha: { status: 500 }, beta: { status: 500 }, gamma: {} }))
    // Each attempt reserves 102 tokens ("user" + "hi" at four characters a token, plus max_tokens 100): two fit in 250.
    const key = await r.gw.createKey({ tpm: 250 })
    const res = await r.chat('trio', { max_tokens: 100 }, { key })
    expect(res.status).toBe(429)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Rate limit reached on tokens per minute \(TPM\): limit 250, requested 102\. Please try again in \d+s\.$/)
    expect(r.upstream.requests.map((req) => (req.body as { model: string }).model)).toEqual(['alpha', 'beta'])
  })

  it('a fan-out pays one request per target at admission: 3 targets on rpm 2 are refused before any call', async () => {
    r = await startRoutingGateway({ routes: { trio: { strategy: 'all', targets: ['openai/alpha', 'openai/beta', 'openai/gamma'] } } })
    r.upstream.setHandler(perModel({ alpha: {}, beta: {}, gamma: {} }))
    const key = await r.gw.createKey({ rpm: 2 })
    const res = await r.chat('trio', {}, { key })
    expect(res.status).toBe(429)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded')
    expect(r.upstream.requests).toHaveLength(0)
    const pair = await r.gw.createKey({ rpm: 3 })
    expect((await r.chat('trio', {}, { key: pair })).status).toBe(200)
    expect(r.upstream.requests).toHaveLength(3)
  })
})

describe('fan-out lanes pay for their retries', () => {
  it('with rpm 3, an `all` client route of 2 targets retrying 429s makes 3 calls and answers 429', async () => {
    const r = await startRoutingGateway()
    try {
      r.upstream.setHandler(perModel({ alpha: tooMany, beta: tooMany }))
      const key = await r.gw.createKey({ rpm: 3 })
      const route = { strategy: 'all', targets: [{ model: 'openai/alpha', retries: 2 }, { model: 'openai/beta', retries: 2 }] }
      const res = await r.chat('openai/alpha', {}, { key, headers: { 'x-manifold-route': JSON.stringify(route) } })
      expect(res.status).toBe(429)
      const body = await res.json() as { error: { message: string; code: string } }
      expect(body.error.code).toBe('all_targets_failed')
      expect(body.error.message).toContain('Rate limit reached on requests per minute (RPM): limit 3.')
      expect(r.upstream.requests).toHaveLength(3)
    } finally {
      await r.close()
    }
  })
})
