import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { oversizeJson, startMockUpstream, type MockReply, type MockUpstream } from '../support/mock-upstream.js'
import { upstreamDialects } from '../support/upstream-dialects.js'

/**
 * The dialects' native pass-through calls (/v1/responses to OpenAI, /v1/messages and count_tokens to
 * Anthropic) skip the provider adapters but not the upstream edge: no redirect followed, answers and
 * stream events capped as they are read, the upstream's error text redacted.
 */

const CAP_BYTES = 64 * 1024
const openai = upstreamDialects.find((d) => d.name === 'openai')!
const anthropic = upstreamDialects.find((d) => d.name === 'anthropic')!

let upstream: MockUpstream
let gw: TestGateway

beforeAll(async () => {
  upstream = await startMockUpstream()
  gw = await startTestGateway({
    env: { ...openai.env(upstream.url), ...anthropic.env(upstream.url) },
    file: {
      upstream: { max_response_bytes: CAP_BYTES, max_event_bytes: CAP_BYTES },
      routing: { retries: 0, cooldown: { failures: 10_000, window_ms: 1_000, cooldown_ms: 1_000 } },
    },
  })
})

afterAll(async () => {
  await gw.close()
  await upstream.close()
})

interface Surface {
  name: string
  key: string
  post(stream: boolean): Promise<Response>
  /** The error's code (Responses) or type (Messages), and its message, from a non-2xx answer. */
  errorOf(body: unknown): { code: string; message: string }
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) => gw.request(path, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
})

const surfaces: Surface[] = [
  {
    name: '/v1/responses (OpenAI)',
    key: openai.key,
    post: (stream) => post('/v1/responses', { model: openai.model, input: 'hi', stream, store: false }),
    errorOf: (body) => {
      const { error } = body as { error: { code: string; message: string } }
      return { code: error.code, message: error.message }
    },
  },
  {
    name: '/v1/messages (Anthropic)',
    key: anthropic.key,
    post: (stream) => post('/v1/messages', { model: anthropic.model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], stream }, { 'anthropic-version': '2023-06-01' }),
    errorOf: (body) => {
      const { error } = body as { error: { type: string; message: string } }
      return { code: error.type, message: error.message }
    },
  },
]

describe.each(surfaces.map((s) => [s.name, s] as const))('native pass-through behind the upstream edge: %s', (_name, surface) => {
  async function failing(reply: MockReply, stream = false) {
    upstream.setHandler(() => reply)
    const before = upstream.requests.length
    const res = await surface.post(stream)
    return { status: res.status, error: surface.errorOf(await res.json()), sent: upstream.requests.slice(before) }
  }

  it('never follows a redirect: 502, one POST, nothing at the target', async () => {
    const result = await failing({ status: 307, headers: { location: `${upstream.url}/redirected` }, text: '' })
    expect(result.status).toBe(502)
    expect(result.error.message).toContain('redirect')
    expect(result.sent.map((r) => [r.method, r.path.startsWith('/redirected')])).toEqual([['POST', false]])
  })

  it('cuts off an oversize answer while reading it, and hangs up on the upstream', async () => {
    const result = await failing({ chunks: () => oversizeJson(64 * 1024 * 1024) })
    expect(result.status).toBe(502)
    expect(result.error.message).toContain('answer is larger than the gateway accepts')
    await expect.poll(() => result.sent[0]!.abortedAt !== undefined || result.sent[0]!.finishedAt !== undefined).toBe(true)
    expect(result.sent[0]!.abortedAt).toBeDefined()
  })

  it('caps one stream event: a line that never ends is an error, not growing memory', async () => {
    upstream.setHandler(() => ({ sse: [`data: {"pad": "${'x'.repeat(CAP_BYTES * 4)}`] }))
    const res = await surface.post(true)
    const text = await res.text()
    // At most the cap's worth of the endless line got through before the error that ends the stream.
    expect(text.length).toBeLessThan(CAP_BYTES * 2)
    expect(text).toContain('stream event is larger than the gateway accepts')
  })

  it('an upstream error quoting the gateway\'s key reaches the client without it', async () => {
    const reply = surface.key === openai.key ? openai.errorReply(401, `Incorrect API key provided: ${surface.key}.`) : anthropic.errorReply(401, `invalid x-api-key ${surface.key}`)
    const result = await failing(reply)
    expect(result.status).toBeGreaterThanOrEqual(400)
    expect(result.error.message).toContain('[redacted]')
    expect(JSON.stringify(result.error)).not.toContain(surface.key)
  })
})

describe('native pass-through: error events inside a stream', () => {
  it('OpenAI Responses: a response.failed event quoting the key is passed on redacted', async () => {
    const failed = { type: 'response.failed', sequence_number: 1, response: { id: 'resp_1', status: 'failed', error: { code: 'server_error', message: `key ${openai.key} broke` } } }
    upstream.setHandler(() => ({ sse: [`event: response.created\ndata: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: { id: 'resp_1', status: 'in_progress' } })}\n\n`, `event: response.failed\ndata: ${JSON.stringify(failed)}\n\n`] }))
    const res = await surfaces[0]!.post(true)
    const text = await res.text()
    expect(text).toContain('key [redacted] broke')
    expect(text).not.toContain(openai.key)
  })

  it('Anthropic Messages: an error event after output, quoting the key, is passed on redacted', async () => {
    const start = anthropic.stream().slice(0, 3)
    const error = { type: 'error', error: { type: 'overloaded_error', message: `overloaded for ${anthropic.key}` } }
    upstream.setHandler(() => ({ sse: [...start, `event: error\ndata: ${JSON.stringify(error)}\n\n`] }))
    const res = await surfaces[1]!.post(true)
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('overloaded for [redacted]')
    expect(text).not.toContain(anthropic.key)
  })
})

describe('native count_tokens behind the upstream edge', () => {
  it('never follows a redirect, and redacts the upstream\'s error', async () => {
    const count = () => post('/v1/messages/count_tokens', { model: anthropic.model, messages: [{ role: 'user', content: 'hi' }] }, { 'anthropic-version': '2023-06-01' })
    upstream.setHandler(() => ({ status: 307, headers: { location: `${upstream.url}/redirected` }, text: '' }))
    const before = upstream.requests.length
    const redirected = await count()
    expect(redirected.status).toBe(502)
    expect(upstream.requests.slice(before).map((r) => r.path)).toEqual(['/v1/messages/count_tokens'])

    upstream.setHandler(() => anthropic.errorReply(401, `invalid x-api-key ${anthropic.key}`))
    const refused = await count()
    const text = await refused.text()
    expect(text).toContain('[redacted]')
    expect(text).not.toContain(anthropic.key)
  })
})
