import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { embed, embedMany, generateObject, generateText, jsonSchema, streamText, tool } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { embeddingRecording, providerCases, startClientsHarness, type ClientsHarness } from '../support/clients-harness.js'

/** The Vercel AI SDK (`ai` with `@ai-sdk/openai-compatible`) against a running gateway, each provider behind it. */
describe.each(providerCases)('AI SDK → gateway → $provider', (c) => {
  let h: ClientsHarness
  let gateway: ReturnType<typeof createOpenAICompatible>

  beforeAll(async () => {
    h = await startClientsHarness()
    gateway = createOpenAICompatible({ name: 'manifold', baseURL: h.baseURL, apiKey: h.key, includeUsage: true, supportsStructuredOutputs: true })
  })
  afterAll(() => h.close())

  it('generateText: the recorded answer and usage', async () => {
    h.play('text')
    const result = await generateText({ model: gateway(c.model), prompt: 'Invent a holiday', maxRetries: 0 })
    expect(result.text).toBe(c.jsonText)
    expect(result.finishReason).toBe('stop')
    expect(result.usage.inputTokens).toBeGreaterThan(0)
  })

  it('streamText: the recorded text, finish reason and usage', async () => {
    h.play('text')
    const result = streamText({ model: gateway(c.model), prompt: 'Invent a holiday', maxRetries: 0 })
    let text = ''
    for await (const delta of result.textStream) text += delta
    expect(text).toBe(c.streamText)
    expect(await result.finishReason).toBe('stop')
    expect((await result.usage).outputTokens).toBeGreaterThan(0)
  })

  const weather = () => tool({
    description: 'Weather for a place',
    inputSchema: jsonSchema<Record<string, unknown>>({ type: 'object', properties: { city: { type: 'string' }, location: { type: 'string' } } }),
  })

  it('a tool call (generateText): name and parsed input as recorded', async () => {
    h.play('tool')
    const result = await generateText({ model: gateway(c.model), prompt: 'Weather?', tools: { [c.toolName]: weather() }, maxRetries: 0 })
    expect(result.toolCalls.map((call) => [call.toolName, call.input])).toEqual([[c.toolName, c.toolArgs]])
    expect(result.finishReason).toBe('tool-calls')
  })

  it('a tool call (streamText): name and parsed input as recorded', async () => {
    h.play('tool')
    const result = streamText({ model: gateway(c.model), prompt: 'Weather?', tools: { [c.toolName]: weather() }, maxRetries: 0 })
    const calls = await result.toolCalls
    expect(calls.map((call) => [call.toolName, call.input])).toEqual([[c.toolName, c.toolArgs]])
  })

  it('generateObject: the JSON the model wrote, parsed against the schema', async () => {
    h.play('object')
    const result = await generateObject({
      model: gateway(c.model),
      prompt: 'Weather in SF as JSON',
      schema: jsonSchema<{ city: string; temperature: number; units: string }>({
        type: 'object', properties: { city: { type: 'string' }, temperature: { type: 'number' }, units: { type: 'string' } }, required: ['city', 'temperature', 'units'],
      }),
      maxRetries: 0,
    })
    expect(result.object).toEqual({ city: 'San Francisco', temperature: 61, units: 'f' })
    const sent = h.received(c.provider).at(-1)!.body as Record<string, unknown>
    // Each provider's own structured-output request (the replies for Anthropic and Gemini are synthesized:
    // no fixture records one; see clients-native-recordings.ts).
    if (c.provider === 'anthropic') expect(sent.output_config).toMatchObject({ format: { type: 'json_schema', schema: { type: 'object', required: ['city', 'temperature', 'units'] } } })
    else if (c.provider === 'gemini') expect(sent.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', required: ['city', 'temperature', 'units'] } })
    else if (c.provider === 'mistral') expect(sent.response_format).toMatchObject({ type: 'json_schema', json_schema: { schema: { type: 'object' } } })
    else expect(sent.response_format).toMatchObject({ type: 'json_schema' })
  })

  it.skipIf(!c.embeddingModel)('embed and embedMany: the upstream\'s floats', async () => {
    const model = gateway.textEmbeddingModel(c.embeddingModel!)
    const one = await embed({ model, value: 'a', maxRetries: 0 })
    expect(one.embedding).toEqual(embeddingRecording.data[0]!.embedding)
    const many = await embedMany({ model, values: ['a', 'b'], maxRetries: 0 })
    expect(many.embeddings).toEqual(embeddingRecording.data.map((d) => d.embedding))
  })
})
