import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventually } from '../support/jobs-gateway.js'
import { startRoutingGateway, type RoutingGateway } from '../support/routing-gateway.js'
import { perModel, requestsFor } from '../support/routing-upstream.js'
import { wsSessionFor } from '../support/ws-session-harness.js'

const route = (...targets: string[]) => JSON.stringify({ strategy: 'fallback', targets })

const headerRefused = (message: string) => ({
  error: { message, type: 'permission_error', param: 'x-manifold-route', code: 'route_header_not_allowed' },
})

describe('model scopes hold for every target a call reaches', () => {
  let r: RoutingGateway
  beforeEach(async () => {
    r = await startRoutingGateway({
      routes: { duo: { strategy: 'fallback', targets: ['openai/alpha', 'openai/beta'] } },
      aliases: { cheap: 'openai/beta' },
    })
    r.upstream.setHandler(perModel({ alpha: {}, beta: {} }))
  })
  afterEach(async () => {
    await r.close()
  })

  it('refuses an x-manifold-route header naming a target outside the key\'s models, before any upstream call', async () => {
    const key = await r.gw.createKey({ models: ['openai/alpha'] })
    const res = await r.chat('openai/alpha', {}, { key, headers: { 'x-manifold-route': route('openai/beta') } })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual(headerRefused('This API key may not route to `openai/beta`: the x-manifold-route header may only name targets within the key\'s models.'))
    expect(r.upstream.requests).toHaveLength(0)
  })

  it('lets the header through when every target is in scope (the default, in_scope)', async () => {
    const key = await r.gw.createKey({ models: ['openai/alpha'] })
    const res = await r.chat('openai/alpha', {}, { key, headers: { 'x-manifold-route': route('openai/alpha') } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-route')).toBe('header')
    expect(requestsFor(r.upstream.requests, 'alpha')).toHaveLength(1)
  })

  it('route_header "deny" refuses the header even when its targets are in scope', async () => {
    const key = await r.gw.createKey({ routeHeader: 'deny' })
    const res = await r.chat('openai/alpha', {}, { key, headers: { 'x-manifold-route': route('openai/alpha') } })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual(headerRefused('This API key may not route per request: the x-manifold-route header (and a WebSocket `route`) is refused for it.'))
    expect(r.upstream.requests).toHaveLength(0)
    // Without the header the same key calls as before.
    expect((await r.chat('openai/alpha', {}, { key })).status).toBe(200)
  })

  it('route_header "allow" lets a trusted key route anywhere with the header', async () => {
    const key = await r.gw.createKey({ models: ['openai/alpha'], routeHeader: 'allow' })
    const res = await r.chat('openai/alpha', {}, { key, headers: { 'x-manifold-route': route('openai/beta') } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-target')).toBe('openai/beta')
    expect(requestsFor(r.upstream.requests, 'beta')).toHaveLength(1)
  })

  it('a configured route is allowed by its name, or when every one of its targets is in scope', async () => {
    const narrow = await r.gw.createKey({ models: ['openai/alpha'] })
    const refused = await r.chat('duo', {}, { key: narrow })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({ error: { message: 'This API key is not allowed to use the model `duo`.', type: 'permission_error', param: 'model', code: 'model_not_allowed' } })

    const byName = await r.gw.createKey({ models: ['duo'] })
    expect((await r.chat('duo', {}, { key: byName })).status).toBe(200)
    const byTargets = await r.gw.createKey({ models: ['openai/*'] })
    expect((await r.chat('duo', {}, { key: byTargets })).status).toBe(200)
    expect(requestsFor(r.upstream.requests, 'alpha')).toHaveLength(2)
  })

  it('an alias is judged by its name or by the model it points at, never by a name that merely looks in scope', async () => {
    const key = await r.gw.createKey({ models: ['openai/alpha'] })
    const res = await r.chat('cheap', {}, { key })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('model_not_allowed')
    expect(r.upstream.requests).toHaveLength(0)
  })

  describe('over a WebSocket', () => {
    const session = (models: string[] | null) => wsSessionFor(r.gw, { models })
    const body = { model: 'openai/alpha', messages: [{ role: 'user', content: 'hi' }] }

    it('refuses a frame whose route names a target outside the key\'s models', async () => {
      const { ws, frames } = await session(['openai/alpha'])
      ws.receive(JSON.stringify({ id: 'a', type: 'chat.completions.create', body, route: { strategy: 'single', targets: ['openai/beta'] } }))
      await eventually(() => frames.length > 0, 'the error frame')
      expect(frames).toEqual([{ id: 'a', type: 'error', ...headerRefused('This API key may not route to `openai/beta`: the x-manifold-route header may only name targets within the key\'s models.') }])
      await ws.close()
      expect(r.upstream.requests).toHaveLength(0)
    })

    it('answers a route containing CR or LF with invalid_frame, not internal_error', async () => {
      const { ws, frames } = await session(null)
      ws.receive(JSON.stringify({ id: 'b', type: 'chat.completions.create', body, route: '{"strategy":"single",\r\n"targets":["openai/alpha"]}' }))
      expect(frames).toEqual([{
        id: 'b', type: 'error',
        error: { message: 'The frame\'s "route" must be a route object, or its JSON text, without control characters (such as CR or LF) or non-ASCII characters.', type: 'invalid_request_error', param: 'route', code: 'invalid_frame' },
      }])
      await ws.close()
      expect(r.upstream.requests).toHaveLength(0)
    })
  })
})
