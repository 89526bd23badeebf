import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatCompletion } from '../../providers/types.js'
import { fixtureJson } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { assemble, chunksFromSse, GEMINI_KEY, geminiFrames, geminiUsage } from '../support/gemini-harness.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { validateSchema } from '../support/openapi-validate.js'

type ToolCallOut = { name: string; args: unknown }
interface Expected { content: string | null; toolCalls: ToolCallOut[]; finish: string; usage: ReturnType<typeof geminiUsage>; refusal?: string }

const unary: Record<string, Expected> = {
  'firebase-unary-success-basic-reply-short.json': { content: "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n", toolCalls: [], finish: 'stop', usage: geminiUsage(7, 22) },
  'firebase-unary-failure-finish-reason-safety.json': { content: 'Safety error incoming in 5, 4, 3, 2...', toolCalls: [], finish: 'content_filter', usage: geminiUsage(7, 20) },
  'firebase-unary-success-thinking-function-call-thought-summary-signature.json': { content: null, toolCalls: [{ name: 'now', args: {} }], finish: 'tool_calls', usage: geminiUsage(38, 509, 501) },
  'vercel-google-text.json': { content: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.", toolCalls: [], finish: 'stop', usage: geminiUsage(9, 272, 244) },
  'vercel-google-tool-call.json': { content: null, toolCalls: [{ name: 'weather', args: { location: 'San Francisco' } }], finish: 'tool_calls', usage: geminiUsage(29, 908, 893) },
}

const streams: Record<string, Expected> = {
  'firebase-streaming-success-basic-reply-short.txt': { content: 'The capital of Wyoming is **Cheyenne**.\n', toolCalls: [], finish: 'stop', usage: geminiUsage(7, 10) },
  'firebase-streaming-failure-prompt-blocked-safety.txt': { content: '', toolCalls: [], finish: 'content_filter', usage: geminiUsage(0, 0), refusal: 'The prompt was blocked by Gemini (SAFETY).' },
  'firebase-streaming-success-thinking-function-call-thought-summary-signature.txt': { content: '', toolCalls: [{ name: 'now', args: {} }], finish: 'tool_calls', usage: geminiUsage(38, 174, 168) },
  'vercel-google-text.chunks.txt': { content: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y', toolCalls: [], finish: 'stop', usage: geminiUsage(9, 208, 185) },
  'vercel-google-tool-call.chunks.txt': { content: '', toolCalls: [{ name: 'weather', args: { location: 'San Francisco' } }], finish: 'tool_calls', usage: geminiUsage(29, 60, 45) },
  'vercel-google-stream-tool-call-arguments.chunks.txt': { content: '', toolCalls: [{ name: 'getWeather', args: { location: 'Boston' } }, { name: 'getWeather', args: { location: 'San Francisco' } }], finish: 'tool_calls', usage: geminiUsage(26, 155, 132) },
}

describe('Gemini behind the gateway: every recorded fixture', () => {
  let upstream: MockUpstream
  let gw: TestGateway
  beforeAll(async () => {
    upstream = await startMockUpstream()
    gw = await startTestGateway({ env: { GEMINI_API_KEY: GEMINI_KEY, GEMINI_BASE_URL: upstream.url } })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  const post = (body: Record<string, unknown>) => gw.request('/v1/chat/completions', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini/gemini-2.0-flash', messages: [{ role: 'user', content: 'hi' }], ...body }),
  })

  for (const [fixture, expected] of Object.entries(unary)) {
    it(`${fixture} (non-streaming)`, async () => {
      upstream.setHandler(() => ({ json: fixtureJson(`gemini/${fixture}`) }))
      const res = await post({})
      expect(res.status).toBe(200)
      const completion = await res.json() as ChatCompletion
      expect(validateSchema('CreateChatCompletionResponse', completion)).toEqual([])
      const message = completion.choices[0]!.message
      expect(message.content).toBe(expected.content)
      expect((message.tool_calls ?? []).map((c) => (c.type === 'function' ? { name: c.function.name, args: JSON.parse(c.function.arguments) as unknown } : null))).toEqual(expected.toolCalls)
      expect(completion.choices[0]!.finish_reason).toBe(expected.finish)
      expect(completion.usage).toEqual(expected.usage)
      const sent = upstream.requests.at(-1)!
      expect(sent.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent')
      expect(sent.headers['x-goog-api-key']).toBe(GEMINI_KEY)
    })
  }

  for (const [fixture, expected] of Object.entries(streams)) {
    it(`${fixture} (streaming, usage asked for)`, async () => {
      upstream.setHandler(() => ({ sse: geminiFrames(fixture) }))
      const res = await post({ stream: true, stream_options: { include_usage: true } })
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
      const out = assemble(chunksFromSse(text))
      expect(out.firstDelta?.role).toBe('assistant')
      expect(out.content).toBe(expected.content)
      expect(out.refusal).toBe(expected.refusal ?? '')
      expect(out.toolCalls.map(({ name, args }) => ({ name, args }))).toEqual(expected.toolCalls)
      expect(out.toolCalls.map((c) => c.index)).toEqual(expected.toolCalls.map((_, i) => i))
      expect(out.finishReasons).toEqual([expected.finish])
      // The gateway adds its own cost_usd to the usage chunk; the rest is the adapter's translation.
      const { cost_usd: _cost, ...usage } = out.usageChunk as NonNullable<typeof out.usageChunk> & { cost_usd?: number }
      expect(usage).toEqual(expected.usage)
      expect(upstream.requests.at(-1)!.path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse')
    })
  }

  it('a stream without include_usage has no usage chunk', async () => {
    upstream.setHandler(() => ({ sse: geminiFrames('firebase-streaming-success-basic-reply-short.txt') }))
    const text = await (await post({ stream: true })).text()
    expect(text).not.toContain('"usage"')
    expect(assemble(chunksFromSse(text)).content).toBe('The capital of Wyoming is **Cheyenne**.\n')
  })

  const errors: Array<[string, number, number, string, string, string | null]> = [
    // fixture, upstream status, client status, type, code, retry-after
    ['firebase-unary-failure-api-key.json', 400, 502, 'upstream_auth_error', 'authentication_error', null],
    ['firebase-unary-failure-unknown-model.json', 404, 404, 'invalid_request_error', 'model_not_found', null],
    ['vercel-google-429-retry-info.json', 429, 429, 'rate_limit_error', 'rate_limit_exceeded', '35'],
  ]
  for (const [fixture, upstreamStatus, status, type, code, retryAfter] of errors) {
    for (const stream of [false, true]) {
      it(`${fixture} → ${status} ${code} (stream=${stream})`, async () => {
        upstream.setHandler(() => ({ status: upstreamStatus, json: fixtureJson(`gemini/${fixture}`) }))
        const res = await post({ stream })
        expect(res.status).toBe(status)
        expect(res.headers.get('retry-after')).toBe(retryAfter)
        const body = await res.json() as { error: { type: string; code: string; message: string } }
        expect(validateSchema('ErrorResponse', body)).toEqual([])
        expect([body.error.type, body.error.code]).toEqual([type, code])
        expect(JSON.stringify(body)).not.toContain('key1234')
        expect(JSON.stringify(body)).not.toContain(GEMINI_KEY)
      })
    }
  }
})
