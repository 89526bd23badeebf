import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatCompletionChunk } from 'openai/resources'
import { FIXTURES_DIR, fixtureJson, fixtureText } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { sseFromChunkLines, sseFromRaw, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { postChat, postChatStream } from '../support/chat-through-gateway.js'
import { parseSseBody } from '../support/sse-parse.js'
import { validateSchema } from '../support/openapi-validate.js'

type Json = Record<string, unknown>

/** The chunks a recorded stream holds, in order. */
function recordedChunks(file: string): Json[] {
  const text = fixtureText(file)
  const frames = file.endsWith('.sse') ? sseFromRaw(text) : sseFromChunkLines(text)
  return parseSseBody(frames.join('')).events as Json[]
}

function framesOf(file: string): string[] {
  const text = fixtureText(file)
  return file.endsWith('.sse') ? sseFromRaw(text) : sseFromChunkLines(text)
}

/** The usage chunk's cost is the gateway's own addition (tested in metering); the rest is compared exactly. */
function withoutCost(chunks: ChatCompletionChunk[]): Json[] {
  return chunks.map((chunk) => {
    if (!chunk.usage) return chunk as unknown as Json
    const { cost_usd: cost, ...usage } = chunk.usage as unknown as Json
    expect(cost === null || typeof cost === 'number').toBe(true)
    return { ...chunk, usage } as Json
  })
}

function expectValidChunks(chunks: unknown[]): void {
  for (const chunk of chunks) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
}

/** A chunk that carried usage beside its choices, as OpenAI sends it: the chunk alone, then a usage-only chunk. */
function split(chunk: Json, usage: Json): Json[] {
  const { usage: _usage, ...rest } = chunk
  const usageChunk: Json = { id: chunk.id, object: chunk.object, created: chunk.created, model: chunk.model }
  if (chunk.system_fingerprint !== undefined) usageChunk.system_fingerprint = chunk.system_fingerprint
  return [rest, { ...usageChunk, choices: [], usage }]
}

const openaiStreams = readdirSync(join(FIXTURES_DIR, 'openai')).filter((f) => f.endsWith('.sse') || f.endsWith('.chunks.txt')).map((f) => `openai/${f}`)
const openaiBodies = readdirSync(join(FIXTURES_DIR, 'openai')).filter((f) => f.endsWith('.json') && !f.includes('embedding')).map((f) => `openai/${f}`)

describe('OpenAI and OpenAI-compatible recordings replayed through the gateway', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream()
    gw = await startTestGateway({
      env: { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1` },
      file: { providers: { compat: { type: 'openai-compatible', base_url: `${upstream.url}/v1` } } },
    })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  describe.each(['openai', 'compat'])('valid OpenAI passes unchanged through %s', (provider) => {
    it.each(openaiStreams)('%s', async (file) => {
      upstream.setHandler(() => ({ sse: framesOf(file) }))
      const res = await postChatStream(gw, { model: `${provider}/gpt-4o`, messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } })
      expect(res.status).toBe(200)
      expect(res.done).toBe(true)
      expect(withoutCost(res.chunks)).toEqual(recordedChunks(file))
      expectValidChunks(res.chunks)
    })

    it.each(openaiBodies)('%s', async (file) => {
      const recorded = fixtureJson(file)
      upstream.setHandler(() => ({ json: recorded }))
      const res = await postChat(gw, { model: `${provider}/gpt-4o`, messages: [{ role: 'user', content: 'x' }] })
      expect(res.body).toEqual(recorded)
      expect(validateSchema('CreateChatCompletionResponse', res.body)).toEqual([])
    })
  })

  async function replayStream(file: string): Promise<ChatCompletionChunk[]> {
    upstream.setHandler(() => ({ sse: framesOf(file) }))
    const res = await postChatStream(gw, { model: 'compat/m', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } })
    expect(res.status).toBe(200)
    expect(res.done).toBe(true)
    expectValidChunks(res.chunks)
    return res.chunks
  }

  async function replayJson(file: string): Promise<Json> {
    upstream.setHandler(() => ({ json: fixtureJson(file) }))
    const res = await postChat(gw, { model: 'compat/m', messages: [{ role: 'user', content: 'x' }] })
    expect(res.status).toBe(200)
    expect(validateSchema('CreateChatCompletionResponse', res.body)).toEqual([])
    return res.body as Json
  }

  it('vercel-deepseek-tool-call.chunks.txt: usage moves from the finish chunk to its own chunk', async () => {
    const chunks = await replayStream('openai-compatible/vercel-deepseek-tool-call.chunks.txt')
    const input = recordedChunks('openai-compatible/vercel-deepseek-tool-call.chunks.txt')
    expect(withoutCost(chunks)).toEqual([
      ...input.slice(0, -1),
      ...split(input.at(-1)!, { prompt_tokens: 339, completion_tokens: 83, total_tokens: 422, prompt_tokens_details: { cached_tokens: 320 }, completion_tokens_details: { reasoning_tokens: 39 } }),
    ])
  })

  it.each(['vercel-groq-text.chunks.txt', 'vercel-groq-tool-call.chunks.txt'])('%s: Groq usage in its own chunk, without Groq timings', async (name) => {
    const chunks = await replayStream(`openai-compatible/${name}`)
    const input = recordedChunks(`openai-compatible/${name}`)
    const last = input.at(-1)! as { usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } }
    const { prompt_tokens, completion_tokens, total_tokens } = last.usage
    expect(withoutCost(chunks)).toEqual([...input.slice(0, -1), ...split(input.at(-1)!, { prompt_tokens, completion_tokens, total_tokens })])
  })

  it('vercel-xai-tool-call.chunks.txt: finish_reason on every choice, reasoning counted as completion tokens', async () => {
    const chunks = await replayStream('openai-compatible/vercel-xai-tool-call.chunks.txt')
    const input = recordedChunks('openai-compatible/vercel-xai-tool-call.chunks.txt')
    const withFinish = input.slice(0, -1).map((chunk) => ({
      ...chunk,
      choices: (chunk.choices as Json[]).map((choice) => ({ finish_reason: null, ...choice })),
    }))
    const usageChunk = input.at(-1)! as Json & { usage: Json }
    expect(withoutCost(chunks)).toEqual([
      ...withFinish,
      {
        ...usageChunk,
        usage: {
          prompt_tokens: 307, completion_tokens: 253, total_tokens: 560,
          prompt_tokens_details: { text_tokens: 307, audio_tokens: 0, image_tokens: 0, cached_tokens: 306 },
          completion_tokens_details: { reasoning_tokens: 227, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        },
      },
    ])
  })

  it('vercel-mistral-tool-call.chunks.txt (Mistral\'s OpenAI-style wire): tool calls get index and type', async () => {
    const chunks = await replayStream('mistral/vercel-mistral-tool-call.chunks.txt')
    const input = recordedChunks('mistral/vercel-mistral-tool-call.chunks.txt')
    const [toolChunk, usageChunk] = split(input[1]!, { prompt_tokens: 124, completion_tokens: 22, total_tokens: 146 })
    expect(withoutCost(chunks)).toEqual([
      input[0],
      {
        ...toolChunk,
        choices: [{
          index: 0,
          delta: { content: null, tool_calls: [{ index: 0, id: 'gSIMJiOkT', type: 'function', function: { name: 'weather', arguments: '{"location": "San Francisco"}' } }] },
          finish_reason: 'tool_calls',
          logprobs: null,
        }],
      },
      usageChunk,
    ])
  })

  it('vercel-deepseek-tool-call.json: tool calls lose the stream-only index, usage its vendor fields', async () => {
    const recorded = fixtureJson<Json & { choices: Array<Json & { message: Json }> }>('openai-compatible/vercel-deepseek-tool-call.json')
    expect(await replayJson('openai-compatible/vercel-deepseek-tool-call.json')).toEqual({
      ...recorded,
      choices: [{
        ...recorded.choices[0],
        message: {
          ...recorded.choices[0]!.message,
          refusal: null,
          tool_calls: [{ id: 'call_00_9V0vrf86Pc9aelHCJMZqnJBo', type: 'function', function: { name: 'weather', arguments: '{"location": "San Francisco"}' } }],
        },
      }],
      usage: { prompt_tokens: 339, completion_tokens: 92, total_tokens: 431, prompt_tokens_details: { cached_tokens: 320 }, completion_tokens_details: { reasoning_tokens: 48 } },
    })
  })

  it('vercel-groq-tool-call.json: content and refusal null, Groq\'s own service tier dropped', async () => {
    const recorded = fixtureJson<Json & { choices: Array<Json & { message: Json }> }>('openai-compatible/vercel-groq-tool-call.json')
    const { service_tier: _tier, ...rest } = recorded
    expect(await replayJson('openai-compatible/vercel-groq-tool-call.json')).toEqual({
      ...rest,
      choices: [{ ...recorded.choices[0], message: { ...recorded.choices[0]!.message, content: null, refusal: null } }],
      usage: { prompt_tokens: 218, completion_tokens: 15, total_tokens: 233 },
    })
  })

  it('vercel-xai-tool-call.json: logprobs null, reasoning counted as completion tokens', async () => {
    const recorded = fixtureJson<Json & { choices: Json[]; usage: Json }>('openai-compatible/vercel-xai-tool-call.json')
    const { num_sources_used: _n, cost_in_usd_ticks: _c, ...usage } = recorded.usage
    expect(await replayJson('openai-compatible/vercel-xai-tool-call.json')).toEqual({
      ...recorded,
      choices: [{ ...recorded.choices[0], logprobs: null }],
      usage: { ...usage, completion_tokens: 281 },
    })
  })

  it('vercel-mistral-tool-call.json through a compatible provider: the tool call gets its type', async () => {
    const recorded = fixtureJson<Json & { choices: Array<Json & { message: Json }> }>('mistral/vercel-mistral-tool-call.json')
    expect(await replayJson('mistral/vercel-mistral-tool-call.json')).toEqual({
      ...recorded,
      choices: [{
        ...recorded.choices[0],
        logprobs: null,
        message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'gSIMJiOkT', type: 'function', function: { name: 'weather', arguments: '{"location": "San Francisco"}' } }] },
      }],
    })
  })
})
