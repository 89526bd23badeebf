/**
 * How long the usage report takes on a million rows: `npx tsx bench/usage-report.ts [rows]`.
 * Builds a temporary SQLite file with the gateway's migrations, fills it (and rolls it up), and times each
 * group_by twice: "before", the single raw-table query the report used before the rollups (exact
 * percentiles and COUNT(DISTINCT request_id) over every row of the range), and "after", today's report.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { requestLog } from '../src/metering/request-log.js'
import { usageReport, type ReportDimension } from '../src/metering/usage-report.js'
import type { Db } from '../src/store/store.js'
import { legacyUsageReportSql } from './legacy-usage-report.js'
import { insertSyntheticUsage } from './synthetic-usage.js'

const rows = Number(process.argv[2] ?? 1_000_000)
const skipBefore = process.argv.includes('--after-only')
const dir = mkdtempSync(join(tmpdir(), 'manifold-bench-'))
const client = new Database(join(dir, 'usage.db'))
// A throwaway file: no journal, no fsync, so the million rows go in quickly.
client.pragma('journal_mode = OFF')
client.pragma('synchronous = OFF')
client.pragma('cache_size = -200000')
const orm = drizzle(client)
migrate(orm, { migrationsFolder: join(import.meta.dirname, '..', 'migrations') })
const db = orm as unknown as Db

const end = Date.UTC(2026, 6, 1)
let started = performance.now()
insertSyntheticUsage(client, { rows, end, days: 30 })
client.exec('ANALYZE')
const rollupRows = (table: string) => (client.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
console.log(`inserted and rolled up ${rows} rows in ${(performance.now() - started).toFixed(0)} ms (hourly rollup ${rollupRows('usage_rollup_hourly')} rows, daily ${rollupRows('usage_rollup_daily')})`)

const cases: Array<{ label: string; groupBy: ReportDimension[]; days: number; keyId?: string; offsetMs?: number }> = [
  { label: 'group_by=model, 30 days', groupBy: ['model'], days: 30 },
  { label: 'group_by=model, 30 days, ragged edges', groupBy: ['model'], days: 30, offsetMs: 1_234_567 },
  { label: 'group_by=model, 7 days', groupBy: ['model'], days: 7 },
  { label: 'group_by=key, 30 days', groupBy: ['key'], days: 30 },
  { label: 'group_by=team,day, 30 days', groupBy: ['team', 'day'], days: 30 },
  { label: 'group_by=provider,hour, 1 day', groupBy: ['provider', 'hour'], days: 1 },
  { label: 'one key, group_by=model, 30 days', groupBy: ['model'], days: 30, keyId: 'key_7' },
  { label: 'no group_by, 30 days', groupBy: [], days: 30 },
]
const ms = (t: number) => `${(performance.now() - t).toFixed(0).padStart(7)} ms`
console.log(`${'report'.padEnd(40)} ${'before'.padStart(10)} ${'after'.padStart(10)}`)
for (const c of cases) {
  const query = { from: end - c.days * 86_400_000 - (c.offsetMs ?? 0), to: end + 1 - (c.offsetMs ?? 0), groupBy: c.groupBy, keyId: c.keyId }
  let before = '-'.padStart(10)
  if (!skipBefore) {
    started = performance.now()
    await db.all(legacyUsageReportSql(query))
    before = ms(started)
  }
  started = performance.now()
  const result = await usageReport(db, query)
  console.log(`${c.label.padEnd(40)} ${before} ${ms(started)}  (${result.data.length} groups, percentiles ${result.latency_percentiles})`)
}
started = performance.now()
const page = await requestLog(db, { limit: 100, keyId: 'key_7', status: 'error' })
console.log(`${'requests page, key + status filter'.padEnd(40)} ${ms(started)}  (${page.data.length} rows)`)

client.close()
rmSync(dir, { recursive: true, force: true })
