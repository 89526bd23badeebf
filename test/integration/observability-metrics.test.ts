import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeRuntimeSampler } from '../../src/observability/runtime-metrics.js'
import { fixtureJson } from '../support/fixtures.js'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'
import { parsePrometheusText, sampleValue, type Exposition } from '../support/metering-prometheus.js'

const json = { 'content-type': 'application/json' }
// 379 tokens at $100 per million: $0.0379 a call, past a $0.01 budget in one call.
const file = {
  prices: { 'openai/gpt-4.1-nano': { input_per_mtok: 100, output_per_mtok: 100 } },
  routes: { duo: { strategy: 'fallback', targets: ['openai/gpt-4.1-nano', 'openai/gpt-4o'] } },
}

/** Every family is declared once with HELP and TYPE; counters end in _total, histograms measure seconds. */
function checkConventions(text: string, exposition: Exposition): void {
  const help = new Set([...text.matchAll(/^# HELP (\S+) \S/gm)].map((m) => m[1]))
  const typeLines = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1])
  expect(new Set(typeLines).size).toBe(typeLines.length)
  for (const [name, type] of exposition.types) {
    expect(help.has(name), `HELP for ${name}`).toBe(true)
    expect(name).toMatch(/^[a-z_][a-z0-9_]*$/)
    if (type === 'counter') expect(name).toMatch(/_total$/)
    else expect(name).not.toMatch(/_total$/)
    if (type === 'histogram') expect(name).toMatch(/_seconds$/)
  }
}

/** The series, the process's own GC kinds aside (a bounded set that fills as the collector runs). */
function seriesIds(exposition: Exposition): Set<string> {
  return new Set(exposition.samples.filter((s) => !s.name.startsWith('nodejs_gc_')).map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`))
}

describe('GET /metrics stays bounded and counts client requests', () => {
  let m: MeteredGateway
  const runtime = nodeRuntimeSampler({ process, monitorEventLoopDelay, PerformanceObserver })

  beforeAll(async () => {
    m = await startMeteredGateway({ file, assemble: { runtime } })
    m.upstream.setHandler((req) => {
      const body = req.body as { model: string }
      if (body.model.startsWith('made-up-') && Number(body.model.slice(8)) % 25 === 0) return { status: 404, json: { error: { message: `The model ${body.model} does not exist`, type: 'invalid_request_error', code: 'model_not_found' } } }
      m.clock.advance(120)
      return { json: fixtureJson('openai/vercel-openai-text.json') }
    })
  })
  afterAll(async () => {
    runtime.stop()
    await m.close()
  })

  async function scrape(): Promise<{ text: string; exposition: Exposition }> {
    const res = await m.gw.request('/metrics')
    expect(res.status).toBe(200)
    const text = await res.text()
    return { text, exposition: parsePrometheusText(text) }
  }

  async function madeUpCalls(key: string, from: number, to: number): Promise<void> {
    for (let start = from; start < to; start += 50) {
      const batch = []
      for (let i = start; i < Math.min(to, start + 50); i++) {
        // Every fifth name goes upstream (the slow path, and the one that once grew a series per name).
        if (i % 5 === 0) {
          batch.push(m.gw.request('/v1/chat/completions', {
            key, method: 'POST', headers: json,
            body: JSON.stringify({ model: `openai/made-up-${i}`, messages: [{ role: 'user', content: 'hi' }] }),
          }).then((r) => r.arrayBuffer()))
        }
        batch.push(m.gw.request('/v1/chat/completions', {
          key, method: 'POST', headers: json,
          body: JSON.stringify({ model: `nowhere-${i}/model`, messages: [{ role: 'user', content: 'hi' }] }),
        }).then((r) => r.arrayBuffer()))
      }
      await Promise.all(batch)
    }
  }

  it('3,000 made-up model names add no series: they are all "other"', { timeout: 120_000 }, async () => {
    const key = (await (await m.admin('POST', '/admin/keys', { name: 'flood' })).json() as { key: string }).key
    await madeUpCalls(key, 0, 50)
    await scrape() // a scrape is itself a request: the first one adds its own series
    const before = await scrape()
    await madeUpCalls(key, 50, 3_000)
    const after = await scrape()
    expect(seriesIds(after.exposition)).toEqual(seriesIds(before.exposition))
    // Only the counts grow, never the lines: the body stays within a few hundred bytes of the first scrape.
    expect(after.text.length - before.text.length).toBeLessThan(600)
    expect(after.text).not.toContain('made-up-')
    expect(after.text).not.toContain('nowhere-')
    const x = after.exposition
    expect(sampleValue(x, 'manifold_upstream_attempts_total', { provider: 'openai', model: 'other', outcome: 'success' })).toBe(600 - 120)
    expect(sampleValue(x, 'manifold_upstream_attempts_total', { provider: 'openai', model: 'other', outcome: 'error' })).toBe(120)
    expect(sampleValue(x, 'manifold_upstream_errors_total', { provider: 'openai', model: 'other', error_type: 'model_not_found' })).toBe(120)
    expect(sampleValue(x, 'manifold_http_requests_total', { surface: 'chat', route: 'other', status_class: '2xx', code: '' })).toBe(480)
    expect(sampleValue(x, 'manifold_http_requests_total', { surface: 'chat', route: 'other', status_class: '4xx', code: 'model_not_found' })).toBe(120)
    expect(sampleValue(x, 'manifold_http_requests_total', { surface: 'chat', route: 'none', status_class: '4xx', code: 'model_not_found' })).toBe(3_000)
    expect(sampleValue(x, 'manifold_refusals_total', { surface: 'chat', reason: 'not_found', code: 'model_not_found' })).toBe(3_000)
  })

  it('counts refusals by reason: auth, rate limit, budget, body size', async () => {
    const limited = (await (await m.admin('POST', '/admin/keys', { name: 'rpm', rpm: 1 })).json() as { key: string }).key
    const budgeted = (await (await m.admin('POST', '/admin/keys', { name: 'budget', budget_usd: 0.01, budget_period: 'total' })).json() as { key: string }).key
    const chat = (key: string | null, body: Record<string, unknown> = {}) => m.gw.request('/v1/chat/completions', {
      key, method: 'POST', headers: json, body: JSON.stringify({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }], ...body }),
    })
    expect((await chat(null)).status).toBe(401)
    expect((await chat('mk-wrong-key-0000000000000000000000')).status).toBe(401)
    expect((await chat(limited)).status).toBe(200)
    expect((await chat(limited)).status).toBe(429)
    // A call holds its worst case (max_tokens at the output price) until it ends: 16 tokens fit the budget,
    // and the recorded answer's real cost (379 tokens at $100/Mtok) then uses it up.
    expect((await chat(budgeted, { max_tokens: 16 })).status).toBe(200)
    await m.gw.deps.usage.flush()
    expect((await chat(budgeted, { max_tokens: 16 })).status).toBe(429)
    const x = (await scrape()).exposition
    expect(sampleValue(x, 'manifold_refusals_total', { reason: 'auth', code: 'missing_api_key' })).toBe(1)
    expect(sampleValue(x, 'manifold_refusals_total', { reason: 'auth', code: 'invalid_api_key' })).toBe(1)
    expect(sampleValue(x, 'manifold_refusals_total', { reason: 'rate_limit', code: 'rate_limit_exceeded' })).toBe(1)
    expect(sampleValue(x, 'manifold_refusals_total', { reason: 'budget', code: 'insufficient_quota' })).toBe(1)
    expect(sampleValue(x, 'manifold_http_requests_total', { surface: 'chat', route: 'openai/gpt-4.1-nano', status_class: '2xx', code: '' })).toBe(2)
    expect(sampleValue(x, 'manifold_http_requests_total', { surface: 'chat', route: 'none', status_class: '4xx', code: 'rate_limit_exceeded' })).toBe(1)
  })

  it('configured routes keep their name, a route sent in the x-manifold-route header is "custom"', async () => {
    const key = (await (await m.admin('POST', '/admin/keys', { name: 'routes' })).json() as { key: string }).key
    const chat = (model: string, headers: Record<string, string> = {}) => m.gw.request('/v1/chat/completions', {
      key, method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect((await chat('duo')).status).toBe(200)
    expect((await chat('anything', { 'x-manifold-route': JSON.stringify({ strategy: 'single', targets: ['openai/gpt-4o'] }) })).status).toBe(200)
    const x = (await scrape()).exposition
    expect(sampleValue(x, 'manifold_http_requests_total', { route: 'duo', status_class: '2xx' })).toBe(1)
    expect(sampleValue(x, 'manifold_http_requests_total', { route: 'custom', status_class: '2xx' })).toBe(1)
    expect(sampleValue(x, 'manifold_http_request_duration_seconds_count', { surface: 'chat', status_class: '2xx' })).toBeGreaterThanOrEqual(2)
    expect(sampleValue(x, 'manifold_http_time_to_first_token_seconds_bucket', { surface: 'chat', le: '0.25' })).toBeGreaterThanOrEqual(2)
  })

  it('is valid exposition text with HELP and TYPE for every family, and has the process metrics', async () => {
    const { text, exposition } = await scrape()
    checkConventions(text, exposition)
    for (const family of ['manifold_http_requests_total', 'manifold_refusals_total', 'manifold_http_request_duration_seconds', 'manifold_upstream_attempts_total', 'manifold_upstream_duration_seconds', 'manifold_upstream_time_to_first_token_seconds']) {
      expect(exposition.types.has(family), family).toBe(true)
    }
    expect(sampleValue(exposition, 'process_resident_memory_bytes', {})).toBeGreaterThan(10_000_000)
    expect(sampleValue(exposition, 'nodejs_heap_size_used_bytes', {})).toBeGreaterThan(1_000_000)
    expect(sampleValue(exposition, 'nodejs_active_resources', {})).toBeGreaterThan(0)
    expect(sampleValue(exposition, 'process_cpu_seconds_total', {})).toBeGreaterThan(0)
    expect(exposition.types.get('nodejs_eventloop_lag_p99_seconds')).toBe('gauge')
    expect(exposition.types.get('nodejs_gc_duration_seconds_total')).toBe('counter')
  })
})
