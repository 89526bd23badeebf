import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { usage } from '../../src/store/schema.js'
import { base64ToFloats } from '../../src/openai/embedding-encoding.js'
import { fixtureJson } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { validateSchema } from '../support/openapi-validate.js'

interface EmbeddingBody { object: string; data: Array<{ object: string; index: number; embedding: number[] | string }>; model: string; usage: { prompt_tokens: number; total_tokens: number } }

const recorded = fixtureJson<EmbeddingBody>('openai/vercel-openai-embedding.json')
const floats = recorded.data.map((d) => d.embedding as number[])
/** An independent encoder (this machine is little-endian, as the check below asserts). */
const float32Base64 = (values: number[]) => Buffer.from(new Float32Array(values).buffer).toString('base64')
expect(new Uint8Array(new Uint16Array([1]).buffer)[0]).toBe(1)

describe('POST /v1/embeddings', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream()
    gw = await startTestGateway({
      env: { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1`, MISTRAL_API_KEY: 'mk', MISTRAL_BASE_URL: upstream.url },
      file: {
        providers: { local: { type: 'openai-compatible', base_url: `${upstream.url}/v1` } },
        aliases: { embedder: 'openai/text-embedding-3-small' },
      },
    })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })
  beforeEach(() => {
    upstream.requests.length = 0
  })

  async function embed(body: Record<string, unknown>, key?: string): Promise<{ status: number; body: EmbeddingBody; headers: Headers }> {
    const res = await gw.request('/v1/embeddings', { key, method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': `emb-${Math.random()}` }, body: JSON.stringify(body) })
    return { status: res.status, body: await res.json() as EmbeddingBody, headers: res.headers }
  }

  it('vercel-openai-embedding.json with float encoding: the vectors as recorded', async () => {
    upstream.setHandler(() => ({ json: recorded }))
    const res = await embed({ model: 'openai/text-embedding-3-small', input: ['sunny day at the beach', 'rainy day in the city'], encoding_format: 'float', dimensions: 5 })
    expect(res.status).toBe(200)
    expect(res.body).toEqual(recorded)
    expect(validateSchema('CreateEmbeddingResponse', res.body)).toEqual([])
    expect(upstream.requests[0]!.path).toBe('/v1/embeddings')
    expect(upstream.requests[0]!.body).toEqual({ model: 'text-embedding-3-small', input: ['sunny day at the beach', 'rainy day in the city'], encoding_format: 'float', dimensions: 5 })
    expect(res.headers.get('x-manifold-target')).toBe('openai/text-embedding-3-small')
  })

  it('base64: little-endian float32 of the floats the upstream returned (the upstream is asked for floats)', async () => {
    upstream.setHandler(() => ({ json: recorded }))
    const res = await embed({ model: 'embedder', input: 'sunny day at the beach', encoding_format: 'base64' })
    expect(res.status).toBe(200)
    expect((upstream.requests[0]!.body as { encoding_format: string }).encoding_format).toBe('float')
    expect(res.body.data.map((d) => typeof d.embedding)).toEqual(['string', 'string'])
    expect(res.body.data.map((d) => base64ToFloats(d.embedding as string))).toEqual(floats.map((v) => v.map(Math.fround)))
    // The same bytes as Node's own little-endian float32 encoding of the recorded vector.
    expect(res.body.data[0]!.embedding).toBe(float32Base64(floats[0]!))
    // (OpenAI's published schema types `embedding` as an array only; base64 strings are what its API sends.)
  })

  it('an upstream that answers base64 although asked for floats still gives the caller floats', async () => {
    upstream.setHandler(() => ({ json: { ...recorded, data: recorded.data.map((d) => ({ ...d, embedding: float32Base64(d.embedding as number[]) })) } }))
    const res = await embed({ model: 'local/nomic-embed-text', input: 'x' })
    expect(res.body.data[0]!.embedding).toEqual(floats[0]!.map(Math.fround))
  })

  it('Mistral: inputs, output_dimension, and OpenAI\'s response shape', async () => {
    upstream.setHandler(() => ({ json: { id: 'emb-1', object: 'list', model: 'mistral-embed', usage: { prompt_tokens: 6, total_tokens: 6 }, data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }] } }))
    const res = await embed({ model: 'mistral/mistral-embed', input: 'hello', dimensions: 2, encoding_format: 'float' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }], model: 'mistral-embed', usage: { prompt_tokens: 6, total_tokens: 6 } })
    expect(upstream.requests[0]!.path).toBe('/v1/embeddings')
    expect(upstream.requests[0]!.body).toEqual({ model: 'mistral-embed', input: 'hello', output_dimension: 2 })
  })

  it('one usage row per call: endpoint embeddings, input tokens, cost from the price table', async () => {
    upstream.setHandler(() => ({ json: recorded }))
    const res = await gw.request('/v1/embeddings', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'emb-usage-row' },
      body: JSON.stringify({ model: 'openai/text-embedding-3-small', input: 'x' }),
    })
    expect(res.status).toBe(200)
    // 12 tokens × $0.02 per million = 0.00000024 USD.
    expect(res.headers.get('x-manifold-cost-usd')).toBe('0.00000024')
    await gw.deps.usage.flush()
    const rows = await gw.deps.store.db.select().from(usage).where(eq(usage.requestId, 'emb-usage-row'))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      endpoint: 'embeddings', provider: 'openai', model: 'openai/text-embedding-3-small', stream: false, status: 200, outcome: 'success',
      promptTokens: 12, completionTokens: 0, costPicoUsd: 240_000,
    })
  })

  it('an upstream failure is OpenAI\'s error shape, and still one usage row', async () => {
    upstream.setHandler(() => ({ status: 429, headers: { 'retry-after': '3' }, json: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } }))
    const res = await gw.request('/v1/embeddings', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'emb-fail-row' },
      body: JSON.stringify({ model: 'openai/text-embedding-3-small', input: 'x' }),
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('3')
    const body = await res.json()
    expect(body).toEqual({ error: { message: 'openai: Rate limit reached', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } })
    expect(validateSchema('ErrorResponse', body)).toEqual([])
    await gw.deps.usage.flush()
    const rows = await gw.deps.store.db.select().from(usage).where(eq(usage.requestId, 'emb-fail-row'))
    expect(rows).toMatchObject([{ endpoint: 'embeddings', status: 429, outcome: 'error', errorType: 'rate_limit_exceeded' }])
  })

  it('a key not allowed the model is refused before any upstream call', async () => {
    const key = await gw.createKey({ models: ['mistral/*'] })
    const res = await embed({ model: 'openai/text-embedding-3-small', input: 'x' }, key)
    expect(res.status).toBe(403)
    expect(upstream.requests).toHaveLength(0)
  })

  it.each([
    [{ input: 'x' }, 400, 'missing_required_parameter'],
    [{ model: 'openai/text-embedding-3-small' }, 400, 'missing_required_parameter'],
    [{ model: 'openai/text-embedding-3-small', input: 'x', encoding_format: 'int8' }, 400, 'invalid_value'],
    [{ model: 'nobody/x', input: 'x' }, 404, 'model_not_found'],
  ])('%j is refused with %i %s', async (body, status, code) => {
    const res = await embed(body)
    expect(res.status).toBe(status)
    expect((res.body as unknown as { error: { code: string } }).error.code).toBe(code)
  })
})
