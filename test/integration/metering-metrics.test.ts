import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'
import { parsePrometheusText, sampleValue } from '../support/metering-prometheus.js'
import { sseFromRaw } from '../support/mock-upstream.js'

const METRICS_TOKEN = 'metrics-scrape-token-0123456789'

describe('GET /metrics', () => {
  let m: MeteredGateway

  beforeAll(async () => {
    m = await startMeteredGateway({ env: { MANIFOLD_METRICS_TOKEN: METRICS_TOKEN } })
    m.upstream.setHandler((req) => {
      const body = req.body as { model: string; stream?: boolean }
      m.clock.advance(body.model === 'gpt-4o' ? 700 : 120)
      if (body.model === 'broken') return { status: 503, json: { error: { message: 'overloaded', type: 'server_error' } } }
      if (body.stream) return { sse: sseFromRaw(fixtureText('openai/python-stream-finish-length.sse')) }
      return { json: fixtureJson('openai/vercel-openai-text.json') }
    })
    const key = (await (await m.admin('POST', '/admin/keys', { name: 'k' })).json() as { key: string }).key
    await m.chat(key)
    await m.chat(key)
    await m.chat(key, { model: 'openai/broken' })
    const stream = await m.chat(key, { model: 'openai/gpt-4o', stream: true })
    await stream.text()
  })
  afterAll(async () => {
    await m.close()
  })

  async function scrape(token: string | null) {
    return m.gw.request('/metrics', { key: token })
  }

  it('answers the admin key and the metrics token; refuses a client key and no key', async () => {
    expect((await scrape(m.gw.adminKey)).status).toBe(200)
    const withToken = await scrape(METRICS_TOKEN)
    expect(withToken.status).toBe(200)
    expect(withToken.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const client = (await (await m.admin('POST', '/admin/keys', { name: 'c' })).json() as { key: string }).key
    expect((await scrape(client)).status).toBe(403)
    expect((await scrape(null)).status).toBe(401)
  })

  it('parses as Prometheus text and its counters match the calls made', async () => {
    const text = await (await scrape(METRICS_TOKEN)).text()
    const x = parsePrometheusText(text)
    const nano = { provider: 'openai', model: 'openai/gpt-4.1-nano' }
    const gpt4o = { provider: 'openai', model: 'openai/gpt-4o' }
    // A model neither configured nor priced is not a label value of its own.
    const broken = { provider: 'openai', model: 'other' }
    expect(x.samples.some((s) => s.labels.model === 'openai/broken')).toBe(false)
    expect(x.types.get('manifold_upstream_attempts_total')).toBe('counter')
    expect(x.types.get('manifold_upstream_duration_seconds')).toBe('histogram')
    expect(sampleValue(x, 'manifold_upstream_attempts_total', { ...nano, outcome: 'success' })).toBe(2)
    expect(sampleValue(x, 'manifold_upstream_attempts_total', { ...gpt4o, outcome: 'success' })).toBe(1)
    expect(sampleValue(x, 'manifold_upstream_attempts_total', { ...broken, outcome: 'error' })).toBe(1)
    expect(sampleValue(x, 'manifold_upstream_errors_total', broken)).toBe(1)
    expect(sampleValue(x, 'manifold_tokens_total', { ...nano, kind: 'input' })).toBe(32)
    expect(sampleValue(x, 'manifold_tokens_total', { ...nano, kind: 'output' })).toBe(726)
    expect(sampleValue(x, 'manifold_tokens_total', { ...gpt4o, kind: 'input' })).toBe(79)
    expect(sampleValue(x, 'manifold_tokens_total', { ...gpt4o, kind: 'output' })).toBe(1)
    // 2 × $0.0001468; gpt-4o: 79 × $2.50/M + 1 × $10/M.
    expect(sampleValue(x, 'manifold_cost_usd_total', nano)).toBe(0.0002936)
    expect(sampleValue(x, 'manifold_cost_usd_total', gpt4o)).toBe(0.0002075)
    expect(sampleValue(x, 'manifold_upstream_duration_seconds_count', nano)).toBe(2)
    expect(sampleValue(x, 'manifold_upstream_duration_seconds_sum', nano)).toBe(0.24)
    expect(sampleValue(x, 'manifold_upstream_duration_seconds_bucket', { ...nano, le: '0.1' })).toBe(0)
    expect(sampleValue(x, 'manifold_upstream_duration_seconds_bucket', { ...nano, le: '0.25' })).toBe(2)
    expect(sampleValue(x, 'manifold_upstream_duration_seconds_bucket', { ...gpt4o, le: '0.5' })).toBe(0)
    expect(sampleValue(x, 'manifold_upstream_duration_seconds_bucket', { ...gpt4o, le: '1' })).toBe(1)
    expect(sampleValue(x, 'manifold_upstream_time_to_first_token_seconds_count', gpt4o)).toBe(1)
    expect(sampleValue(x, 'manifold_upstream_time_to_first_token_seconds_bucket', { ...gpt4o, le: '+Inf' })).toBe(1)
    expect(x.types.get('manifold_target_cooldown')).toBe('gauge')
  })

  it('reports every usage batch write: a duration histogram, the slowest write and the rows written', async () => {
    await m.gw.deps.usage.flush()
    const x = parsePrometheusText(await (await scrape(METRICS_TOKEN)).text())
    expect(x.types.get('manifold_usage_flush_seconds')).toBe('histogram')
    expect(x.types.get('manifold_usage_flush_max_seconds')).toBe('gauge')
    // Four chat attempts were made before this scrape; the key creations write no usage rows.
    expect(sampleValue(x, 'manifold_usage_rows_written_total', {})).toBe(4)
    expect(sampleValue(x, 'manifold_usage_flush_failures_total', {})).toBe(0)
    const flushes = sampleValue(x, 'manifold_usage_flush_seconds_count', {})
    expect(flushes).toBeGreaterThanOrEqual(1)
    expect(sampleValue(x, 'manifold_usage_flush_seconds_bucket', { le: '+Inf' })).toBe(flushes)
    const max = sampleValue(x, 'manifold_usage_flush_max_seconds', {}) ?? 0
    expect(max).toBeGreaterThan(0)
    expect(sampleValue(x, 'manifold_usage_flush_seconds_sum', {})).toBeGreaterThanOrEqual(max)
    // The in-process test store writes inline: the whole write holds the event loop.
    expect(sampleValue(x, 'manifold_usage_flush_blocking_seconds_count', {})).toBe(flushes)
    const blockingMax = sampleValue(x, 'manifold_usage_flush_blocking_max_seconds', {}) ?? 0
    expect(blockingMax).toBeGreaterThan(0)
    expect(blockingMax).toBeLessThanOrEqual(max)
  })
})
