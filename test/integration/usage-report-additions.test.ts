import { ne } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportParts } from '../../src/metering/usage-report-sql.js'
import { usageReport } from '../../src/metering/usage-report.js'
import { usage } from '../../src/store/schema.js'
import { fixtureJson } from '../support/fixtures.js'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'
import { additionsOf, byModelQuery, DATASET_KEY, DATASET_EXPECTED, DATASET_QUERY, wholeQuery, writeDataset } from '../support/report-dataset.js'

/** Issue 15's report additions on SQLite: ttft p50/p95, error rate and cache savings, exact and from the rollups. */
describe('usage report additions', () => {
  let m: MeteredGateway
  beforeAll(async () => {
    m = await startMeteredGateway()
    await writeDataset(m.gw.deps.store)
  })
  afterAll(async () => {
    await m.close()
  })

  it('reads six parts for the dataset\'s range (ragged edges, hours, a day)', () => {
    expect(reportParts(wholeQuery)).toHaveLength(6)
  })

  it('GET /admin/usage shows them per row, exact on a small report', async () => {
    const from = new Date(DATASET_QUERY.from).toISOString()
    const to = new Date(DATASET_QUERY.to).toISOString()
    const res = await m.admin('GET', `/admin/usage?from=${from}&to=${to}&key=${DATASET_QUERY.keyId}&group_by=model`)
    const body = await res.json() as { data: Array<Parameters<typeof additionsOf>[0] & { group: { model: string } }> }
    expect(body.data.map((r) => [r.group.model, ...additionsOf(r)])).toEqual([
      ['openai/gpt-4o', ...DATASET_EXPECTED.exact['gpt-4o']],
      ['openai/gpt-4o-mini', ...DATASET_EXPECTED.exact['gpt-4o-mini']],
    ])
    const whole = await (await m.admin('GET', `/admin/usage?from=${from}&to=${to}&key=${DATASET_QUERY.keyId}`)).json() as { data: Array<Parameters<typeof additionsOf>[0]> }
    expect(whole.data.map(additionsOf)).toEqual([DATASET_EXPECTED.exact.all])
  })

  it('reads ttft percentiles from the ttft rollups on a large report', async () => {
    const byModel = await usageReport(m.gw.deps.store.db, byModelQuery, { exactPercentilesMaxAttempts: 0 })
    expect(byModel.latency_percentiles).toBe('histogram')
    expect(byModel.data.map(additionsOf)).toEqual([DATASET_EXPECTED.histogram['gpt-4o'], DATASET_EXPECTED.histogram['gpt-4o-mini']])
    const whole = await usageReport(m.gw.deps.store.db, wholeQuery, { exactPercentilesMaxAttempts: 0 })
    expect(whole.data.map(additionsOf)).toEqual([DATASET_EXPECTED.histogram.all])
  })

  it('records cache savings at call time from the price table: cached tokens at the input price minus the cache-read price', async () => {
    const reply = fixtureJson('openai/vercel-openai-text.json') as { usage: Record<string, unknown> }
    m.upstream.setHandler(() => ({ json: { ...reply, usage: { ...reply.usage, prompt_tokens_details: { cached_tokens: 12 } } } }))
    const key = await m.gw.createKey({ name: 'cached' })
    const res = await m.chat(key, { model: 'openai/gpt-4.1-nano' })
    expect(res.status).toBe(200)
    await m.gw.deps.usage.flush()
    const price = m.gw.deps.prices.lookup('openai', 'gpt-4.1-nano')!
    // gpt-4.1-nano: $0.10 input and $0.025 cached input per million tokens.
    expect([price.inputPicoPerToken, price.cacheReadPicoPerToken]).toEqual([100_000, 25_000])
    const rows = await m.gw.deps.store.db.select({ cached: usage.cachedTokens, savings: usage.cacheSavingsPicoUsd }).from(usage).where(ne(usage.keyId, DATASET_KEY))
    expect(rows).toEqual([{ cached: 12, savings: 12 * 75_000 }])
  })
})
