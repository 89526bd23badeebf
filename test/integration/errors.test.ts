import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtureJson } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { validateSchema } from '../support/openapi-validate.js'

const json = { 'content-type': 'application/json' }
const valid = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }

/** Bad input gets OpenAI's error shape with the status a client expects, and never reaches the upstream. */
describe('errors', () => {
  let upstream: MockUpstream
  let gw: TestGateway
  let key: string

  beforeAll(async () => {
    upstream = await startMockUpstream(() => ({ json: fixtureJson('openai/vercel-openai-text.json') }))
    gw = await startTestGateway({ listen: true, env: { OPENAI_API_KEY: 'sk-upstream-secret-value', OPENAI_BASE_URL: `${upstream.url}/v1`, MANIFOLD_BODY_LIMIT: '4096' } })
    key = await gw.createKey()
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  async function expectError(res: Response, status: number, error: Record<string, unknown>) {
    expect(res.status).toBe(status)
    const body = await res.json()
    expect(body).toEqual({ error: { message: expect.any(String), type: expect.any(String), param: null, code: null, ...error } })
    expect(validateSchema('ErrorResponse', body)).toEqual([])
    expect(res.headers.get('x-request-id')).toMatch(/^req_/)
    return body as { error: { message: string } }
  }

  const post = (body: string, headers: Record<string, string> = json, k: string | null = key) =>
    gw.request('/v1/chat/completions', { method: 'POST', key: k, headers, body })

  it('invalid JSON → 400 invalid_json', async () => {
    await expectError(await post('{"model": '), 400, { type: 'invalid_request_error', code: 'invalid_json' })
  })

  it('wrong types → 400 naming the field', async () => {
    const body = await expectError(await post(JSON.stringify({ ...valid, temperature: 'hot' })), 400, { type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' })
    expect(body.error.message).toContain("'temperature'")
    await expectError(await post(JSON.stringify({ ...valid, messages: [{ role: 'wizard', content: 'x' }] })), 400, { type: 'invalid_request_error', param: 'messages[0].role', code: 'invalid_value' })
    await expectError(await post(JSON.stringify({ ...valid, messages: [] })), 400, { type: 'invalid_request_error', param: 'messages', code: 'invalid_value' })
  })

  it('missing model → 400 missing_required_parameter', async () => {
    const body = await expectError(await post(JSON.stringify({ messages: valid.messages })), 400, { type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' })
    expect(body.error.message).toBe("Missing required parameter: 'model'.")
  })

  it('a provider Manifold knows but without its key → 400 provider_not_enabled naming the variable', async () => {
    const before = upstream.requests.length
    const body = await expectError(await post(JSON.stringify({ ...valid, model: 'mistral/mistral-small-latest' })), 400, { type: 'invalid_request_error', param: 'model', code: 'provider_not_enabled' })
    expect(body.error.message).toBe('The provider `mistral` is not enabled on this gateway; the operator enables it by setting MISTRAL_API_KEY.')
    expect(upstream.requests).toHaveLength(before)
  })

  it('unknown provider or model prefix → 404 model_not_found', async () => {
    await expectError(await post(JSON.stringify({ ...valid, model: 'nope/gpt-4o' })), 404, { type: 'invalid_request_error', param: 'model', code: 'model_not_found' })
    await expectError(await post(JSON.stringify({ ...valid, model: 'gpt-4o' })), 404, { type: 'invalid_request_error', param: 'model', code: 'model_not_found' })
  })

  it('no key, wrong key, revoked key → 401', async () => {
    await expectError(await post(JSON.stringify(valid), json, null), 401, { type: 'invalid_request_error', code: 'missing_api_key' })
    await expectError(await post(JSON.stringify(valid), json, 'mk-not-a-real-key'), 401, { type: 'invalid_request_error', code: 'invalid_api_key' })
    const doomed = await gw.createKey()
    expect((await post(JSON.stringify(valid), json, doomed)).status).toBe(200)
    const list = (await (await gw.request('/admin/keys')).json()) as { data: Array<{ id: string; prefix: string }> }
    const id = list.data.find((k) => doomed.startsWith(k.prefix.replace('…', '')))!.id
    expect((await gw.request(`/admin/keys/${id}`, { method: 'DELETE' })).status).toBe(200)
    await expectError(await post(JSON.stringify(valid), json, doomed), 401, { type: 'invalid_request_error', code: 'key_revoked' })
  })

  it('every route but GET /health needs a key', async () => {
    expect((await gw.request('/health', { key: null })).status).toBe(200)
    for (const [method, path] of [['GET', '/v1/models'], ['GET', '/admin/keys'], ['POST', '/admin/keys'], ['GET', '/nowhere'], ['POST', '/health']] as const) {
      await expectError(await gw.request(path, { method, key: null }), 401, { type: 'invalid_request_error', code: 'missing_api_key' })
    }
  })

  it('a client key cannot reach /admin', async () => {
    await expectError(await gw.request('/admin/keys', { key }), 403, { type: 'permission_error', code: 'admin_required' })
  })

  it('body over the limit with Content-Length → 413', async () => {
    const big = JSON.stringify({ ...valid, messages: [{ role: 'user', content: 'x'.repeat(5000) }] })
    await expectError(await post(big), 413, { type: 'invalid_request_error', code: 'request_too_large' })
  })

  it('chunked body over the limit (no Content-Length) → 413, and nothing reaches the upstream', async () => {
    const before = upstream.requests.length
    const url = new URL(`${gw.url}/v1/chat/completions`)
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...json, authorization: `Bearer ${key}`, 'transfer-encoding': 'chunked' } }, (res) => {
        let text = ''
        res.on('data', (d: Buffer) => { text += d.toString() })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      })
      req.on('error', reject)
      req.write('{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"')
      for (let i = 0; i < 10; i++) req.write('y'.repeat(1000))
      req.end('"}]}')
    })
    expect(status).toBe(413)
    expect(JSON.parse(body)).toMatchObject({ error: { type: 'invalid_request_error', code: 'request_too_large' } })
    expect(upstream.requests.length).toBe(before)
  })

  it('an upstream 429 stays 429 with Retry-After and without the upstream key', async () => {
    upstream.setHandler(() => ({ status: 429, headers: { 'retry-after': '12' }, json: { error: { message: 'Rate limit reached for sk-upstream-secret-value', type: 'requests', param: null, code: 'rate_limit_exceeded' } } }))
    const res = await post(JSON.stringify(valid))
    expect(res.headers.get('retry-after')).toBe('12')
    const text = await res.clone().text()
    expect(text).not.toContain('sk-upstream-secret-value')
    expect([...res.headers.values()].join('\n')).not.toContain('sk-upstream-secret-value')
    await expectError(res, 429, { type: 'rate_limit_error', code: 'rate_limit_exceeded' })
    upstream.setHandler(() => ({ json: fixtureJson('openai/vercel-openai-text.json') }))
  })

  it('an upstream 401 is the gateway\'s problem: 502, and the upstream key never appears', async () => {
    upstream.setHandler(() => ({ status: 401, json: { error: { message: 'Incorrect API key provided: sk-upstr*****alue', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } }))
    const res = await post(JSON.stringify(valid))
    const text = await res.clone().text()
    expect(text).not.toContain('sk-upstream-secret-value')
    await expectError(res, 502, { type: 'upstream_auth_error', code: 'authentication_error' })
    upstream.setHandler(() => ({ json: fixtureJson('openai/vercel-openai-text.json') }))
  })

  it('keeps a well-formed x-request-id and replaces a malformed or overlong one', async () => {
    const ok = await gw.request('/health', { key: null, headers: { 'x-request-id': 'client-abc_123' } })
    expect(ok.headers.get('x-request-id')).toBe('client-abc_123')
    const bad = await gw.request('/health', { key: null, headers: { 'x-request-id': 'bad id with spaces' } })
    expect(bad.headers.get('x-request-id')).toMatch(/^req_/)
    const long = await gw.request('/health', { key: null, headers: { 'x-request-id': 'a'.repeat(200) } })
    expect(long.headers.get('x-request-id')).toMatch(/^req_/)
  })
})
