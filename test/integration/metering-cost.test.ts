import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { usage } from '../../src/store/schema.js'
import { postChat, postChatStream } from '../support/chat-through-gateway.js'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { sseFromRaw, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'

/** USD per million tokens, from src/metering/model-prices.json, as a person reads the table. */
interface ListPrice { input: number; output: number; cacheRead: number; cacheWrite?: number }

/** The hand computation: each token class times its price, in integer picodollars (1e-12 USD). */
function handCost(price: ListPrice, t: { uncached: number; cached?: number; writes?: number; output: number }): number {
  const pico = (perMillion: number) => Math.round(perMillion * 1e6)
  return t.uncached * pico(price.input) + (t.cached ?? 0) * pico(price.cacheRead)
    + (t.writes ?? 0) * pico(price.cacheWrite ?? price.input) + t.output * pico(price.output)
}

describe('cost of each attempt, from the price table', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream()
    gw = await startTestGateway({
      env: {
        OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1`,
        ANTHROPIC_API_KEY: 'sk-ant-upstream', ANTHROPIC_BASE_URL: upstream.url,
        GEMINI_API_KEY: 'gm-upstream', GEMINI_BASE_URL: upstream.url,
        MISTRAL_API_KEY: 'mi-upstream', MISTRAL_BASE_URL: upstream.url,
      },
      file: {
        providers: {
          xai: { type: 'openai-compatible', base_url: `${upstream.url}/v1` },
          deepseek: { type: 'openai-compatible', base_url: `${upstream.url}/v1` },
        },
      },
    })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  async function storedCost(requestId: string): Promise<number | null> {
    await gw.deps.usage.flush()
    const rows = await gw.deps.store.db.select().from(usage).where(eq(usage.requestId, requestId))
    expect(rows).toHaveLength(1)
    return rows[0]!.costPicoUsd
  }

  async function jsonCall(model: string, reply: unknown) {
    upstream.setHandler(() => ({ json: reply }))
    const res = await postChat(gw, { model, messages: [{ role: 'user', content: 'hi' }] })
    expect(res.status).toBe(200)
    return { header: res.headers.get('x-manifold-cost-usd'), stored: await storedCost(res.headers.get('x-request-id')!) }
  }

  it('OpenAI, non-streaming: header and stored row equal the hand computation', async () => {
    const { header, stored } = await jsonCall('openai/gpt-4.1-nano', fixtureJson('openai/vercel-openai-text.json'))
    const expected = handCost({ input: 0.1, output: 0.4, cacheRead: 0.025 }, { uncached: 16, output: 363 })
    expect(stored).toBe(expected)
    expect(expected).toBe(146_800_000)
    expect(header).toBe('0.0001468')
  })

  it('OpenAI, streaming: the usage chunk carries cost_usd and the row the same cost', async () => {
    upstream.setHandler(() => ({ sse: sseFromRaw(fixtureText('openai/python-stream-n3-choices.sse')) }))
    const res = await postChatStream(gw, { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }], n: 3, stream_options: { include_usage: true } })
    expect(res.status).toBe(200)
    const usageChunk = res.chunks.find((c) => c.usage)!
    const expected = handCost({ input: 2.5, output: 10, cacheRead: 1.25 }, { uncached: 79, output: 42 })
    expect((usageChunk.usage as unknown as { cost_usd: number }).cost_usd).toBe(0.0006175)
    await gw.deps.usage.flush()
    const [row] = await gw.deps.store.db.select().from(usage).where(eq(usage.model, 'openai/gpt-4o'))
    expect(row!.costPicoUsd).toBe(expected)
  })

  it('xAI (OpenAI-compatible) with cached and reasoning tokens: equals the hand computation and xAI\'s own bill', async () => {
    const recorded = fixtureJson<{ usage: { cost_in_usd_ticks: number } }>('openai-compatible/vercel-xai-tool-call.json')
    const { stored } = await jsonCall('xai/grok-3-mini', recorded)
    // 307 prompt tokens of which 244 cached; 26 completion tokens plus 255 reasoning tokens reported beside them.
    const expected = handCost({ input: 0.3, output: 0.5, cacheRead: 0.075 }, { uncached: 63, cached: 244, output: 26 + 255 })
    expect(stored).toBe(expected)
    // xAI bills in ticks of 1e-10 USD: the same amount.
    expect(stored).toBe(recorded.usage.cost_in_usd_ticks * 100)
  })

  it('DeepSeek (OpenAI-compatible) with cached tokens and reasoning inside completion_tokens', async () => {
    const { stored } = await jsonCall('deepseek/deepseek-reasoner', fixtureJson('openai-compatible/vercel-deepseek-tool-call.json'))
    expect(stored).toBe(handCost({ input: 0.28, output: 0.42, cacheRead: 0.028 }, { uncached: 19, cached: 320, output: 92 }))
  })

  it('Anthropic: input and output at the model\'s prices', async () => {
    const { stored } = await jsonCall('anthropic/claude-sonnet-4-5-20250929', fixtureJson('anthropic/vercel-anthropic-text.json'))
    expect(stored).toBe(handCost({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }, { uncached: 12, output: 29 }))
  })

  it('Anthropic with cache reads and writes (the recorded reply, its usage changed in memory)', async () => {
    const recorded = fixtureJson<{ usage: Record<string, unknown> }>('anthropic/vercel-anthropic-text.json')
    const reply = { ...recorded, usage: { ...recorded.usage, input_tokens: 12, cache_read_input_tokens: 1000, cache_creation_input_tokens: 500 } }
    const { stored } = await jsonCall('anthropic/claude-sonnet-4-5-20250929', reply)
    expect(stored).toBe(handCost({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }, { uncached: 12, cached: 1000, writes: 500, output: 29 }))
  })

  it('Gemini: thinking tokens billed as output', async () => {
    const { stored } = await jsonCall('gemini/gemini-3-pro-preview', fixtureJson('gemini/vercel-google-text.json'))
    expect(stored).toBe(handCost({ input: 2, output: 12, cacheRead: 0.2 }, { uncached: 9, output: 28 + 244 }))
  })

  it('Mistral', async () => {
    const { stored } = await jsonCall('mistral/mistral-small-latest', fixtureJson('mistral/vercel-mistral-text.json'))
    expect(stored).toBe(handCost({ input: 0.06, output: 0.18, cacheRead: 0.06 }, { uncached: 13, output: 434 }))
  })

  it('a model without a price records null and answers "unknown", never 0', async () => {
    const { header, stored } = await jsonCall('openai/no-such-priced-model', fixtureJson('openai/vercel-openai-text.json'))
    expect(stored).toBeNull()
    expect(header).toBe('unknown')
  })

  it('GET /admin/prices shows the table in force and the date it was taken', async () => {
    const res = await gw.request('/admin/prices')
    expect(res.status).toBe(200)
    const body = await res.json() as { taken_on: string; data: Array<Record<string, unknown>> }
    expect(body.taken_on).toBe('2026-07-24')
    expect(body.data.find((p) => p.provider === 'xai' && p.model === 'grok-3-mini')).toEqual({
      provider: 'xai', model: 'grok-3-mini', input_per_mtok: 0.3, output_per_mtok: 0.5, cache_read_per_mtok: 0.075,
      cache_write_per_mtok: 0.3, max_input_tokens: 131072, max_output_tokens: 131072,
    })
  })
})
