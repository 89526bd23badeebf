import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { usageReport } from '../../src/metering/usage-report.js'
import { fixtureJson } from '../support/fixtures.js'
import { METERING_T0, startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'

const HOUR = 3_600_000

interface Totals {
  requests: number; attempts: number; errors: number; input_tokens: number; output_tokens: number
  cost_pico_usd: string; cost_usd: number; unknown_cost_attempts: number; latency_p50_ms: number; latency_p95_ms: number
  ttft_p50_ms?: number | null; ttft_p95_ms?: number | null
}

/**
 * Report rows as compared here: the group and the numbers that matter. These calls are not streamed, so an
 * answered attempt's time to first token is its latency and a failed one has none: unless a group holds a
 * failed attempt, its ttft percentiles are its latency percentiles. Nothing was cached, so nothing saved.
 */
const row = (group: Record<string, string | null>, t: Totals) => ({
  group, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, ttft_p50_ms: t.latency_p50_ms, ttft_p95_ms: t.latency_p95_ms,
  error_rate: t.errors / t.attempts, cache_savings_pico_usd: '0', cache_savings_usd: 0, ...t,
})

// A recorded gpt-4.1-nano reply: 16 input and 363 output tokens, $0.0001468 at list price.
const ONE = { input_tokens: 16, output_tokens: 363 }
const keyA = { requests: 3, attempts: 3, errors: 1, input_tokens: 32, output_tokens: 726, cost_pico_usd: '293600000', cost_usd: 0.0002936, unknown_cost_attempts: 0, latency_p50_ms: 100, latency_p95_ms: 300 }
const keyB = { requests: 2, attempts: 2, errors: 0, input_tokens: 32, output_tokens: 726, cost_pico_usd: '146800000', cost_usd: 0.0001468, unknown_cost_attempts: 1, latency_p50_ms: 50, latency_p95_ms: 200 }
const everything = { requests: 5, attempts: 5, errors: 1, input_tokens: 64, output_tokens: 1452, cost_pico_usd: '440400000', cost_usd: 0.0004404, unknown_cost_attempts: 1, latency_p50_ms: 100, latency_p95_ms: 300 }
const byModel = [
  ['openai/broken', { requests: 1, attempts: 1, errors: 1, input_tokens: 0, output_tokens: 0, cost_pico_usd: '0', cost_usd: 0, unknown_cost_attempts: 0, latency_p50_ms: 10, latency_p95_ms: 10, ttft_p50_ms: null, ttft_p95_ms: null }],
  ['openai/gpt-4.1-nano', { requests: 3, attempts: 3, errors: 0, input_tokens: 48, output_tokens: 1089, cost_pico_usd: '440400000', cost_usd: 0.0004404, unknown_cost_attempts: 0, latency_p50_ms: 200, latency_p95_ms: 300 }],
  ['openai/unpriced-model', { requests: 1, attempts: 1, errors: 0, ...ONE, cost_pico_usd: '0', cost_usd: 0, unknown_cost_attempts: 1, latency_p50_ms: 50, latency_p95_ms: 50 }],
] as const

describe('usage reports after a known set of calls', () => {
  let m: MeteredGateway
  let a: string
  let b: string

  beforeAll(async () => {
    m = await startMeteredGateway()
    // The mock moves the clock by the latency each call should show, and fails the model named "broken".
    let latency = 0
    m.upstream.setHandler((req) => {
      m.clock.advance(latency)
      if ((req.body as { model: string }).model === 'broken') return { status: 500, json: { error: { message: 'boom', type: 'server_error' } } }
      return { json: fixtureJson('openai/vercel-openai-text.json') }
    })
    const create = async (name: string, team: string) => (await (await m.admin('POST', '/admin/keys', { name, team })).json()) as { id: string; key: string }
    const keyA = await create('a', 'red')
    const keyB = await create('b', 'blue')
    a = keyA.id
    b = keyB.id
    const call = async (key: string, at: number, ms: number, model = 'openai/gpt-4.1-nano') => {
      m.clock.set(at)
      latency = ms
      await m.chat(key, { model })
    }
    await call(keyA.key, METERING_T0, 100)
    await call(keyA.key, METERING_T0 + HOUR, 300)
    await call(keyB.key, METERING_T0 + 24 * HOUR, 200)
    await call(keyB.key, METERING_T0 + 24 * HOUR + 60_000, 50, 'openai/unpriced-model')
    await call(keyA.key, METERING_T0 + HOUR / 2, 10, 'openai/broken')
    await m.gw.deps.usage.flush()
  })
  afterAll(async () => {
    await m.close()
  })

  async function report(query: string) {
    const res = await m.admin('GET', `/admin/usage?from=2026-07-01&to=2026-08-01&${query}`)
    expect(res.status).toBe(200)
    return await res.json() as { data: unknown[]; group_by: string[]; from: string; to: string; price_table_date: string }
  }

  it('group_by=key', async () => {
    const body = await report('group_by=key')
    // SQLite orders the random key ids bytewise (upper case first), which localeCompare would not.
    expect(body.data).toEqual([row({ key: a }, keyA), row({ key: b }, keyB)].sort((x, y) => (String(x.group.key) < String(y.group.key) ? -1 : 1)))
    expect(body).toMatchObject({ from: '2026-07-01T00:00:00.000Z', to: '2026-08-01T00:00:00.000Z', group_by: ['key'], price_table_date: '2026-07-24', latency_percentiles: 'exact' })
  })

  it('group_by=team', async () => {
    expect((await report('group_by=team')).data).toEqual([row({ team: 'blue' }, keyB), row({ team: 'red' }, keyA)])
  })

  it('group_by=model and group_by=route (a single-target route is named after its model)', async () => {
    expect((await report('group_by=model')).data).toEqual(byModel.map(([model, t]) => row({ model }, t)))
    expect((await report('group_by=route')).data).toEqual(byModel.map(([route, t]) => row({ route }, t)))
  })

  it('group_by=provider, group_by=prompt and no group_by', async () => {
    expect((await report('group_by=provider')).data).toEqual([row({ provider: 'openai' }, everything)])
    expect((await report('group_by=prompt')).data).toEqual([row({ prompt: null }, everything)])
    expect((await report('')).data).toEqual([row({}, everything)])
  })

  it('group_by=day and group_by=hour (UTC)', async () => {
    expect((await report('group_by=day')).data).toEqual([row({ day: '2026-07-24' }, keyA), row({ day: '2026-07-25' }, keyB)])
    expect((await report('group_by=hour')).data).toEqual([
      row({ hour: '2026-07-24T12:00Z' }, { requests: 2, attempts: 2, errors: 1, ...ONE, cost_pico_usd: '146800000', cost_usd: 0.0001468, unknown_cost_attempts: 0, latency_p50_ms: 10, latency_p95_ms: 100, ttft_p50_ms: 100, ttft_p95_ms: 100 }),
      row({ hour: '2026-07-24T13:00Z' }, { requests: 1, attempts: 1, errors: 0, ...ONE, cost_pico_usd: '146800000', cost_usd: 0.0001468, unknown_cost_attempts: 0, latency_p50_ms: 300, latency_p95_ms: 300 }),
      row({ hour: '2026-07-25T12:00Z' }, keyB),
    ])
  })

  it('several dimensions at once, and filters', async () => {
    const both = (await report('group_by=team,day')).data
    expect(both).toEqual([row({ team: 'blue', day: '2026-07-25' }, keyB), row({ team: 'red', day: '2026-07-24' }, keyA)])
    expect((await report(`key=${b}`)).data).toEqual([row({}, keyB)])
    const narrow = await m.admin('GET', '/admin/usage?from=2026-07-24T13:00:00Z&to=2026-07-24T14:00:00Z')
    expect(((await narrow.json()) as { data: Array<{ requests: number }> }).data.map((r) => r.requests)).toEqual([1])
  })

  it('ragged edges: partial hours from the usage rows, whole hours from the rollups, the same exact sums', async () => {
    // 12:15 on the 24th (the broken call at 12:30 is in the partial first hour) to 12:00:30 on the 25th
    // (key B's first call at 12:00:00.200 in the partial last hour, its unpriced call at 12:01 outside).
    const res = await m.admin('GET', '/admin/usage?from=2026-07-24T12:15:00Z&to=2026-07-25T12:00:30Z&group_by=model')
    expect(((await res.json()) as { data: unknown[] }).data).toEqual([
      row({ model: 'openai/broken' }, byModel[0][1]),
      row({ model: 'openai/gpt-4.1-nano' }, { requests: 2, attempts: 2, errors: 0, input_tokens: 32, output_tokens: 726, cost_pico_usd: '293600000', cost_usd: 0.0002936, unknown_cost_attempts: 0, latency_p50_ms: 200, latency_p95_ms: 300 }),
    ])
  })

  it('large reports read p50/p95 from the latency histograms: the bucket bound, capped at the slowest attempt', async () => {
    const report = await usageReport(m.gw.deps.store.db, { from: Date.UTC(2026, 6, 1), to: Date.UTC(2026, 7, 1), groupBy: ['model'] }, { exactPercentilesMaxAttempts: 0 })
    expect(report.latency_percentiles).toBe('histogram')
    // gpt-4.1-nano took 100, 300 and 200 ms: rank 2 (200 ms) is in the bucket up to 224 ms, rank 3 (300 ms)
    // in the one up to 320 ms, capped at the 300 ms of the slowest; single attempts read their own latency.
    expect(report.data.map((r) => [r.group.model, r.latency_p50_ms, r.latency_p95_ms])).toEqual([
      ['openai/broken', 10, 10], ['openai/gpt-4.1-nano', 224, 300], ['openai/unpriced-model', 50, 50],
    ])
    // The time to first token histogram, the same way (the failed call has none).
    expect(report.data.map((r) => [r.group.model, r.ttft_p50_ms, r.ttft_p95_ms])).toEqual([
      ['openai/broken', null, null], ['openai/gpt-4.1-nano', 224, 300], ['openai/unpriced-model', 50, 50],
    ])
    // The sums do not depend on how the percentiles are found.
    const exact = await usageReport(m.gw.deps.store.db, { from: Date.UTC(2026, 6, 1), to: Date.UTC(2026, 7, 1), groupBy: ['model'] })
    const sums = (rows: typeof exact.data) => rows.map(({ latency_p50_ms: _p50, latency_p95_ms: _p95, ttft_p50_ms: _t50, ttft_p95_ms: _t95, ...rest }) => rest)
    expect(sums(report.data)).toEqual(sums(exact.data))
  })

  it('refuses a bad group_by or time, naming the parameter', async () => {
    for (const [query, param] of [['group_by=colour', 'group_by'], ['from=yesterday', 'from'], ['from=2026-08-01&to=2026-07-01', 'from']]) {
      const res = await m.admin('GET', `/admin/usage?${query}`)
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe(param)
    }
  })

  it('GET /admin/requests pages through the attempts, newest first, with filters', async () => {
    const seen: string[] = []
    let cursor = ''
    for (let page = 0; page < 5; page++) {
      const res = await m.admin('GET', `/admin/requests?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      const body = await res.json() as { data: Array<{ model: string; created_at: string }>; has_more: boolean; next_cursor: string | null }
      seen.push(...body.data.map((r) => `${r.created_at} ${r.model}`))
      if (!body.has_more) break
      cursor = body.next_cursor!
    }
    expect(seen).toEqual([
      '2026-07-25T12:01:00.050Z openai/unpriced-model',
      '2026-07-25T12:00:00.200Z openai/gpt-4.1-nano',
      '2026-07-24T13:00:00.300Z openai/gpt-4.1-nano',
      '2026-07-24T12:30:00.010Z openai/broken',
      '2026-07-24T12:00:00.100Z openai/gpt-4.1-nano',
    ])
    const errors = await (await m.admin('GET', '/admin/requests?status=error')).json() as { data: Array<Record<string, unknown>> }
    expect(errors.data).toHaveLength(1)
    expect(errors.data[0]).toMatchObject({ key_id: a, team: 'red', model: 'openai/broken', status: 500, outcome: 'error', cost_usd: null, latency_ms: 10 })
    const ofB = await (await m.admin('GET', `/admin/requests?key=${b}&model=openai/gpt-4.1-nano`)).json() as { data: Array<Record<string, unknown>> }
    expect(ofB.data).toHaveLength(1)
    expect(ofB.data[0]).toMatchObject({ input_tokens: 16, output_tokens: 363, cost_usd: 0.0001468, status: 200, outcome: 'success' })
    const inRange = await (await m.admin('GET', '/admin/requests?from=2026-07-25&status=200')).json() as { data: unknown[] }
    expect(inRange.data).toHaveLength(2)
  })
})
