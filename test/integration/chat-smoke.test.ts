import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { sseFromChunkLines, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'

describe('chat through OpenAI (smoke)', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream()
    gw = await startTestGateway({ env: { OPENAI_API_KEY: 'sk-upstream-secret', OPENAI_BASE_URL: `${upstream.url}/v1` } })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  it('forwards a non-streaming call with the upstream model name and returns the body', async () => {
    const recorded = fixtureJson<Record<string, unknown>>('openai/vercel-openai-text.json')
    upstream.setHandler(() => ({ json: recorded }))
    const key = await gw.createKey()
    const res = await gw.request('/v1/chat/completions', {
      key,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], seed: 7 }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(recorded)
    const sent = upstream.requests.at(-1)!
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], seed: 7, stream: false })
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-secret')
  })

  it('streams and drops the usage chunk the client did not ask for', async () => {
    upstream.setHandler(() => ({ sse: sseFromChunkLines(fixtureText('openai/vercel-openai-text.chunks.txt')) }))
    const res = await gw.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const text = await res.text()
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
    expect(text).not.toContain('"usage"')
    expect((upstream.requests.at(-1)!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true })
  })
})
