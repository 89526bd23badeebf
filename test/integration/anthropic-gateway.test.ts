import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatCompletionChunk } from '../../providers/types.js'
import { fixtureJson } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { validateSchema } from '../support/openapi-validate.js'
import { anthropicFrames, assemble, type AssembledStream } from '../support/anthropic-harness.js'

const UPSTREAM_KEY = 'sk-ant-gateway-upstream-secret'
const usage = (prompt: number, completion: number) => ({
  prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
})

function chunksOf(sse: string): ChatCompletionChunk[] {
  return sse.split('\n\n').filter((frame) => frame.startsWith('data: ') && frame !== 'data: [DONE]')
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as ChatCompletionChunk)
}

describe('chat through the gateway to Anthropic (mock upstream)', () => {
  let upstream: MockUpstream
  let gw: TestGateway
  let key: string

  beforeAll(async () => {
    // Compiling the spec blocks the event loop for seconds; done first, it cannot outlast a keep-alive socket mid-test.
    for (const name of ['CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse', 'ErrorResponse'] as const) validateSchema(name, {})
    upstream = await startMockUpstream()
    gw = await startTestGateway({ env: { ANTHROPIC_API_KEY: UPSTREAM_KEY, ANTHROPIC_BASE_URL: upstream.url } })
    key = await gw.createKey()
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  const post = (body: Record<string, unknown>) => gw.request('/v1/chat/completions', {
    key, method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user', content: 'Hi' }], ...body }),
  })

  async function replayJson(fixture: string, extra: Record<string, unknown> = {}) {
    upstream.setHandler(() => ({ json: fixtureJson(`anthropic/${fixture}`) }))
    const res = await post(extra)
    const body = await res.json() as Record<string, unknown>
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(validateSchema('CreateChatCompletionResponse', body)).toEqual([])
    return body as { choices: Array<{ message: { content: string | null; refusal: string | null; tool_calls?: Array<{ function: { name: string; arguments: string } }> }; finish_reason: string }>; usage: unknown }
  }

  async function replayStream(fixture: string, extra: Record<string, unknown> = {}): Promise<{ chunks: ChatCompletionChunk[]; out: AssembledStream; text: string }> {
    upstream.setHandler(() => ({ sse: anthropicFrames(fixture) }))
    const res = await post({ stream: true, stream_options: { include_usage: true }, ...extra })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const text = await res.text()
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
    const chunks = chunksOf(text)
    for (const chunk of chunks) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
    return { chunks, out: assemble(chunks), text }
  }

  it('sends the translated request with the upstream key and model name', async () => {
    upstream.setHandler(() => ({ json: fixtureJson('anthropic/vercel-anthropic-text.json') }))
    const res = await post({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] })
    expect(res.status).toBe(200)
    const sent = upstream.requests.at(-1)!
    expect(sent.path).toBe('/v1/messages')
    expect(sent.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`)
    expect(sent.body).toEqual({ model: 'claude-sonnet-4-6', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }], stream: false })
  })

  it('vercel-anthropic-text.json → text, stop, usage', async () => {
    const body = await replayJson('vercel-anthropic-text.json')
    expect(body.choices[0]!.message.content).toBe("Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?")
    expect(body.choices[0]!.finish_reason).toBe('stop')
    expect(body.usage).toEqual(usage(12, 29))
  })

  it('vercel-anthropic-tool-no-args.json → a tool call with `{}` arguments', async () => {
    const body = await replayJson('vercel-anthropic-tool-no-args.json', { tools: [{ type: 'function', function: { name: 'updateIssueList' } }] })
    const call = body.choices[0]!.message.tool_calls![0]!
    expect(call.function.name).toBe('updateIssueList')
    expect(JSON.parse(call.function.arguments)).toEqual({})
    expect(body.choices[0]!.finish_reason).toBe('tool_calls')
    expect(body.usage).toEqual(usage(602, 93))
  })

  it('vercel-anthropic-json-tool.1.json with response_format json_object → JSON text', async () => {
    const body = await replayJson('vercel-anthropic-json-tool.1.json', { response_format: { type: 'json_object' } })
    expect(JSON.parse(body.choices[0]!.message.content!)).toMatchObject({ elements: expect.arrayContaining([{ location: 'London', temperature: 0, condition: 'snowy' }]) as unknown })
    expect(body.choices[0]!.finish_reason).toBe('stop')
    expect(body.usage).toEqual(usage(1151, 87))
  })

  it('vercel-anthropic-refusal.json → content_filter with the refusal', async () => {
    const body = await replayJson('vercel-anthropic-refusal.json')
    expect(body.choices[0]!.message).toMatchObject({ content: null, refusal: expect.stringContaining('cyber') as unknown })
    expect(body.choices[0]!.finish_reason).toBe('content_filter')
    expect(body.usage).toEqual(usage(18, 5))
  })

  const streams: Array<[string, Record<string, unknown>, Partial<AssembledStream>]> = [
    ['sdk-basic_response.sse', {}, { content: 'Hello there!', finishReason: 'stop', usage: usage(11, 6) }],
    ['sdk-tool_use_response.sse', {}, {
      content: "I'll check the current weather in Paris for you.", finishReason: 'tool_calls', usage: usage(377, 65),
      toolCalls: [{ id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', name: 'get_weather', arguments: '{"location": "Paris"}' }],
    }],
    ['sdk-incomplete_partial_json_response.sse', {}, { finishReason: 'length', usage: usage(450, 124) }],
    ['vercel-anthropic-text.chunks.txt', {}, {
      content: "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
      finishReason: 'stop', usage: usage(12, 30),
    }],
    ['vercel-anthropic-tool-no-args.chunks.txt', {}, {
      content: "I'll update the issue list for you.", finishReason: 'tool_calls', usage: usage(565, 48),
      toolCalls: [{ id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' }],
    }],
    ['vercel-anthropic-json-tool.1.chunks.txt', { response_format: { type: 'json_object' } }, {
      content: '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]}', toolCalls: [], finishReason: 'stop', usage: usage(849, 47),
    }],
    ['vercel-anthropic-message-delta-input-tokens.chunks.txt', {}, { content: 'pong', finishReason: 'stop', usage: usage(61, 2) }],
  ]

  it.each(streams)('stream %s', async (fixture, extra, expected) => {
    const { chunks, out } = await replayStream(fixture, extra)
    expect(out).toMatchObject(expected)
    for (const call of out.toolCalls) if (expected.toolCalls) expect(JSON.parse(call.arguments)).toEqual(JSON.parse(expected.toolCalls.find((c) => c.id === call.id)!.arguments))
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant')
    expect(chunks.at(-1)!.choices).toEqual([])
  })

  it('drops the usage chunk when the client did not ask for it', async () => {
    upstream.setHandler(() => ({ sse: anthropicFrames('sdk-basic_response.sse') }))
    const res = await post({ stream: true })
    const chunks = chunksOf(await res.text())
    expect(chunks.every((c) => c.usage == null)).toBe(true)
    expect(assemble(chunks).content).toBe('Hello there!')
  })

  const errors: Array<[string, number, Record<string, string>, unknown, number, Record<string, unknown>]> = [
    ['429 with retry-after', 429, { 'retry-after': '3' }, { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } }, 429,
      { type: 'rate_limit_error', code: 'rate_limit_exceeded' }],
    ['529 overloaded', 529, {}, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 503, { type: 'upstream_error', code: 'upstream_error' }],
    ['401 bad upstream key', 401, {}, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }, 502,
      { type: 'upstream_auth_error', code: 'authentication_error' }],
    ['400 invalid request', 400, {}, { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: too large' } }, 400,
      { type: 'invalid_request_error', code: 'invalid_request_error' }],
  ]

  it.each(errors)('upstream %s → OpenAI error shape', async (_name, status, headers, body, clientStatus, fields) => {
    upstream.setHandler(() => ({ status, headers, json: body }))
    const res = await post({})
    expect(res.status).toBe(clientStatus)
    const error = await res.json()
    expect(validateSchema('ErrorResponse', error)).toEqual([])
    expect((error as { error: Record<string, unknown> }).error).toMatchObject(fields)
    expect(JSON.stringify(error)).not.toContain(UPSTREAM_KEY)
    expect(res.headers.get('retry-after')).toBe(headers['retry-after'] ?? null)
  })

  it('an unsupported parameter → 400 naming it, with no upstream call', async () => {
    const before = upstream.requests.length
    const res = await post({ temperature: 0.3 })
    expect(res.status).toBe(400)
    const error = await res.json() as { error: Record<string, unknown> }
    expect(validateSchema('ErrorResponse', error)).toEqual([])
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_parameter', param: 'temperature' })
    expect(upstream.requests.length).toBe(before)
  })
})
