import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProviderError, type ChatCompletion } from '../../providers/types.js'
import { fixtureJson } from '../support/fixtures.js'
import { validateSchema } from '../support/openapi-validate.js'
import {
  assemble, chatRequest, collect, FIXED_CREATED, GEMINI_KEY, geminiFrames, geminiUsage, startGeminiHarness, type GeminiHarness,
} from '../support/gemini-harness.js'

const STRAWBERRY_THINKING_START = '**Calculating the Days**'

describe('Gemini adapter: recorded unary responses', () => {
  let h: GeminiHarness
  beforeAll(async () => {
    h = await startGeminiHarness()
  })
  afterAll(() => h.close())

  async function replay(fixture: string): Promise<ChatCompletion> {
    h.reset()
    h.upstream.setHandler(() => ({ json: fixtureJson(`gemini/${fixture}`) }))
    const completion = await h.provider.chat(chatRequest(), h.ctx())
    expect(validateSchema('CreateChatCompletionResponse', completion)).toEqual([])
    expect(h.upstream.requests.at(-1)!.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent')
    return completion
  }

  it('firebase-unary-success-basic-reply-short.json: text, STOP → stop, usage, model from modelVersion', async () => {
    expect(await replay('firebase-unary-success-basic-reply-short.json')).toEqual({
      id: 'chatcmpl-id1',
      object: 'chat.completion',
      created: FIXED_CREATED,
      model: 'gemini-2.0-flash',
      choices: [{
        index: 0,
        message: { role: 'assistant', content: "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n", refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      }],
      usage: geminiUsage(7, 22),
    })
  })

  it('firebase-unary-failure-finish-reason-safety.json: SAFETY → content_filter, partial text kept', async () => {
    const completion = await replay('firebase-unary-failure-finish-reason-safety.json')
    expect(completion.choices).toEqual([{
      index: 0,
      message: { role: 'assistant', content: 'Safety error incoming in 5, 4, 3, 2...', refusal: null },
      logprobs: null,
      finish_reason: 'content_filter',
    }])
    expect(completion.usage).toEqual(geminiUsage(7, 20))
  })

  it('firebase-unary-success-thinking-function-call-…json: thought → reasoning_content, call → tool_calls', async () => {
    const fixture = fixtureJson<{ candidates: Array<{ content: { parts: Array<{ text?: string; thoughtSignature?: string }> } }> }>(
      'gemini/firebase-unary-success-thinking-function-call-thought-summary-signature.json')
    const thought = fixture.candidates[0]!.content.parts[0]!.text!
    const signature = fixture.candidates[0]!.content.parts[1]!.thoughtSignature!
    const completion = await replay('firebase-unary-success-thinking-function-call-thought-summary-signature.json')
    expect(thought.startsWith("**Thinking Through the New Year's Eve Calculation**")).toBe(true)
    expect(completion).toEqual({
      id: 'chatcmpl-38CHaLjMG6TujrEPtvTiuQk',
      object: 'chat.completion',
      created: FIXED_CREATED,
      model: 'gemini-2.5-pro',
      choices: [{
        index: 0,
        message: {
          role: 'assistant', content: null, refusal: null, reasoning_content: thought,
          tool_calls: [{ id: 'call_id1', type: 'function', function: { name: 'now', arguments: '{}' }, extra_content: { google: { thought_signature: signature } } }],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      }],
      usage: geminiUsage(38, 8 + 501, 501),
    })
  })

  it('vercel-google-text.json: text with a signature, thoughts counted as reasoning tokens', async () => {
    const completion = await replay('vercel-google-text.json')
    expect(completion.id).toBe('chatcmpl-Un6LacrVMcjUxs0PmJfWoQc')
    expect(completion.model).toBe('gemini-3-pro-preview')
    expect(completion.choices[0]!.message).toEqual({
      role: 'assistant', content: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.", refusal: null,
    })
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    expect(completion.usage).toEqual(geminiUsage(9, 28 + 244, 244))
  })

  it('vercel-google-tool-call.json: one call with arguments, STOP → tool_calls', async () => {
    const completion = await replay('vercel-google-tool-call.json')
    const message = completion.choices[0]!.message
    expect(message.content).toBeNull()
    expect(message.tool_calls).toHaveLength(1)
    const call = message.tool_calls![0]!
    expect(call.type === 'function' && call.function.name).toBe('weather')
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ location: 'San Francisco' })
    expect(call.id).toMatch(/^call_/)
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
    expect(completion.usage).toEqual(geminiUsage(29, 15 + 893, 893))
  })
})

describe('Gemini adapter: recorded error bodies', () => {
  let h: GeminiHarness
  beforeAll(async () => {
    h = await startGeminiHarness()
  })
  afterAll(() => h.close())

  async function failure(fixture: string, status: number, stream = false): Promise<ProviderError> {
    h.upstream.setHandler(() => ({ status, json: fixtureJson(`gemini/${fixture}`) }))
    const call = stream ? h.provider.chatStream(chatRequest(), h.ctx()) : h.provider.chat(chatRequest(), h.ctx())
    const err = await call.then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    return err as ProviderError
  }

  for (const stream of [false, true]) {
    it(`firebase-unary-failure-api-key.json → 401 authentication_error, the key quoted in details never leaks (stream=${stream})`, async () => {
      const err = await failure('firebase-unary-failure-api-key.json', 400, stream)
      expect({ status: err.status, code: err.code, retryable: err.retryable, message: err.message, retryAfterMs: err.retryAfterMs }).toEqual({
        status: 401, code: 'authentication_error', retryable: false, message: 'gemini: API key not valid. Please pass a valid API key.', retryAfterMs: undefined,
      })
      expect(JSON.stringify({ ...err, message: err.message })).not.toContain('key1234')
      expect(h.upstream.requests.at(-1)!.headers['x-goog-api-key']).toBe(GEMINI_KEY)
    })

    it(`firebase-unary-failure-unknown-model.json → 404 model_not_found (stream=${stream})`, async () => {
      const err = await failure('firebase-unary-failure-unknown-model.json', 404, stream)
      expect([err.status, err.code, err.retryable]).toEqual([404, 'model_not_found', false])
      expect(err.message).toBe('gemini: models/gemini-5.0-flash is not found for API version v1, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.')
    })

    it(`vercel-google-429-retry-info.json → 429, retryable, retryAfterMs from RetryInfo (stream=${stream})`, async () => {
      const err = await failure('vercel-google-429-retry-info.json', 429, stream)
      expect({ status: err.status, code: err.code, retryable: err.retryable, retryAfterMs: err.retryAfterMs, message: err.message }).toEqual({
        status: 429, code: 'rate_limit_exceeded', retryable: true, retryAfterMs: 34_400, message: 'gemini: You exceeded your current quota, please check your plan.',
      })
    })
  }

  it('a 503 UNAVAILABLE is a retryable upstream_error; no SDK retry happens', async () => {
    const before = h.upstream.requests.length
    const err = await failure('vercel-google-429-retry-info.json', 503)
    expect([err.status, err.code, err.retryable]).toEqual([503, 'rate_limit_exceeded', true].map((v, i) => (i === 1 ? 'upstream_error' : v)))
    expect(h.upstream.requests.length - before).toBe(1)
  })

  it('a context-length 400 is context_length_exceeded', async () => {
    h.upstream.setHandler(() => ({ status: 400, json: { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).' } } }))
    const err = await h.provider.chat(chatRequest(), h.ctx()).then(() => undefined, (e: unknown) => e as ProviderError)
    expect([err?.status, err?.code]).toEqual([400, 'context_length_exceeded'])
  })

  it('an error event inside a 200 stream ends the stream with the mapped error', async () => {
    h.upstream.setHandler(() => ({
      sse: [
        'data: {"candidates": [{"content": {"parts": [{"text": "Hel"}],"role": "model"}}]}\r\n\r\n',
        'data: {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}\r\n\r\n',
      ],
    }))
    const stream = await h.provider.chatStream(chatRequest(), h.ctx())
    const seen: string[] = []
    const err = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '')
    })().then(() => undefined, (e: unknown) => e as ProviderError)
    expect(seen.join('')).toBe('Hel')
    expect([err?.status, err?.code, err?.retryable, err?.message]).toEqual([503, 'upstream_error', true, 'gemini: The model is overloaded.'])
  })
})

describe('Gemini adapter: recorded streams', () => {
  let h: GeminiHarness
  beforeAll(async () => {
    h = await startGeminiHarness()
  })
  afterAll(() => h.close())

  async function replay(fixture: string) {
    h.reset()
    h.upstream.setHandler(() => ({ sse: geminiFrames(fixture) }))
    const chunks = await collect(await h.provider.chatStream(chatRequest(), h.ctx()))
    expect(h.upstream.requests.at(-1)!.path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse')
    const out = assemble(chunks)
    expect(out.firstDelta).toEqual({ role: 'assistant', content: '' })
    expect(out.ids.size).toBe(1)
    expect(chunks.every((c) => c.created === FIXED_CREATED && c.object === 'chat.completion.chunk')).toBe(true)
    return { chunks, ...out }
  }

  it('firebase-streaming-success-basic-reply-short.txt', async () => {
    const out = await replay('firebase-streaming-success-basic-reply-short.txt')
    expect(out.content).toBe('The capital of Wyoming is **Cheyenne**.\n')
    expect(out.finishReasons).toEqual(['stop'])
    expect(out.toolCalls).toEqual([])
    expect(out.usageChunk).toEqual(geminiUsage(7, 10))
    expect([...out.models]).toEqual(['gemini-2.0-flash'])
    expect(out.chunks).toHaveLength(1 + 3 + 1 + 1) // role, three deltas, finish, usage
  })

  it('firebase-streaming-success-basic-reply-long.txt', async () => {
    const out = await replay('firebase-streaming-success-basic-reply-long.txt')
    expect(out.content.startsWith("Okay, let's dive into the world of cats and dogs!")).toBe(true)
    expect(out.content.endsWith('training techniques, or health conditions.\n')).toBe(true)
    expect(out.finishReasons).toEqual(['stop'])
    expect(out.usageChunk).toEqual(geminiUsage(10, 1996))
  })

  it('firebase-streaming-failure-prompt-blocked-safety.txt: blocked prompt → refusal + content_filter', async () => {
    const out = await replay('firebase-streaming-failure-prompt-blocked-safety.txt')
    expect(out.content).toBe('')
    expect(out.refusal).toBe('The prompt was blocked by Gemini (SAFETY).')
    expect(out.finishReasons).toEqual(['content_filter'])
    expect(out.usageChunk).toEqual(geminiUsage(0, 0))
  })

  it('firebase-streaming-success-thinking-function-call-….txt: thoughts, then one whole call', async () => {
    const out = await replay('firebase-streaming-success-thinking-function-call-thought-summary-signature.txt')
    expect(out.reasoning.startsWith(STRAWBERRY_THINKING_START)).toBe(true)
    expect(out.reasoning).toContain('**Determining the Approach**')
    expect(out.content).toBe('')
    expect(out.toolCalls).toEqual([{ index: 0, id: 'call_id1', name: 'now', args: {} }])
    expect(out.finishReasons).toEqual(['tool_calls'])
    expect(out.usageChunk).toEqual(geminiUsage(38, 6 + 168, 168))
    expect([...out.ids]).toEqual(['chatcmpl-48SHaPHpHKbG-8YPtZCawAk'])
  })

  it('vercel-google-text.chunks.txt: an empty text part with only a signature adds nothing', async () => {
    const out = await replay('vercel-google-text.chunks.txt')
    expect(out.content).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y')
    expect(out.finishReasons).toEqual(['stop'])
    expect(out.usageChunk).toEqual(geminiUsage(9, 23 + 185, 185))
  })

  it('vercel-google-tool-call.chunks.txt: the whole call in one chunk with full arguments', async () => {
    const out = await replay('vercel-google-tool-call.chunks.txt')
    expect(out.toolCalls).toEqual([{ index: 0, id: 'call_id1', name: 'weather', args: { location: 'San Francisco' } }])
    const callChunk = out.chunks.find((c) => c.choices[0]?.delta.tool_calls)!
    expect(callChunk.choices[0]!.delta.tool_calls![0]).toMatchObject({ index: 0, id: 'call_id1', type: 'function', function: { name: 'weather', arguments: '{"location":"San Francisco"}' } })
    expect(out.finishReasons).toEqual(['tool_calls'])
    expect(out.usageChunk).toEqual(geminiUsage(29, 15 + 45, 45))
  })

  it('vercel-google-stream-tool-call-arguments.chunks.txt: streamed partial arguments rebuilt into two calls', async () => {
    const out = await replay('vercel-google-stream-tool-call-arguments.chunks.txt')
    expect(out.toolCalls).toEqual([
      { index: 0, id: 'call_id1', name: 'getWeather', args: { location: 'Boston' } },
      { index: 1, id: 'call_id2', name: 'getWeather', args: { location: 'San Francisco' } },
    ])
    expect(out.finishReasons).toEqual(['tool_calls'])
    expect(out.usageChunk).toEqual(geminiUsage(26, 23 + 132, 132))
  })
})
