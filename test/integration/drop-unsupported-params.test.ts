import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anthropicFrames } from '../support/anthropic-harness.js'
import { fixtureJson } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'

/** Anthropic's API refuses sampling parameters; most client libraries send temperature anyway. */
describe('drop_unsupported_params: global setting, per-request header, and the dropped-params header', () => {
  let upstream: MockUpstream
  const gateways: TestGateway[] = []

  beforeAll(async () => {
    upstream = await startMockUpstream(() => ({ json: fixtureJson('anthropic/vercel-anthropic-text.json') }))
  })
  afterAll(async () => {
    for (const gw of gateways) await gw.close()
    await upstream.close()
  })

  async function gateway(env: Record<string, string> = {}, file: Record<string, unknown> = {}): Promise<TestGateway> {
    const gw = await startTestGateway({ env: { ANTHROPIC_API_KEY: 'sk-ant-upstream', ANTHROPIC_BASE_URL: upstream.url, ...env }, file })
    gateways.push(gw)
    return gw
  }

  const call = (gw: TestGateway, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) => gw.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 100, temperature: 0.2, top_p: 0.9, messages: [{ role: 'user', content: 'Hi' }], ...extra }),
  })

  async function expectRefused(res: Response): Promise<void> {
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: Record<string, unknown> }).error).toMatchObject({ code: 'unsupported_parameter', param: 'temperature' })
    expect(res.headers.get('x-manifold-dropped-params')).toBeNull()
  }

  async function expectDropped(res: Response): Promise<void> {
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-dropped-params')).toBe('temperature,top_p')
    const sent = upstream.requests.at(-1)!.body as Record<string, unknown>
    expect(sent).not.toHaveProperty('temperature')
    expect(sent).not.toHaveProperty('top_p')
    expect(sent.max_tokens).toBe(100)
  }

  it('off by default: a 400 naming the parameter; the header turns dropping on for one call', async () => {
    const gw = await gateway()
    await expectRefused(await call(gw))
    await expectDropped(await call(gw, { 'x-manifold-drop-unsupported-params': 'true' }))
    const plain = await call(gw, {}, { temperature: undefined, top_p: undefined })
    expect(plain.status).toBe(200)
    expect(plain.headers.get('x-manifold-dropped-params')).toBeNull()
  })

  it('MANIFOLD_DROP_UNSUPPORTED_PARAMS=true drops for every provider; the header turns it off for one call', async () => {
    const gw = await gateway({ MANIFOLD_DROP_UNSUPPORTED_PARAMS: 'true' })
    await expectDropped(await call(gw))
    await expectRefused(await call(gw, { 'x-manifold-drop-unsupported-params': 'false' }))
  })

  it("the config file's global setting, and a provider's own setting winning over it", async () => {
    await expectDropped(await call(await gateway({}, { drop_unsupported_params: true })))
    const strict = await gateway({}, { drop_unsupported_params: true, providers: { anthropic: { type: 'anthropic', drop_unsupported_params: false } } })
    await expectRefused(await call(strict))
  })

  it('streams report what was dropped in the response headers too', async () => {
    const gw = await gateway({ MANIFOLD_DROP_UNSUPPORTED_PARAMS: '1' })
    upstream.setHandler(() => ({ sse: anthropicFrames('vercel-anthropic-text.chunks.txt') }))
    const res = await call(gw, {}, { stream: true })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-dropped-params')).toBe('temperature,top_p')
    expect(await res.text()).toMatch(/data: \[DONE\]\n\n$/)
    upstream.setHandler(() => ({ json: fixtureJson('anthropic/vercel-anthropic-text.json') }))
  })

  it('a header value other than true or false is a 400 naming the header; a bad variable fails the config', async () => {
    const res = await call(await gateway(), { 'x-manifold-drop-unsupported-params': 'yes' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: {
      message: 'Invalid x-manifold-drop-unsupported-params header: expected true or false.',
      type: 'invalid_request_error', param: 'x-manifold-drop-unsupported-params', code: 'invalid_header',
    } })
    await expect(gateway({ MANIFOLD_DROP_UNSUPPORTED_PARAMS: 'sometimes' })).rejects.toThrow('MANIFOLD_DROP_UNSUPPORTED_PARAMS: expected true or false, got "sometimes"')
  })
})
