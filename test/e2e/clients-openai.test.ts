import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateSchema } from '../support/openapi-validate.js'
import { embeddingRecording, providerCases, startClientsHarness, type ClientsHarness } from '../support/clients-harness.js'

/** The official `openai` npm client against a running gateway, with each provider behind it. */
describe.each(providerCases)('openai client → gateway → $provider', (c) => {
  let h: ClientsHarness
  let client: OpenAI

  beforeAll(async () => {
    h = await startClientsHarness()
    client = new OpenAI({ apiKey: h.key, baseURL: h.baseURL, maxRetries: 0 })
  })
  afterAll(() => h.close())

  const weatherTool = (name: string): OpenAI.Chat.ChatCompletionTool => ({
    type: 'function',
    function: { name, parameters: { type: 'object', properties: { city: { type: 'string' }, location: { type: 'string' } } } },
  })

  it('create: the recorded answer, valid OpenAI', async () => {
    h.play('text')
    const completion = await client.chat.completions.create({ model: c.model, messages: [{ role: 'user', content: 'Invent a holiday' }] })
    expect(completion.choices[0]!.message.content).toBe(c.jsonText)
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0)
    expect(validateSchema('CreateChatCompletionResponse', completion)).toEqual([])
  })

  it('stream: the recorded text, a finish reason, and usage when asked', async () => {
    h.play('text')
    const stream = await client.chat.completions.create({
      model: c.model, messages: [{ role: 'user', content: 'Invent a holiday' }], stream: true, stream_options: { include_usage: true },
    })
    let text = ''
    let finish: string | null = null
    let usage: OpenAI.CompletionUsage | undefined
    for await (const chunk of stream) {
      expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? ''
        finish = choice.finish_reason ?? finish
      }
      if (chunk.usage) usage = chunk.usage
    }
    expect(text).toBe(c.streamText)
    expect(finish).toBe('stop')
    expect(usage?.completion_tokens).toBeGreaterThan(0)
  })

  it('tool call (non-streaming): name and arguments as recorded', async () => {
    h.play('tool')
    const completion = await client.chat.completions.create({ model: c.model, messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool(c.toolName)] })
    const call = completion.choices[0]!.message.tool_calls![0]!
    expect(call.type).toBe('function')
    if (call.type !== 'function') return
    expect(call.function.name).toBe(c.toolName)
    expect(JSON.parse(call.function.arguments)).toEqual(c.toolArgs)
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
    expect(validateSchema('CreateChatCompletionResponse', completion)).toEqual([])
  })

  it('tool call (streaming, the SDK\'s own accumulator): name and arguments as recorded', async () => {
    h.play('tool')
    const runner = client.chat.completions.stream({ model: c.model, messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool(c.toolName)] })
    const final = await runner.finalChatCompletion()
    const call = final.choices[0]!.message.tool_calls![0]!
    expect(call.type === 'function' && call.function.name).toBe(c.toolName)
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual(c.toolArgs)
    expect(call.id).toMatch(/\S/)
    expect(final.choices[0]!.finish_reason).toBe('tool_calls')
  })

  it.skipIf(!c.embeddingModel)('embeddings with the client\'s default (base64): float32 of the upstream\'s floats', async () => {
    const res = await client.embeddings.create({ model: c.embeddingModel!, input: ['a', 'b'] })
    expect(res.data.map((d) => d.embedding)).toEqual(embeddingRecording.data.map((d) => d.embedding.map(Math.fround)))
    const sent = h.received(c.provider).at(-1)!
    if (c.provider === 'gemini') {
      // One batchEmbedContents request with both inputs; Gemini has no encoding_format (the gateway encodes).
      expect(sent.path).toBe('/gemini/v1beta/models/gemini-embedding-001:batchEmbedContents')
      expect((sent.body as { requests: unknown[] }).requests).toEqual([
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }], role: 'user' } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }], role: 'user' } },
      ])
    } else expect((sent.body as { encoding_format?: string }).encoding_format).toBe(c.provider === 'mistral' ? undefined : 'float')
  })

  it.runIf(!c.embeddingModel)('embeddings from a provider without them: a 400 the client can read, nothing sent upstream', async () => {
    const sentBefore = h.received(c.provider).length
    const err = await client.embeddings.create({ model: `${c.provider}/any-model`, input: ['a'] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.BadRequestError)
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toEqual({
      message: `The model \`${c.provider}/any-model\` does not support embeddings: ${c.provider} offers no embeddings API.`,
      type: 'invalid_request_error', param: 'model', code: 'embeddings_not_supported',
    })
    expect(h.received(c.provider).length).toBe(sentBefore)
  })

  it.skipIf(!c.embeddingModel)('embeddings with encoding_format float: the upstream\'s floats exactly', async () => {
    const res = await client.embeddings.create({ model: c.embeddingModel!, input: ['a', 'b'], encoding_format: 'float' })
    expect(res.data.map((d) => d.embedding)).toEqual(embeddingRecording.data.map((d) => d.embedding))
    expect(validateSchema('CreateEmbeddingResponse', res)).toEqual([])
  })
})
