import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProviderError, type EmbeddingRequest } from '../../providers/types.js'
import { validateSchema } from '../support/openapi-validate.js'
import { startGeminiHarness, type GeminiHarness } from '../support/gemini-harness.js'

describe('Gemini embeddings and model list', () => {
  let h: GeminiHarness
  beforeAll(async () => {
    h = await startGeminiHarness()
  })
  afterAll(() => h.close())

  it('inputs → batchEmbedContents, dimensions → outputDimensionality, floats back in OpenAI order', async () => {
    h.upstream.setHandler(() => ({ json: { embeddings: [{ values: [0.1, -0.2, 0.3] }, { values: [0.4, 0.5, -0.6] }] } }))
    const res = await h.provider.embed!({ model: 'gemini-embedding-001', input: ['first', 'second'], dimensions: 3 } as EmbeddingRequest, h.ctx())
    const sent = h.upstream.requests.at(-1)!
    expect(sent.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents')
    expect(sent.body).toEqual({
      requests: [
        { content: { role: 'user', parts: [{ text: 'first' }] }, model: 'models/gemini-embedding-001', outputDimensionality: 3 },
        { content: { role: 'user', parts: [{ text: 'second' }] }, model: 'models/gemini-embedding-001', outputDimensionality: 3 },
      ],
    })
    expect(res).toEqual({
      object: 'list', model: 'gemini-embedding-001',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }, { object: 'embedding', index: 1, embedding: [0.4, 0.5, -0.6] }],
      usage: { prompt_tokens: 0, total_tokens: 0 },
    })
    expect(validateSchema('CreateEmbeddingResponse', res)).toEqual([])
  })

  it('a single string input; no dimensions → none sent', async () => {
    h.upstream.setHandler(() => ({ json: { embeddings: [{ values: [1, 2] }] } }))
    const res = await h.provider.embed!({ model: 'text-embedding-004', input: 'only' } as EmbeddingRequest, h.ctx())
    expect(h.upstream.requests.at(-1)!.body).toEqual({ requests: [{ content: { role: 'user', parts: [{ text: 'only' }] }, model: 'models/text-embedding-004' }] })
    expect(res.data.map((d) => d.embedding)).toEqual([[1, 2]])
  })

  it('token-array input → 400 unsupported_parameter on input, nothing sent', async () => {
    const before = h.upstream.requests.length
    const err = await h.provider.embed!({ model: 'gemini-embedding-001', input: [[1, 2, 3]] } as EmbeddingRequest, h.ctx()).then(() => undefined, (e: unknown) => e as ProviderError)
    expect(err).toBeInstanceOf(ProviderError)
    expect([err?.status, err?.code, err?.param]).toEqual([400, 'unsupported_parameter', 'input'])
    expect(h.upstream.requests.length).toBe(before)
  })

  it('embedding errors are mapped like chat errors', async () => {
    h.upstream.setHandler(() => ({ status: 429, json: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }] } } }))
    const err = await h.provider.embed!({ model: 'gemini-embedding-001', input: 'x' } as EmbeddingRequest, h.ctx()).then(() => undefined, (e: unknown) => e as ProviderError)
    expect([err?.status, err?.code, err?.retryAfterMs]).toEqual([429, 'rate_limit_exceeded', 2000])
  })

  it('listModels: generate and embed models, without the models/ prefix', async () => {
    h.upstream.setHandler(() => ({ json: { models: [
      { name: 'models/gemini-2.5-flash', supportedGenerationMethods: ['generateContent', 'countTokens'] },
      { name: 'models/gemini-embedding-001', supportedGenerationMethods: ['embedContent'] },
      { name: 'models/aqa', supportedGenerationMethods: ['generateAnswer'] },
    ] } }))
    expect(await h.provider.listModels!(h.ctx())).toEqual(['gemini-2.5-flash', 'gemini-embedding-001'])
    expect(h.upstream.requests.at(-1)!.path).toBe('/v1beta/models?pageSize=1000')
  })
})
