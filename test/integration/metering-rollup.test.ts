import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { afterEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/log.js'
import { UsageRecorder, type UsageRow } from '../../src/metering/usage-recorder.js'
import { latencyColumns, rollUpStatements } from '../../src/metering/usage-rollup.js'
import { usageReport } from '../../src/metering/usage-report.js'
import * as schema from '../../src/store/schema.js'
import type { BatchStatement, Db, Store } from '../../src/store/store.js'
import { MIGRATIONS } from '../support/gateway.js'
import { chunkedUsageInserts } from '../../src/store/usage-inserts.js'

const T0 = Date.UTC(2026, 6, 24, 11, 58)
const MINUTE = 60_000

/** A store on in-memory SQLite whose next batch can be made to fail after its own statements ran (a disk that fills mid-write). */
function failingStore() {
  const client = new Database(':memory:')
  const orm = drizzle(client, { schema })
  migrate(orm, { migrationsFolder: MIGRATIONS })
  const db = orm as unknown as Db
  let failNext = 0
  const runAll = client.transaction((statements: BatchStatement[]) => {
    for (const statement of statements) (statement as unknown as { run(): unknown }).run()
  })
  const store: Store = {
    db,
    maxParams: 100,
    async batch(statements) {
      if (failNext > 0) {
        failNext--
        // The same key twice: the second insert breaks the primary key after everything else has run.
        const probe = () => db.insert(schema.settings).values({ key: 'probe', value: 'x' })
        runAll([...statements, probe(), probe()])
        return
      }
      runAll(statements)
    },
    async writeUsage(rows, after) {
      // Through batch(), so a write can be made to fail after its own statements ran.
      await store.batch([...chunkedUsageInserts(db, rows, 100), ...after] as [BatchStatement, ...BatchStatement[]])
    },
    async close() { client.close() },
  }
  return { client, store, failNextBatch: () => { failNext++ } }
}

let n = 0
function row(at: number, fields: Partial<UsageRow> = {}): UsageRow {
  n++
  return {
    requestId: `req_${n}`, attempt: 1, createdAt: at, keyId: 'key_a', team: 'red', provider: 'openai', model: 'openai/gpt-4.1-nano',
    route: 'openai/gpt-4.1-nano', status: 200, outcome: 'success', promptTokens: 16, completionTokens: 363, costPicoUsd: 146_800_000,
    latencyMs: 100, ...fields,
  }
}

/** The rollup table as the raw table aggregates it: the same columns, grouped the same way. */
function compareWithRaw(client: Database.Database, table: string, bucketMs: number) {
  const columns = `key_id, team, provider, model, route, prompt`
  const rollup = client.prepare(`SELECT bucket_start, ${columns}, attempts, requests, errors, input_tokens, cached_tokens, output_tokens,
    cost_pico_usd, unknown_cost_attempts, latency_max_ms, ${latencyColumns.join(', ')} FROM ${table} ORDER BY 1, 2, 3, 4, 5, 6, 7`).all()
  const raw = client.prepare(`SELECT (created_at / ${bucketMs}) * ${bucketMs} AS bucket_start, ${columns}, COUNT(*) AS attempts,
    SUM(attempt = 1) AS requests, SUM(outcome = 'error') AS errors, SUM(prompt_tokens) AS input_tokens, SUM(cached_tokens) AS cached_tokens,
    SUM(completion_tokens) AS output_tokens, COALESCE(SUM(cost_pico_usd), 0) AS cost_pico_usd,
    SUM(cost_pico_usd IS NULL AND (prompt_tokens > 0 OR completion_tokens > 0 OR outcome = 'success')) AS unknown_cost_attempts,
    MAX(latency_ms) AS latency_max_ms, ${latencyColumns.map((c) => `SUM(latency_ms <= ${c.slice('lat_le_'.length)}) AS ${c}`).join(', ')}
    FROM usage GROUP BY 1, ${columns} ORDER BY 1, 2, 3, 4, 5, 6, 7`).all()
  expect(rollup).toEqual(raw)
  return rollup.length
}

describe('usage rollups', () => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => {
    await close?.()
    close = undefined
  })

  it('equal the raw aggregation after flushes, a failed flush retried, nulls and rows from another writer', async () => {
    const { client, store, failNextBatch } = failingStore()
    close = () => store.close()
    const recorder = new UsageRecorder({ store, log: silentLogger, flushMs: 60_000 })
    // Rows of two hours and two days, a fallback (attempt 2), an error without tokens, an unpriced model, null dimensions.
    recorder.record(row(T0, { latencyMs: 100 }))
    recorder.record(row(T0 + MINUTE, { latencyMs: 300 }))
    recorder.record(row(T0 + MINUTE, { requestId: 'req_1', attempt: 2, model: 'openai/gpt-4o', latencyMs: 7 }))
    recorder.record(row(T0 + 3 * MINUTE, { outcome: 'error', status: 500, promptTokens: 0, completionTokens: 0, costPicoUsd: null, latencyMs: 10 }))
    await recorder.flush()
    // 11:00 gpt-4.1-nano, 11:00 gpt-4o, 12:00 gpt-4.1-nano.
    expect(compareWithRaw(client, 'usage_rollup_hourly', 3_600_000)).toBe(3)

    // A flush that fails after its inserts and upserts ran: nothing of it stays, and the retry counts once.
    failNextBatch()
    recorder.record(row(T0 + 4 * MINUTE, { latencyMs: 200 }))
    recorder.record(row(T0 + 24 * 60 * MINUTE, { keyId: null, team: null, route: null, model: 'openai/unpriced', costPicoUsd: null, latencyMs: 5_000_000 }))
    recorder.record(row(T0 + 24 * 60 * MINUTE, { keyId: null, team: null, route: null, model: 'openai/unpriced', costPicoUsd: null, latencyMs: 50, prompt: 'greet' }))
    await recorder.flush()
    expect(recorder.pending).toBe(3)
    expect(client.prepare('SELECT COUNT(*) AS n FROM usage').get()).toEqual({ n: 4 })
    expect(compareWithRaw(client, 'usage_rollup_hourly', 3_600_000)).toBe(3)
    await recorder.flush()
    expect(recorder.pending).toBe(0)
    expect(client.prepare('SELECT COUNT(*) AS n FROM usage').get()).toEqual({ n: 7 })

    // Rows another writer added (or rows from before the migration) are rolled up by the next flush.
    client.prepare(`INSERT INTO usage (request_id, attempt, created_at, key_id, provider, model, status, outcome, latency_ms, cost_pico_usd)
      VALUES ('req_other', 1, ?, 'key_a', 'openai', 'openai/gpt-4.1-nano', 200, 'success', 42, 5)`).run(T0 + 2 * MINUTE)
    recorder.record(row(T0 + 2 * MINUTE, { latencyMs: 120 }))
    await recorder.flush()

    // Same group, same hour: merged into one row, never a second one (the 12:00 gpt-4.1-nano group now holds
    // three rows); new: the other writer's null-team group, and the next day's two (prompt null and 'greet').
    expect(compareWithRaw(client, 'usage_rollup_hourly', 3_600_000)).toBe(6)
    expect(compareWithRaw(client, 'usage_rollup_daily', 86_400_000)).toBe(5)
    expect(client.prepare(`SELECT value FROM settings WHERE key = 'usage_rollup_through_id'`).get()).toEqual({ value: '9' })
    await recorder.close()
  })

  it('a report counts rows the rollups do not hold yet, exactly once', async () => {
    const { client, store } = failingStore()
    close = () => store.close()
    const recorder = new UsageRecorder({ store, log: silentLogger, flushMs: 60_000 })
    recorder.record(row(T0 + 5 * MINUTE))
    await recorder.flush()
    client.prepare(`INSERT INTO usage (request_id, attempt, created_at, provider, model, status, outcome, latency_ms, prompt_tokens, cost_pico_usd)
      VALUES ('req_late', 1, ?, 'openai', 'openai/gpt-4.1-nano', 200, 'success', 40, 1, 7)`).run(T0 + 5 * MINUTE)
    const day = { from: Date.UTC(2026, 6, 1), to: Date.UTC(2026, 7, 1), groupBy: [] }
    const before = await usageReport(store.db, day)
    expect(before.data.map((r) => [r.attempts, r.input_tokens, r.cost_pico_usd])).toEqual([[2, 17, '146800007']])
    // Rolling up changes where the rows are read from, not the totals.
    const statements = rollUpStatements(store.db)
    await store.batch(statements)
    expect((await usageReport(store.db, day)).data).toEqual(before.data)
  })
})
