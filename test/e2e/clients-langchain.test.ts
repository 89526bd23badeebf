import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { embeddingRecording, providerCases, startClientsHarness, type ClientsHarness } from '../support/clients-harness.js'

/** LangChain's ChatOpenAI and OpenAIEmbeddings against a running gateway, each provider behind it. */
describe.each(providerCases)('LangChain → gateway → $provider', (c) => {
  let h: ClientsHarness
  let chat: ChatOpenAI

  beforeAll(async () => {
    h = await startClientsHarness()
    chat = new ChatOpenAI({ model: c.model, apiKey: h.key, configuration: { baseURL: h.baseURL }, maxRetries: 0 })
  })
  afterAll(() => h.close())

  it('invoke: the recorded answer', async () => {
    h.play('text')
    const message = await chat.invoke('Invent a holiday')
    expect(message.content).toBe(c.jsonText)
    expect(message.usage_metadata?.input_tokens).toBeGreaterThan(0)
  })

  it('stream: the recorded text', async () => {
    h.play('text')
    let text = ''
    for await (const chunk of await chat.stream('Invent a holiday')) text += typeof chunk.content === 'string' ? chunk.content : ''
    expect(text).toBe(c.streamText)
  })

  it('bindTools + invoke: the tool call with parsed args', async () => {
    h.play('tool')
    const withTools = chat.bindTools([{
      type: 'function',
      function: { name: c.toolName, description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' }, location: { type: 'string' } } } },
    }])
    const message = await withTools.invoke('Weather?')
    expect(message.tool_calls?.map((call) => [call.name, call.args])).toEqual([[c.toolName, c.toolArgs]])
  })

  it('bindTools + stream: the tool call assembled from chunks', async () => {
    h.play('tool')
    const withTools = chat.bindTools([{
      type: 'function',
      function: { name: c.toolName, description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' }, location: { type: 'string' } } } },
    }])
    let merged: Awaited<ReturnType<typeof withTools.invoke>> | undefined
    for await (const chunk of await withTools.stream('Weather?')) merged = merged ? merged.concat(chunk) : chunk
    expect(merged?.tool_calls?.map((call) => [call.name, call.args])).toEqual([[c.toolName, c.toolArgs]])
  })

  it.skipIf(!c.embeddingModel)('OpenAIEmbeddings with its default encoding (base64 via the openai SDK)', async () => {
    const embeddings = new OpenAIEmbeddings({ model: c.embeddingModel, apiKey: h.key, configuration: { baseURL: h.baseURL }, maxRetries: 0 })
    expect(await embeddings.embedDocuments(['a', 'b'])).toEqual(embeddingRecording.data.map((d) => d.embedding.map(Math.fround)))
  })

  it.skipIf(!c.embeddingModel)('OpenAIEmbeddings with encodingFormat float', async () => {
    const embeddings = new OpenAIEmbeddings({ model: c.embeddingModel, apiKey: h.key, configuration: { baseURL: h.baseURL }, maxRetries: 0, encodingFormat: 'float' })
    expect(await embeddings.embedQuery('a')).toEqual(embeddingRecording.data[0]!.embedding)
  })
})
