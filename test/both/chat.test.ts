import { beforeAll, describe, expect, it } from 'vitest'
import anthropicJson from '../fixtures/anthropic/vercel-anthropic-text.json' with { type: 'json' }
import groqChunks from '../fixtures/openai-compatible/vercel-groq-text.chunks.txt?raw'
import deepseekJson from '../fixtures/openai-compatible/vercel-deepseek-tool-call.json' with { type: 'json' }
import geminiJson from '../fixtures/gemini/vercel-google-text.json' with { type: 'json' }
import mistralChunks from '../fixtures/mistral/vercel-mistral-text.chunks.txt?raw'
import mistralJson from '../fixtures/mistral/vercel-mistral-text.json' with { type: 'json' }
import openaiChunks from '../fixtures/openai/vercel-openai-text.chunks.txt?raw'
import openaiJson from '../fixtures/openai/vercel-openai-text.json' with { type: 'json' }
import { gateway } from './harness.js'

interface Completion {
  model: string
  choices: Array<{ message: { content: string | null; tool_calls?: Array<{ function: { name: string; arguments: string } }> }; finish_reason: string }>
  usage: { prompt_tokens: number; completion_tokens: number }
}
interface Chunk { choices: Array<{ delta: { content?: string } }>; usage?: { prompt_tokens: number; completion_tokens: number; cost_usd?: number } | null }

/** The text of an OpenAI-shaped recorded stream (one chunk a line). */
const streamedText = (lines: string) => lines.split('\n').filter(Boolean)
  .map((line) => (JSON.parse(line) as Chunk).choices[0]?.delta.content ?? '').join('')

interface ProviderCase {
  provider: string
  model: string
  /** The upstream endpoint the call reaches, non-streaming and streaming. */
  path: RegExp
  streamPath: RegExp
  json: (body: Completion) => void
  promptTokens: number
  /** When the recorded stream is another recording than the JSON answer. */
  streamPromptTokens?: number
  streamText: string
}

const providers: ProviderCase[] = [
  {
    provider: 'openai', model: 'openai/gpt-4o-mini', path: /^\/v1\/chat\/completions$/, streamPath: /^\/v1\/chat\/completions$/,
    json: (body) => expect(body).toEqual(openaiJson), promptTokens: openaiJson.usage.prompt_tokens, streamText: streamedText(openaiChunks),
  },
  {
    provider: 'compat', model: 'compat/deepseek-reasoner', path: /^\/compat\/v1\/chat\/completions$/, streamPath: /^\/compat\/v1\/chat\/completions$/,
    json: (body) => {
      expect(body.choices[0]!.finish_reason).toBe('tool_calls')
      expect(body.choices[0]!.message.tool_calls!.map((c) => c.function)).toEqual([{ name: 'weather', arguments: '{"location": "San Francisco"}' }])
    },
    promptTokens: deepseekJson.usage.prompt_tokens, streamPromptTokens: 45, streamText: streamedText(groqChunks),
  },
  {
    provider: 'anthropic', model: 'anthropic/claude-haiku-4-5', path: /^\/v1\/messages$/, streamPath: /^\/v1\/messages$/,
    json: (body) => {
      expect(body.choices[0]!.message.content).toBe(anthropicJson.content[0]!.text)
      expect(body.choices[0]!.finish_reason).toBe('stop')
    },
    promptTokens: anthropicJson.usage.input_tokens,
    streamText: "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
  },
  {
    provider: 'mistral', model: 'mistral/mistral-small-latest', path: /^\/v1\/chat\/completions$/, streamPath: /^\/v1\/chat\/completions$/,
    json: (body) => expect(body.choices[0]!.message.content).toBe(mistralJson.choices[0]!.message.content),
    promptTokens: mistralJson.usage.prompt_tokens, streamText: streamedText(mistralChunks),
  },
  {
    provider: 'gemini', model: 'gemini/gemini-2.5-flash', path: /^\/v1beta\/models\/gemini-2\.5-flash:generateContent$/, streamPath: /^\/v1beta\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/,
    json: (body) => {
      expect(body.choices[0]!.message.content).toBe(geminiJson.candidates[0]!.content.parts[0]!.text)
      expect(body.choices[0]!.finish_reason).toBe('stop')
    },
    promptTokens: geminiJson.usageMetadata.promptTokenCount, streamText: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
  },
]

describe(`chat on every provider (${gateway.runtime})`, () => {
  let key: string
  beforeAll(async () => {
    key = (await gateway.createKey({ name: 'chat' })).key
  })

  const chat = (model: string, tag: string, extra: Record<string, unknown> = {}) => gateway.call('/v1/chat/completions', {
    method: 'POST', key, headers: { 'content-type': 'application/json', 'x-request-id': tag },
    body: JSON.stringify({ model, max_tokens: 1000, messages: [{ role: 'user', content: `Hello ${tag}` }], ...extra }),
  })

  it('answers health without a key and refuses chat without one', async () => {
    expect((await gateway.call('/health')).status).toBe(200)
    const res = await gateway.call('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [] }) })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'missing_api_key' } })
  })

  it.each(providers)('$provider: a JSON completion, its upstream call and its usage row', async ({ provider, model, path, json, promptTokens }) => {
    const tag = `json-${provider}-${crypto.randomUUID()}`
    const res = await chat(model, tag)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Completion
    json(body)
    expect(body.usage.prompt_tokens).toBe(promptTokens)
    const seen = await gateway.upstreamSeen(tag)
    expect(seen.paths).toHaveLength(1)
    expect(seen.paths[0]).toMatch(path)
    expect(await gateway.usageRows(tag)).toEqual([expect.objectContaining({ provider, model, status: 200, outcome: 'success', stream: 0, prompt_tokens: promptTokens })])
  })

  it.each(providers)('$provider: a stream with usage, ending in [DONE]', async ({ provider, model, streamPath, promptTokens: jsonPromptTokens, streamPromptTokens, streamText }) => {
    const promptTokens = streamPromptTokens ?? jsonPromptTokens
    const tag = `stream-${provider}-${crypto.randomUUID()}`
    const res = await chat(model, tag, { stream: true, stream_options: { include_usage: true } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const frames = (await res.text()).split('\n\n').filter(Boolean)
    expect(frames.at(-1)).toBe('data: [DONE]')
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice('data: '.length)) as Chunk)
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(streamText)
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: promptTokens })
    expect((await gateway.upstreamSeen(tag)).paths[0]).toMatch(streamPath)
    expect(await gateway.usageRows(tag)).toEqual([expect.objectContaining({ provider, model, status: 200, outcome: 'success', stream: 1, prompt_tokens: promptTokens })])
  })

  it('maps an upstream 429 with its Retry-After', async () => {
    const res = await chat('openai/broken', `broken-${crypto.randomUUID()}`)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(await res.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } })
  })

  it('refuses an upstream redirect instead of following it', async () => {
    const res = await chat('openai/redirect', `redirect-${crypto.randomUUID()}`)
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ error: { type: 'upstream_error', code: 'upstream_redirect' } })
  })
})
