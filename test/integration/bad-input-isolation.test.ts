import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ProviderError } from '../../providers/index.js'
import { MAX_JSON_DEPTH } from '../../src/openai/read-json.js'
import { TargetHealth } from '../../src/routing/cooldown.js'
import { toProviderError } from '../../src/routing/provider-error.js'
import { startRoutingGateway, type RoutingGateway } from '../support/routing-gateway.js'
import { perModel } from '../support/routing-upstream.js'
import { wsSessionFor } from '../support/ws-session-harness.js'

/** `{"a":{"a":…1…}}`, `levels` objects deep. */
const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`
const deepChatBody = (levels: number) => `{"model":"openai/alpha","messages":[{"role":"user","content":"hi"}],"user_data":${deepObject(levels)}}`

const tooDeep = {
  error: {
    message: `The body of your request nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`,
    type: 'invalid_request_error', param: null, code: 'json_too_deep',
  },
}

describe('one key\'s bad input cannot hurt the others', () => {
  let r: RoutingGateway
  beforeEach(async () => {
    r = await startRoutingGateway({ routes: { duo: { strategy: 'fallback', targets: ['openai/alpha', 'openai/beta'] } } })
    r.upstream.setHandler(perModel({ alpha: {}, beta: {} }))
  })
  afterEach(async () => {
    await r.close()
  })

  const post = (path: string, body: string, init: { key?: string; headers?: Record<string, string> } = {}) =>
    r.gw.request(path, { key: init.key, method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body })

  it('three 5,000-deep bodies are 400s that never reach the upstream nor cool the target down; another key is served', async () => {
    const attacker = await r.gw.createKey({ name: 'attacker' })
    const before = await (await r.gw.request('/health/targets')).json()
    for (let i = 0; i < 3; i++) {
      const res = await post('/v1/chat/completions', deepChatBody(5_000), { key: attacker })
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual(tooDeep)
    }
    expect(r.upstream.requests).toHaveLength(0)
    expect(await (await r.gw.request('/health/targets')).json()).toEqual(before)

    const other = await r.gw.createKey({ name: 'bystander' })
    const res = await r.chat('duo', {}, { key: other })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-target')).toBe('openai/alpha')
  })

  it('accepts a body exactly at the depth limit', async () => {
    // The body's own object is level 1 and user_data's outermost object level 2.
    const res = await post('/v1/chat/completions', deepChatBody(MAX_JSON_DEPTH - 1))
    expect(res.status).toBe(200)
  })

  it('refuses deep JSON on embeddings, jobs and the admin API (100,000-deep metadata) with 400, not 500', async () => {
    const embeddings = await post('/v1/embeddings', `{"model":"openai/alpha","input":"hi","user":${deepObject(5_000)}}`)
    expect(embeddings.status).toBe(400)
    expect(await embeddings.json()).toEqual(tooDeep)

    const job = await post('/v1/chat/completions', deepChatBody(5_000), { headers: { prefer: 'respond-async' } })
    expect(job.status).toBe(400)
    expect(await job.json()).toEqual(tooDeep)

    const admin = await post('/admin/keys', `{"name":"deep","metadata":${deepObject(100_000)}}`)
    expect(admin.status).toBe(400)
    expect(await admin.json()).toEqual(tooDeep)
    expect(r.upstream.requests).toHaveLength(0)
  })

  it('refuses a deep WebSocket frame with invalid_frame', async () => {
    const { ws, frames } = await wsSessionFor(r.gw)
    ws.receive(`{"id":"deep","type":"chat.completions.create","body":${deepChatBody(100_000)}}`)
    expect(frames).toEqual([{
      id: 'deep', type: 'error',
      error: { message: `The frame nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`, type: 'invalid_request_error', param: null, code: 'invalid_frame' },
    }])
    await ws.close()
    expect(r.upstream.requests).toHaveLength(0)
  })

  it('HEAD /health without a key answers like GET, without a body', async () => {
    const res = await r.gw.request('/health', { method: 'HEAD', key: null })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
    expect((await r.gw.request('/health/targets', { method: 'HEAD', key: null })).status).toBe(401)
  })
})

describe('the gateway\'s own failures never count against a target', () => {
  it('a local exception during an attempt leaves the target healthy; upstream failures still count', () => {
    let now = 1_000
    const health = new TargetHealth({ failures: 1, window_ms: 60_000, cooldown_ms: 60_000 }, { now: () => now, sleep: () => Promise.resolve() })
    const signal = new AbortController().signal
    const local = toProviderError('openai', new RangeError('Maximum call stack size exceeded'), signal)
    expect(local).toMatchObject({ status: 500, retryable: false, message: 'The gateway failed while calling openai.' })
    expect(health.recordFailure('openai/alpha', local)).toBe(false)
    expect(health.snapshot()).toEqual([])
    now += 1
    const upstream = new ProviderError({ provider: 'openai', status: 503, code: 'upstream_error', message: 'overloaded' })
    expect(health.recordFailure('openai/alpha', upstream)).toBe(true)
    expect(health.isCoolingDown('openai/alpha')).toBe(true)
  })
})
