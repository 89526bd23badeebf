import Database from 'better-sqlite3'
import { sql, type SQL } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertSyntheticUsage } from '../../bench/synthetic-usage.js'
import { requestLog, requestLogStatement } from '../../src/metering/request-log.js'
import { usageReport, type UsageReportQuery } from '../../src/metering/usage-report.js'
import { exactPercentilesSql, ttftTotalsSql, usageTotalsSql } from '../../src/metering/usage-report-sql.js'
import type { Db } from '../../src/store/store.js'
import { MIGRATIONS } from '../support/gateway.js'

const END = Date.UTC(2026, 6, 1)
const DAY = 86_400_000

describe('a million usage rows: the report queries use the indexes and the rollups', () => {
  let client: Database.Database
  let db: Db

  beforeAll(() => {
    client = new Database(':memory:')
    const orm = drizzle(client)
    migrate(orm, { migrationsFolder: MIGRATIONS })
    db = orm as unknown as Db
    insertSyntheticUsage(client, { rows: 1_000_000, end: END, days: 30 })
  }, 600_000)
  afterAll(() => {
    client.close()
  })

  function planOf(query: SQL): string[] {
    return drizzle(client).all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${query}`).map((r) => r.detail)
  }

  /** The exact-percentile statement: the raw rows of the range (the report runs it on small ranges only). */
  function reportPlan(query: Partial<UsageReportQuery>): string[] {
    return planOf(exactPercentilesSql({ from: END - DAY, to: END, groupBy: ['model'], ...query }))
  }

  function totalsPlan(query: Partial<UsageReportQuery>): string[] {
    return planOf(usageTotalsSql({ from: END - 30 * DAY, to: END, groupBy: ['model'], ...query }))
  }

  /** No step reads the whole table: every access to usage goes through an index. */
  function expectIndexed(plan: string[], index: string): void {
    expect(plan.some((step) => step.includes(`INDEX ${index}`)), plan.join(' | ')).toBe(true)
    expect(plan.filter((step) => /^SCAN usage$/.test(step) || /^SCAN usage /.test(step) && !step.includes('INDEX')), plan.join(' | ')).toEqual([])
  }

  it('has a million rows', () => {
    expect(client.prepare('SELECT COUNT(*) AS n FROM usage').get()).toEqual({ n: 1_000_000 })
  })

  it('a time range reads the created_at index', () => {
    expectIndexed(reportPlan({ groupBy: ['model'] }), 'usage_created_idx')
    expectIndexed(reportPlan({ groupBy: ['team', 'day'] }), 'usage_created_idx')
    expectIndexed(reportPlan({ groupBy: [] }), 'usage_created_idx')
  })

  it('the totals read whole days and hours from the rollups, the edges and not-yet-rolled-up rows by index', () => {
    // Ragged edges: raw rows before the first whole hour and after the last, hourly rollup up to the first
    // whole day and after the last, the daily rollup between.
    const plan = totalsPlan({ from: END - 30 * DAY - 1_234_567, to: END - 1_234_567 })
    for (const index of ['usage_rollup_daily_group_idx', 'usage_rollup_hourly_group_idx', 'usage_created_idx']) expectIndexed(plan, index)
    expect(plan.some((step) => /^SEARCH usage USING INTEGER PRIMARY KEY \(rowid>\?\)/.test(step)), plan.join(' | ')).toBe(true)
    expect(plan.filter((step) => /^SCAN usage_rollup/.test(step)), plan.join(' | ')).toEqual([])
    // By hour: the hourly rollup only.
    const byHour = totalsPlan({ groupBy: ['provider', 'hour'] })
    expectIndexed(byHour, 'usage_rollup_hourly_group_idx')
    expect(byHour.join(' | ')).not.toContain('usage_rollup_daily')
  })

  it('the totals over the rollups equal the raw table\'s exact sums, whatever the edges', async () => {
    for (const [from, to] of [[END - 30 * DAY - 1_234_567, END - 1_234_567], [END - 7 * DAY + 59_999, END - 3 * 3_600_000 + 1]] as Array<[number, number]>) {
      const report = await usageReport(db, { from, to, groupBy: ['provider'] })
      const raw = client.prepare(`SELECT provider, COUNT(*) AS attempts, SUM(attempt = 1) AS requests, SUM(outcome = 'error') AS errors,
        SUM(prompt_tokens) AS input_tokens, SUM(cached_tokens) AS cached_tokens, SUM(completion_tokens) AS output_tokens,
        CAST(COALESCE(SUM(cost_pico_usd), 0) AS TEXT) AS cost_pico_usd, SUM(cost_pico_usd IS NULL AND outcome = 'success') AS unknown_cost_attempts
        FROM usage WHERE created_at >= ? AND created_at < ? GROUP BY provider ORDER BY provider`).all(from, to)
      expect(report.data.map((r) => ({
        provider: r.group.provider, attempts: r.attempts, requests: r.requests, errors: r.errors, input_tokens: r.input_tokens,
        cached_tokens: r.cached_tokens, output_tokens: r.output_tokens, cost_pico_usd: r.cost_pico_usd, unknown_cost_attempts: r.unknown_cost_attempts,
      }))).toEqual(raw)
      expect(report.latency_percentiles).toBe('histogram')
    }
  })

  it('the ttft histogram of a large report reads the ttft rollups and the usage rows by index, like the totals', () => {
    const plan = planOf(ttftTotalsSql({ from: END - 30 * DAY - 1_234_567, to: END - 1_234_567, groupBy: ['model'] }))
    for (const index of ['usage_ttft_rollup_daily_group_idx', 'usage_ttft_rollup_hourly_group_idx', 'usage_created_idx']) expectIndexed(plan, index)
    expect(plan.some((step) => /^SEARCH usage USING INTEGER PRIMARY KEY \(rowid>\?\)/.test(step)), plan.join(' | ')).toBe(true)
    expect(plan.filter((step) => /^SCAN usage_ttft_rollup/.test(step)), plan.join(' | ')).toEqual([])
  })

  it('a key or model filter reads its own index', () => {
    expectIndexed(reportPlan({ keyId: 'key_7', from: END - 30 * DAY }), 'usage_key_created_idx')
    expectIndexed(reportPlan({ model: 'openai/gpt-4o', groupBy: ['key'] }), 'usage_model_created_idx')
  })

  it('the request log pages from an index without sorting the table', () => {
    const pages: Array<[Parameters<typeof requestLogStatement>[1], string]> = [
      [{ limit: 100 }, 'usage_created_idx'],
      [{ limit: 100, keyId: 'key_7', status: 'error' }, 'usage_key_created_idx'],
      [{ limit: 100, model: 'openai/gpt-4o', cursor: `${END - DAY}-500000` }, 'usage_model_created_idx'],
      // A team admin's log: its team only (issue 15).
      [{ limit: 100, team: 'team-3' }, 'usage_team_created_idx'],
    ]
    for (const [query, index] of pages) {
      const { sql: text, params } = requestLogStatement(db, query).toSQL()
      const plan = (client.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail)
      expectIndexed(plan, index)
      expect(plan.join(' | ')).not.toContain('TEMP B-TREE FOR ORDER BY')
    }
  })

  it('answers on the million rows (sizes only; the timing is bench/usage-report.ts\'s job)', async () => {
    const day = await usageReport(db, { from: END - DAY, to: END, groupBy: ['provider'] })
    expect(day.data.map((r) => r.group.provider)).toEqual(['anthropic', 'gemini', 'groq', 'mistral', 'ollama', 'openai'])
    const page = await requestLog(db, { limit: 50, keyId: 'key_7' })
    expect(page.data).toHaveLength(50)
    expect(page.has_more).toBe(true)
  })
})
