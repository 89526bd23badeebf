import OpenAI from 'openai'
import type { ChatCompletionChunk } from 'openai/resources'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { sseFromChunkLines, sseFromRaw, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { validateSchema } from '../support/openapi-validate.js'
import { parseSseBody } from '../support/sse-parse.js'

/** The official `openai` client, pointed at a running gateway that fronts a mock OpenAI replaying recordings. */
describe('the openai npm client through the gateway', () => {
  let upstream: MockUpstream
  let gw: TestGateway
  let client: OpenAI

  beforeAll(async () => {
    upstream = await startMockUpstream()
    gw = await startTestGateway({ listen: true, env: { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1` } })
    client = new OpenAI({ apiKey: await gw.createKey(), baseURL: `${gw.url}/v1`, maxRetries: 0 })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  it('creates a completion equal to the recording, valid against the spec', async () => {
    const recorded = fixtureJson<Record<string, unknown>>('openai/vercel-openai-text.json')
    upstream.setHandler(() => ({ json: recorded }))
    const completion = await client.chat.completions.create({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'Invent a holiday' }] })
    expect(completion).toEqual(recorded)
    expect(validateSchema('CreateChatCompletionResponse', completion)).toEqual([])
    expect((upstream.requests.at(-1)!.body as { model: string }).model).toBe('gpt-4.1-nano')
  })

  it('streams with include_usage: the text, the usage chunk with cost_usd, every chunk valid', async () => {
    const lines = fixtureText('openai/vercel-openai-text.chunks.txt')
    upstream.setHandler(() => ({ sse: sseFromChunkLines(lines) }))
    const recorded = lines.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ChatCompletionChunk)
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'Invent a holiday' }], stream: true, stream_options: { include_usage: true },
    })
    const chunks: ChatCompletionChunk[] = []
    for await (const chunk of stream) chunks.push(chunk)
    const text = (cs: ChatCompletionChunk[]) => cs.map((c) => c.choices[0]?.delta.content ?? '').join('')
    expect(text(chunks)).toBe(text(recorded))
    expect(chunks).toHaveLength(recorded.length)
    for (const chunk of chunks) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
    const usage = chunks.at(-1)!.usage as unknown as Record<string, unknown>
    expect(usage).toMatchObject({ ...recorded.at(-1)!.usage, cost_usd: expect.any(Number) })
    // gpt-4.1-nano: $0.10 in, $0.40 out per million tokens (the price table).
    const u = recorded.at(-1)!.usage!
    const cached = u.prompt_tokens_details?.cached_tokens ?? 0
    expect(usage.cost_usd).toBeCloseTo(((u.prompt_tokens - cached) * 0.1 + cached * 0.025 + u.completion_tokens * 0.4) / 1e6, 12)
  })

  it('streams a recorded tool call: name, id and arguments reassemble exactly', async () => {
    const raw = fixtureText('openai/python-stream-tool-call-get-weather.sse')
    upstream.setHandler(() => ({ sse: sseFromRaw(raw) }))
    const stream = client.chat.completions.stream({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Edinburgh?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    })
    const final = await stream.finalChatCompletion()
    const call = final.choices[0]!.message.tool_calls![0]!
    expect(call).toMatchObject({ id: 'call_4XzlGBLtUe9dy3GVNV4jhq7h', type: 'function', function: { name: 'get_weather' } })
    const recordedArgs = parseSseBody(raw).events
      .flatMap((e) => (e as ChatCompletionChunk).choices.flatMap((c) => c.delta.tool_calls ?? []))
      .map((t) => t.function?.arguments ?? '').join('')
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual(JSON.parse(recordedArgs))
    expect(final.choices[0]!.finish_reason).toBe('tool_calls')
    const sent = upstream.requests.at(-1)!.body as { tools: unknown[]; stream: boolean }
    expect(sent.tools).toHaveLength(1)
    expect(sent.stream).toBe(true)
  })

  it('lists models in OpenAI list format', async () => {
    upstream.setHandler((req) => (req.path === '/v1/models'
      ? { json: { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'openai' }, { id: 'gpt-4o', object: 'model', created: 1, owned_by: 'openai' }] } }
      : { status: 404, json: { error: { message: 'no' } } }))
    const page = await client.models.list()
    expect(page.data.map((m) => m.id)).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4o'])
    const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.adminKey}` } })
    expect(validateSchema('ListModelsResponse', await res.json())).toEqual([])
  })

  it('passes every OpenAI parameter through unchanged', async () => {
    upstream.setHandler(() => ({ json: fixtureJson('openai/vercel-openai-text.json') }))
    const params = {
      messages: [{ role: 'system' as const, content: 'be brief' }, { role: 'user' as const, content: 'hi' }],
      tools: [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object', properties: {} }, strict: true } }],
      tool_choice: 'required' as const, parallel_tool_calls: false,
      response_format: { type: 'json_schema' as const, json_schema: { name: 'x', schema: { type: 'object' }, strict: true } },
      n: 2, logprobs: true, top_logprobs: 3, stop: ['END'], seed: 42, user: 'u-1', max_completion_tokens: 64,
      temperature: 0.3, top_p: 0.9, presence_penalty: 0.1, frequency_penalty: 0.2, logit_bias: { '50256': -100 },
      metadata: { team: 'a' }, store: false, reasoning_effort: 'low' as const, service_tier: 'auto' as const,
    }
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', ...params })
    expect(upstream.requests.at(-1)!.body).toEqual({ model: 'gpt-4o-mini', ...params, stream: false })
  })
})
