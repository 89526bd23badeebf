import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fixtureJson } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'

function invalidModel(message: string, param = 'model') {
  return { error: { message, type: 'invalid_request_error', param, code: 'invalid_model' } }
}

describe('model names are validated once, before any upstream call', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream(() => ({ json: fixtureJson('gemini/vercel-google-text.json') }))
    gw = await startTestGateway({
      env: { GEMINI_API_KEY: 'gm-operator-key', GEMINI_BASE_URL: upstream.url, OPENAI_API_KEY: 'sk-operator-key', OPENAI_BASE_URL: `${upstream.url}/v1` },
    })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })
  beforeEach(() => {
    upstream.requests.length = 0
  })

  const chat = (model: string, init: { key?: string; headers?: Record<string, string> } = {}) => gw.request('/v1/chat/completions', {
    key: init.key, method: 'POST', headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  })

  it('the issue\'s Gemini path injection never reaches the upstream: 400 invalid_model', async () => {
    const res = await chat('gemini/%2e%2e/%2e%2e/v1beta/cachedContents#')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(invalidModel('Invalid model name "gemini/%2e%2e/%2e%2e/v1beta/cachedContents#": only letters, digits and . _ : @ / + - are allowed.'))
    expect(upstream.requests).toHaveLength(0)
  })

  it.each([
    ['gemini/../../v1beta/cachedContents', 'empty, `.` and `..` path segments are not allowed'],
    ['gemini/./gemini-2.0-flash', 'empty, `.` and `..` path segments are not allowed'],
    ['gemini//gemini-2.0-flash', 'empty, `.` and `..` path segments are not allowed'],
    ['gemini/tunedModels/x', 'a Gemini model name cannot contain `/` after the provider'],
    ['gemini/gemini-2.0-flash?alt=media', 'only letters, digits and . _ : @ / + - are allowed'],
    ['openai/gpt-4o-mini\nX-Injected: 1', 'only letters, digits and . _ : @ / + - are allowed'],
    ['openai/gpt-4o-mïni', 'only letters, digits and . _ : @ / + - are allowed'],
    ['openai/gpt 4o', 'only letters, digits and . _ : @ / + - are allowed'],
    [`openai/${'a'.repeat(300)}`, 'it is longer than 256 characters'],
  ])('refuses %j with 400 before any upstream call', async (model, why) => {
    const res = await chat(model)
    expect(res.status).toBe(400)
    const body = await res.json() as { error: { message: string } }
    expect(body).toMatchObject(invalidModel(body.error.message))
    expect(body.error.message.endsWith(`: ${why}.`)).toBe(true)
    expect(body.error.message).not.toContain('\n')
    expect(upstream.requests).toHaveLength(0)
  })

  it('checks the targets of an x-manifold-route header the same way', async () => {
    const route = JSON.stringify({ strategy: 'single', targets: ['gemini/%2e%2e/v1beta/cachedContents#'] })
    const res = await chat('gemini/gemini-2.0-flash', { headers: { 'x-manifold-route': route } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(invalidModel('Invalid model name "gemini/%2e%2e/v1beta/cachedContents#": only letters, digits and . _ : @ / + - are allowed.', 'x-manifold-route'))
    expect(upstream.requests).toHaveLength(0)
  })

  it('checks embeddings too', async () => {
    const res = await gw.request('/v1/embeddings', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini/%2e%2e/x', input: 'hi' }),
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_model')
    expect(upstream.requests).toHaveLength(0)
  })

  it('a glob scope cannot be escaped with dot segments: the name is refused before the scope is checked', async () => {
    const key = await gw.createKey({ models: ['openai/*'] })
    const res = await chat('openai/../gemini/gemini-2.0-flash', { key })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_model')
    expect(upstream.requests).toHaveLength(0)
  })

  it('a valid Gemini model still reaches its one path', async () => {
    const res = await chat('gemini/gemini-2.0-flash')
    expect(res.status).toBe(200)
    expect(upstream.requests.map((r) => r.path)).toEqual(['/v1beta/models/gemini-2.0-flash:generateContent'])
  })
})
