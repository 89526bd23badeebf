import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startClientsHarness, type ClientsHarness } from '../../../test/support/clients-harness.js'

let h: ClientsHarness

beforeAll(async () => {
  h = await startClientsHarness({ settings: { body_limit_bytes: 4096 }, routes: { everyone: { strategy: 'all', targets: ['openai/gpt-4.1-nano', 'gemini/gemini-2.5-flash'] } } })
})
afterAll(() => h.close())
beforeEach(() => {
  h.upstream.requests.length = 0
})

const body = (model: string, extra: Record<string, unknown> = {}) => ({ model, max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }], ...extra })

function post(payload: unknown, headers: Record<string, string> = { 'x-api-key': h.key }) {
  return fetch(`${h.gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) })
}

const anthropicError = (type: string, message: string | RegExp) => ({ type: 'error', error: { type, message: typeof message === 'string' ? message : expect.stringMatching(message) } })

const openaiError = (status: number, message: string, headers: Record<string, string> = {}) =>
  ({ status, headers, json: { error: { message, type: status === 429 ? 'rate_limit_error' : 'invalid_request_error', code: null, param: null } } })

const anthropicUpstreamError = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
  ({ status, headers, json: { type: 'error', error: { type, message } } })

describe('Messages errors, in Anthropic\'s shape with Anthropic\'s statuses', () => {
  it('a bad key is our 401 authentication_error (x-api-key or Bearer)', async () => {
    for (const headers of [{ 'x-api-key': 'mk-wrong' }, { authorization: 'Bearer mk-wrong' }] as Array<Record<string, string>>) {
      const res = await post(body('openai/gpt-4.1-nano'), headers)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual(anthropicError('authentication_error', 'Incorrect API key provided.'))
    }
    const missing = await post(body('openai/gpt-4.1-nano'), {})
    expect(missing.status).toBe(401)
    expect(await missing.json()).toEqual(anthropicError('authentication_error', /didn't provide an API key/))
    expect(h.upstream.requests).toHaveLength(0)
  })

  it('an unknown model is 404 not_found_error; a bad body 400 invalid_request_error; too large 413', async () => {
    const unknown = await post(body('nowhere/model'))
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual(anthropicError('not_found_error', 'The model `nowhere/model` does not exist or you do not have access to it.'))

    const invalid = await post({ model: 'openai/gpt-4.1-nano', messages: [] })
    expect(invalid.status).toBe(400)
    expect(await invalid.json()).toEqual(anthropicError('invalid_request_error', /^max_tokens: /))

    const large = await post(body('openai/gpt-4.1-nano', { system: 'x'.repeat(5000) }))
    expect(large.status).toBe(413)
    expect(await large.json()).toEqual(anthropicError('request_too_large', 'The request body is larger than the limit of 4096 bytes.'))

    const wrongPath = await fetch(`${h.gw.url}/v1/messages/batches`, { headers: { 'x-api-key': h.key } })
    expect(wrongPath.status).toBe(404)
    expect(await wrongPath.json()).toEqual(anthropicError('not_found_error', 'Unknown route: GET /v1/messages/batches'))
  })

  it('the all strategy is a clear 400', async () => {
    const res = await post(body('everyone'))
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(anthropicError('invalid_request_error', /"all" strategy.*Use fallback, race or loadbalance/))
    expect(h.upstream.requests).toHaveLength(0)
  })

  it.each([
    ['translated', 'openai/gpt-4.1-nano', openaiError(429, 'Rate limit reached', { 'retry-after': '20' })],
    ['native', 'anthropic/claude-sonnet-4-6', anthropicUpstreamError(429, 'rate_limit_error', 'Rate limit reached', { 'retry-after': '20' })],
  ])('upstream 429 (%s) → 429 rate_limit_error with retry-after', async (_kind, model, reply) => {
    h.upstream.setHandler(() => reply)
    for (const stream of [false, true]) {
      const res = await post(body(model, { stream }))
      expect(res.status).toBe(429)
      expect(res.headers.get('retry-after')).toBe('20')
      expect(res.headers.get('x-manifold-attempts')).toBe('1')
      expect(await res.json()).toEqual(anthropicError('rate_limit_error', /Rate limit reached/))
    }
  })

  it.each([
    ['translated', 'openai/gpt-4.1-nano', openaiError(503, 'The server is overloaded')],
    ['native', 'anthropic/claude-sonnet-4-6', anthropicUpstreamError(529, 'overloaded_error', 'Overloaded')],
  ])('upstream overloaded (%s) → 529 overloaded_error', async (_kind, model, reply) => {
    h.upstream.setHandler(() => reply)
    const res = await post(body(model))
    expect(res.status).toBe(529)
    expect(await res.json()).toEqual(anthropicError('overloaded_error', /overloaded/i))
  })

  it.each([
    ['translated', 'openai/gpt-4.1-nano', openaiError(401, 'Incorrect API key provided: sk-up***')],
    ['native', 'anthropic/claude-sonnet-4-6', anthropicUpstreamError(401, 'authentication_error', 'invalid x-api-key')],
  ])('upstream 401 (%s) is the gateway\'s problem: 502 api_error, never the client\'s 401', async (_kind, model, reply) => {
    h.upstream.setHandler(() => reply)
    const res = await post(body(model))
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual(anthropicError('api_error', /(Incorrect API key|invalid x-api-key)/))
  })

  it.each([
    ['translated', 'openai/gpt-4.1-nano', openaiError(400, 'Invalid value for tools[0].name')],
    ['native', 'anthropic/claude-sonnet-4-6', anthropicUpstreamError(400, 'invalid_request_error', 'messages: roles must alternate')],
  ])('upstream 400 (%s) → 400 invalid_request_error with the upstream\'s message', async (_kind, model, reply) => {
    h.upstream.setHandler(() => reply)
    const res = await post(body(model))
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(anthropicError('invalid_request_error', /(Invalid value for tools\[0\]\.name|roles must alternate)/))
  })
})

describe('admission behind /v1/messages', () => {
  it('a key scoped to other models gets 403 permission_error, for messages and count_tokens alike', async () => {
    const key = await h.gw.createKey({ name: 'openai-only', models: ['openai/*'] })
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const res = await fetch(`${h.gw.url}${path}`, { method: 'POST', headers: { 'x-api-key': key }, body: JSON.stringify(body('anthropic/claude-sonnet-4-6')) })
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual(anthropicError('permission_error', 'This API key is not allowed to use the model `anthropic/claude-sonnet-4-6`.'))
    }
    expect(h.upstream.requests).toHaveLength(0)
  })

  it.each(['anthropic/claude-sonnet-4-6', 'openai/gpt-4.1-nano'])('a key over its requests per minute gets 429 rate_limit_error (%s)', async (model) => {
    h.play('text')
    const key = await h.gw.createKey({ name: 'one-a-minute', rpm: 1 })
    expect((await post(body(model), { 'x-api-key': key })).status).toBe(200)
    const second = await post(body(model), { 'x-api-key': key })
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await second.json()).toEqual(anthropicError('rate_limit_error', /requests per minute/i))
    expect(h.upstream.requests).toHaveLength(1)
  })
})

describe('probes and count_tokens', () => {
  it('GET and HEAD on the base URL answer without a key; GET /v1/messages with one', async () => {
    for (const method of ['GET', 'HEAD']) expect((await fetch(`${h.gw.url}/`, { method })).status).toBe(200)
    expect(await (await fetch(`${h.gw.url}/`)).json()).toEqual({ service: 'manifold' })
    expect((await fetch(`${h.gw.url}/v1/messages`, { method: 'HEAD', headers: { 'x-api-key': h.key } })).status).toBe(200)
    expect((await fetch(`${h.gw.url}/v1/messages`, { method: 'HEAD' })).status).toBe(401)
  })

  it('count_tokens is exact from Anthropic and estimated elsewhere (x-manifold-token-count says which)', async () => {
    h.upstream.setHandler(() => ({ json: { input_tokens: 42 } }))
    const request = { messages: [{ role: 'user', content: 'Hello there, how are you today?' }], system: 'Be brief.' }
    const exact = await fetch(`${h.gw.url}/v1/messages/count_tokens?beta=true`, {
      method: 'POST', headers: { 'x-api-key': h.key, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'token-counting-2024-11-01' },
      body: JSON.stringify({ model: 'anthropic/claude-sonnet-4-6', ...request }),
    })
    expect(exact.status).toBe(200)
    expect(exact.headers.get('x-manifold-token-count')).toBe('exact')
    expect(await exact.json()).toEqual({ input_tokens: 42 })
    const received = h.upstream.requests.at(-1)!
    expect(received.path).toBe('/anthropic/v1/messages/count_tokens')
    expect(received.body).toEqual({ model: 'claude-sonnet-4-6', ...request })
    expect(received.headers['anthropic-beta']).toBe('token-counting-2024-11-01')

    h.upstream.requests.length = 0
    const estimate = await fetch(`${h.gw.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'x-api-key': h.key }, body: JSON.stringify({ model: 'openai/gpt-4.1-nano', ...request }) })
    expect(estimate.headers.get('x-manifold-token-count')).toBe('estimate')
    // The chat form's strings at four characters a token: ('system' + 9 + 'user' + 30 characters) / 4, rounded up.
    expect(await estimate.json()).toEqual({ input_tokens: 13 })
    expect(h.upstream.requests).toHaveLength(0)
  })
})
