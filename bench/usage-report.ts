/**
 * How long the usage report takes on a million rows: `npx tsx bench/usage-report.ts [rows]`.
 * Builds a temporary SQLite file with the gateway's migrations, fills it, and times each group_by.
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
import { insertSyntheticUsage } from './synthetic-usage.js'

const rows = Number(process.argv[2] ?? 1_000_000)
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
console.log(`inserted ${rows} rows in ${(performance.now() - started).toFixed(0)} ms`)

const cases: Array<{ label: string; groupBy: ReportDimension[]; days: number; keyId?: string }> = [
  { label: 'group_by=model, 30 days', groupBy: ['model'], days: 30 },
  { label: 'group_by=model, 7 days', groupBy: ['model'], days: 7 },
  { label: 'group_by=key, 30 days', groupBy: ['key'], days: 30 },
  { label: 'group_by=team,day, 30 days', groupBy: ['team', 'day'], days: 30 },
  { label: 'group_by=provider,hour, 1 day', groupBy: ['provider', 'hour'], days: 1 },
  { label: 'one key, group_by=model, 30 days', groupBy: ['model'], days: 30, keyId: 'key_7' },
  { label: 'no group_by, 30 days', groupBy: [], days: 30 },
]
for (const c of cases) {
  started = performance.now()
  const result = await usageReport(db, { from: end - c.days * 86_400_000, to: end + 1, groupBy: c.groupBy, keyId: c.keyId })
  console.log(`${c.label.padEnd(36)} ${(performance.now() - started).toFixed(0).padStart(6)} ms  (${result.length} groups)`)
}
started = performance.now()
const page = await requestLog(db, { limit: 100, keyId: 'key_7', status: 'error' })
console.log(`${'requests page, key + status filter'.padEnd(36)} ${(performance.now() - started).toFixed(0).padStart(6)} ms  (${page.data.length} rows)`)

client.close()
rmSync(dir, { recursive: true, force: true })
