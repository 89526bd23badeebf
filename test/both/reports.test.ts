import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import recorded from '../fixtures/openai/vercel-openai-text.json' with { type: 'json' }
import { gateway } from './harness.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

interface ReportBody {
  object: string
  group_by: string[]
  data: Array<{ group: Record<string, string | null>; requests: number; attempts: number; input_tokens: number; output_tokens: number }>
}

async function report(query: string): Promise<{ status: number; body: ReportBody }> {
  const res = await gateway.call(`/admin/usage?${query}`, { key: gateway.adminKey })
  return { status: res.status, body: (await res.json()) as ReportBody }
}

async function chat(key: string, requestId: string): Promise<void> {
  const res = await gateway.call('/v1/chat/completions', {
    method: 'POST', key, headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }),
  })
  expect(res.status).toBe(200)
  await res.text()
  expect(await gateway.usageRows(requestId)).toHaveLength(1)
}

/** A usage row from before the rollups existed (another writer), days ago: read from the usage table by id. */
async function insertOldRow(keyId: string, createdAt: number): Promise<void> {
  await gateway.db.run(sql`INSERT INTO usage (request_id, attempt, created_at, key_id, provider, model, status, outcome, prompt_tokens,
    completion_tokens, cost_pico_usd, latency_ms) VALUES (${`report-old-${createdAt}`}, 1, ${createdAt}, ${keyId}, 'openai', 'openai/gpt-4o-mini', 200, 'success', 100, 10, 1000, 42)`)
}

describe(`GET /admin/usage (${gateway.runtime}; D1 allows at most 5 terms per compound SELECT)`, () => {
  it('answers every range and grouping with the exact totals of the key', async () => {
    const { id, key } = await gateway.createKey({ name: 'reports' })
    await chat(key, `report-1-${id}`)
    await chat(key, `report-2-${id}`)
    await insertOldRow(id, Date.now() - 3 * DAY - 2 * HOUR)
    const { prompt_tokens: input, completion_tokens: output } = recorded.usage

    // The default range (30 days up to now) reads six parts: two raw edges, hourly, daily, hourly, unrolled rows.
    const whole = await report(`key=${id}`)
    expect(whole.status).toBe(200)
    expect(whole.body.data).toEqual([expect.objectContaining({ group: {}, requests: 3, attempts: 3, input_tokens: 2 * input + 100, output_tokens: 2 * output + 10 })])

    const lastWeek = await report(`key=${id}&from=7d`)
    expect(lastWeek.status).toBe(200)
    expect(lastWeek.body.data).toEqual([expect.objectContaining({ requests: 3, input_tokens: 2 * input + 100 })])

    const lastDay = await report(`key=${id}&from=1d`)
    expect(lastDay.body.data).toEqual([expect.objectContaining({ requests: 2, input_tokens: 2 * input })])

    const byDay = await report(`key=${id}&group_by=day`)
    expect(byDay.status).toBe(200)
    expect(byDay.body.data.map((r) => r.requests).reduce((a, b) => a + b, 0)).toBe(3)
    expect(byDay.body.data.at(-1)).toMatchObject({ group: { day: new Date().toISOString().slice(0, 10) } })

    const byHour = await report(`key=${id}&from=7d&group_by=hour,model`)
    expect(byHour.status).toBe(200)
    expect(byHour.body.data.map((r) => r.requests).reduce((a, b) => a + b, 0)).toBe(3)
    expect(byHour.body.data.every((r) => r.group.model === 'openai/gpt-4o-mini')).toBe(true)

    for (const groupBy of ['key', 'team', 'model', 'provider', 'route', 'prompt', 'key,day', 'team,model,hour']) {
      const grouped = await report(`key=${id}&from=30d&group_by=${groupBy}`)
      expect(grouped.status, groupBy).toBe(200)
      expect(grouped.body.data.map((r) => r.attempts).reduce((a, b) => a + b, 0), groupBy).toBe(3)
    }

    // Absolute bounds off the hour on both sides, across many days.
    const from = new Date(Date.now() - 20 * DAY - 17 * 60_000).toISOString()
    const to = new Date(Date.now() + 2 * HOUR + 60_000).toISOString()
    const absolute = await report(`key=${id}&from=${from}&to=${to}&group_by=key`)
    expect(absolute.status).toBe(200)
    expect(absolute.body.data).toEqual([expect.objectContaining({ group: { key: id }, requests: 3 })])
  })
})
