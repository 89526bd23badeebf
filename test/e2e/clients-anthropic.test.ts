import Anthropic from '@anthropic-ai/sdk'
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages'
import { createAnthropic } from '@ai-sdk/anthropic'
import { generateText, jsonSchema, streamText, tool } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { providerCases, startClientsHarness, type ClientsHarness, type ProviderCase } from '../support/clients-harness.js'
import { fixtureText } from '../support/fixtures.js'
import { sseFromRaw } from '../support/mock-upstream.js'

const weatherTool: Tool = {
  name: 'weather',
  description: 'Weather for a place',
  input_schema: { type: 'object', properties: { city: { type: 'string' }, location: { type: 'string' } } },
}

/** The tool result each backend must receive in its own format, with the call's id where it has ids. */
function toolResultReceived(c: ProviderCase, id: string): unknown {
  const body = h.received(c.provider).at(-1)!.body as Record<string, unknown>
  if (c.provider === 'anthropic') return (body.messages as Array<{ content: unknown }>).at(-1)!.content
  if (c.provider === 'gemini') return (body.contents as Array<{ parts: unknown[] }>).at(-1)!.parts
  const messages = body.messages as Array<{ role: string; tool_call_id?: string; toolCallId?: string; content: unknown }>
  const result = messages.find((m) => m.role === 'tool')!
  return { id: result.tool_call_id ?? result.toolCallId, content: result.content, expected: id }
}

/** One gateway with every backend behind it, for every client in this file. */
let h: ClientsHarness
/** @anthropic-ai/sdk, unmodified but for its base URL. */
let client: Anthropic

beforeAll(async () => {
  h = await startClientsHarness()
  client = new Anthropic({ baseURL: h.gw.url, apiKey: h.key, maxRetries: 0 })
})
afterAll(() => h.close())

/** @anthropic-ai/sdk against the gateway with each backend behind it. */
describe.each(providerCases)('@anthropic-ai/sdk → /v1/messages → $provider', (c) => {
  it('messages.create: the recorded answer as a Message', async () => {
    h.play('text')
    const message = await client.messages.create({ model: c.model, max_tokens: 200, messages: [{ role: 'user', content: 'Invent a holiday' }] })
    expect(message.type).toBe('message')
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: c.jsonText })])
    expect(message.stop_reason).toBe('end_turn')
    expect(message.usage.output_tokens).toBeGreaterThan(0)
  })

  it('messages.stream + finalMessage: the recorded text', async () => {
    h.play('text')
    const stream = client.messages.stream({ model: c.model, max_tokens: 200, messages: [{ role: 'user', content: 'Invent a holiday' }] })
    let deltas = ''
    stream.on('text', (text) => { deltas += text })
    const message = await stream.finalMessage()
    expect(deltas).toBe(c.streamText)
    expect(message.content.filter((b) => b.type === 'text').map((b) => (b.type === 'text' ? b.text : '')).join('')).toBe(c.streamText)
    expect(message.stop_reason).toBe('end_turn')
  })

  it('a tool-use round trip: tool_use with the recorded input, then the tool_result reaches the backend', async () => {
    h.play('tool')
    const tools = [{ ...weatherTool, name: c.toolName }]
    const question: MessageParam = { role: 'user', content: 'What is the weather?' }
    const first = await client.messages.stream({ model: c.model, max_tokens: 200, tools, messages: [question] }).finalMessage()
    expect(first.stop_reason).toBe('tool_use')
    const call = first.content.find((b) => b.type === 'tool_use')
    expect(call).toMatchObject({ type: 'tool_use', name: c.toolName, input: c.toolArgs })
    const id = call!.type === 'tool_use' ? call!.id : ''

    h.play('text')
    const second = await client.messages.create({
      model: c.model, max_tokens: 200, tools,
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'Sunny, 21 °C' }] }],
    })
    expect(second.content).toEqual([expect.objectContaining({ type: 'text', text: c.jsonText })])
    const received = toolResultReceived(c, id)
    if (c.provider === 'anthropic') expect(received).toEqual([{ type: 'tool_result', tool_use_id: id, content: 'Sunny, 21 °C' }])
    else if (c.provider === 'gemini') expect(received).toEqual([{ functionResponse: { name: c.toolName, response: { result: 'Sunny, 21 °C' } } }])
    else expect(received).toEqual({ id, content: 'Sunny, 21 °C', expected: id })
  })
})

describe('@anthropic-ai/sdk thinking through non-Anthropic backends', () => {
  it('Gemini thoughts come back as a thinking block; the budget becomes a thinking budget', async () => {
    h.upstream.setHandler(() => ({ sse: sseFromRaw(fixtureText('gemini/firebase-streaming-success-thinking-function-call-thought-summary-signature.txt')) }))
    const stream = client.messages.stream({
      model: 'gemini/gemini-2.5-flash', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 },
      tools: [{ ...weatherTool, name: 'now' }], messages: [{ role: 'user', content: 'Days until New Year?' }],
    })
    let thinking = ''
    stream.on('thinking', (delta) => { thinking += delta })
    const message = await stream.finalMessage()
    expect(message.content.map((b) => b.type)).toEqual(['thinking', 'tool_use'])
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking })
    expect(thinking).toMatch(/^\*\*Calculating the Days\*\*/)
    const config = (h.received('gemini').at(-1)!.body as { generationConfig: unknown }).generationConfig
    expect(config).toEqual({ maxOutputTokens: 4000, thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } })
  })

  it('DeepSeek reasoning_content comes back as a thinking block before the tool call', async () => {
    h.play('tool')
    const message = await client.messages.stream({
      model: 'compat/deepseek-reasoner', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in SF?' }],
    }).finalMessage()
    expect(message.content.map((b) => b.type)).toEqual(['thinking', 'tool_use'])
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: expect.stringMatching(/^The user is asking for the weather in San Francisco/) })
    expect((h.received('compat').at(-1)!.body as { reasoning_effort: string }).reasoning_effort).toBe('low')
  })
})

/** @ai-sdk/anthropic (the AI SDK's Anthropic provider) with its base URL on the gateway. */
describe.each(providerCases.filter((c) => c.provider !== 'compat'))('@ai-sdk/anthropic → /v1/messages → $provider', (c) => {
  let anthropic: ReturnType<typeof createAnthropic>

  beforeAll(() => {
    anthropic = createAnthropic({ baseURL: `${h.gw.url}/v1`, apiKey: h.key })
  })

  const weather = () => tool({ description: 'Weather for a place', inputSchema: jsonSchema<Record<string, unknown>>(weatherTool.input_schema as object) })

  it('generateText: the recorded answer', async () => {
    h.play('text')
    const result = await generateText({ model: anthropic(c.model), prompt: 'Invent a holiday', maxRetries: 0 })
    expect(result.text).toBe(c.jsonText)
    expect(result.finishReason).toBe('stop')
  })

  it('streamText with tools: the recorded tool call', async () => {
    h.play('tool')
    const result = streamText({ model: anthropic(c.model), prompt: 'Weather?', tools: { [c.toolName]: weather() }, maxRetries: 0 })
    const calls = await result.toolCalls
    expect(calls.map((call) => [call.toolName, call.input])).toEqual([[c.toolName, c.toolArgs]])
    expect(await result.finishReason).toBe('tool-calls')
  })

  it('streamText: the recorded text', async () => {
    h.play('text')
    const result = streamText({ model: anthropic(c.model), prompt: 'Invent a holiday', maxRetries: 0 })
    let text = ''
    for await (const delta of result.textStream) text += delta
    expect(text).toBe(c.streamText)
  })
})
