import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProviderError } from '../../providers/types.js'
import { anthropicFrames, chatRequest, collect, startAnthropicHarness, UPSTREAM_KEY, type AnthropicHarness } from '../support/anthropic-harness.js'

const errorBody = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_011CTest' })

interface ErrorCase {
  name: string
  status: number
  headers?: Record<string, string>
  body: unknown
  expected: Partial<ProviderError> & { message: string }
}

const cases: ErrorCase[] = [
  {
    name: '429 rate_limit_error with retry-after',
    status: 429,
    headers: { 'retry-after': '7' },
    body: errorBody('rate_limit_error', 'This request would exceed the rate limit for your organization of 50 requests per minute.'),
    expected: {
      status: 429, code: 'rate_limit_exceeded', retryable: true, retryAfterMs: 7000,
      message: 'anthropic: This request would exceed the rate limit for your organization of 50 requests per minute.',
    },
  },
  {
    name: '529 overloaded_error → 503, retryable',
    status: 529,
    body: errorBody('overloaded_error', 'Overloaded'),
    expected: { status: 503, code: 'upstream_error', retryable: true, retryAfterMs: undefined, message: 'anthropic: Overloaded' },
  },
  {
    name: '500 api_error, retryable',
    status: 500,
    body: errorBody('api_error', 'Internal server error'),
    expected: { status: 500, code: 'upstream_error', retryable: true, message: 'anthropic: Internal server error' },
  },
  {
    name: '401 authentication_error, not retryable',
    status: 401,
    body: errorBody('authentication_error', 'invalid x-api-key'),
    expected: { status: 401, code: 'authentication_error', retryable: false, message: 'anthropic: invalid x-api-key' },
  },
  {
    name: '403 permission_error',
    status: 403,
    body: errorBody('permission_error', 'Your API key does not have permission to use the specified resource.'),
    expected: { status: 403, code: 'permission_denied', retryable: false, message: 'anthropic: Your API key does not have permission to use the specified resource.' },
  },
  {
    name: '404 not_found_error → model_not_found',
    status: 404,
    body: errorBody('not_found_error', 'model: claude-nope'),
    expected: { status: 404, code: 'model_not_found', retryable: false, message: 'anthropic: model: claude-nope' },
  },
  {
    name: '400 invalid_request_error',
    status: 400,
    body: errorBody('invalid_request_error', 'messages: roles must alternate between "user" and "assistant"'),
    expected: { status: 400, code: 'invalid_request_error', retryable: false, message: 'anthropic: messages: roles must alternate between "user" and "assistant"' },
  },
  {
    name: '400 prompt too long → context_length_exceeded',
    status: 400,
    body: errorBody('invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum'),
    expected: { status: 400, code: 'context_length_exceeded', retryable: false, message: 'anthropic: prompt is too long: 208310 tokens > 200000 maximum' },
  },
]

describe('Anthropic adapter: error mapping', () => {
  let h: AnthropicHarness
  beforeAll(async () => {
    h = await startAnthropicHarness()
  })
  afterAll(() => h.close())

  it.each(cases)('$name (chat)', async ({ status, headers, body, expected }) => {
    h.upstream.setHandler(() => ({ status, headers, json: body }))
    const err = await h.provider.chat(chatRequest(), h.ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(err).toMatchObject({ provider: 'anthropic', ...expected })
    expect((err as Error).message).not.toContain(UPSTREAM_KEY)
  })

  it.each(cases)('$name (stream: the call rejects before any chunk)', async ({ status, headers, body, expected }) => {
    h.upstream.setHandler(() => ({ status, headers, json: body }))
    const err = await h.provider.chatStream(chatRequest({ stream: true }), h.ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(err).toMatchObject(expected)
  })

  it('an `error` event as the first event rejects the call (retryable)', async () => {
    const event = errorBody('overloaded_error', 'Overloaded')
    h.upstream.setHandler(() => ({ sse: [`event: error\ndata: ${JSON.stringify(event)}\n\n`] }))
    const err = await h.provider.chatStream(chatRequest({ stream: true }), h.ctx()).catch((e: unknown) => e)
    expect(err).toMatchObject({ status: 503, code: 'upstream_error', retryable: true, message: 'anthropic: Overloaded' })
  })

  it('an `error` event mid-stream ends the iteration with a ProviderError after the output so far', async () => {
    const frames = anthropicFrames('sdk-basic_response.sse').slice(0, 5)
    frames.push(`event: error\ndata: ${JSON.stringify(errorBody('overloaded_error', 'Overloaded'))}\n\n`)
    h.upstream.setHandler(() => ({ sse: frames }))
    const stream = await h.provider.chatStream(chatRequest({ stream: true }), h.ctx())
    const seen: string[] = []
    const err = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '')
    })().catch((e: unknown) => e)
    expect(seen).toEqual(['', 'Hello', ' there'])
    expect(err).toBeInstanceOf(ProviderError)
    expect(err).toMatchObject({ status: 503, code: 'upstream_error', retryable: true })
  })

  it('a stream cut before message_delta ends with an upstream_error, not silently', async () => {
    h.upstream.setHandler(() => ({ sse: anthropicFrames('sdk-basic_response.sse'), failAfterFrames: 4 }))
    // Whether the cut lands before the first event (the call rejects) or after it (the iteration throws)
    // depends on socket timing; either way it is a retryable ProviderError, never a silent end.
    const err = await h.provider.chatStream(chatRequest({ stream: true }), h.ctx()).then(collect).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(err).toMatchObject({ status: 502, retryable: true })
  })

  it('a stream that ends cleanly but before message_stop throws instead of ending silently', async () => {
    h.upstream.setHandler(() => ({ sse: anthropicFrames('sdk-basic_response.sse').slice(0, 5) }))
    const stream = await h.provider.chatStream(chatRequest({ stream: true }), h.ctx())
    const err = await collect(stream).catch((e: unknown) => e)
    expect(err).toMatchObject({ status: 502, code: 'upstream_error', retryable: true, message: 'anthropic: the stream ended before the answer did' })
  })

  it('an unreachable upstream → connection_error, retryable', async () => {
    const ctx = { ...h.ctx(), baseURL: 'http://127.0.0.1:1' }
    const err = await h.provider.chat(chatRequest(), ctx).catch((e: unknown) => e)
    expect(err).toMatchObject({ status: 502, code: 'connection_error', retryable: true })
  })
})
