import { sql, type SQL } from 'drizzle-orm'
import {
  ROLLUP_LATENCY_BOUNDS_MS, settings, usageRollupDaily, usageRollupHourly, usageTtftRollupDaily, usageTtftRollupHourly,
} from '../store/schema.js'
import type { BatchStatement, Db } from '../store/store.js'

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000

/** The setting that names the last usage id the rollups hold; rows above it are not rolled up yet. */
export const ROLLUP_WATERMARK_KEY = 'usage_rollup_through_id'

/** The watermark as an SQL expression (0 before the first roll-up). */
export const ROLLUP_WATERMARK_SQL = `COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = '${ROLLUP_WATERMARK_KEY}'), 0)`

/** The report dimensions the rollups keep, in their column order. */
export const ROLLUP_DIMENSIONS = ['key_id', 'team', 'provider', 'model', 'route', 'prompt'] as const

/** Inline SQL integers: the bounds are our constants, and binding them would spend D1's 100 parameters. */
export const latencyColumns = ROLLUP_LATENCY_BOUNDS_MS.map((b) => `lat_le_${b}`)

/**
 * What an errored attempt that used no tokens cost is known (nothing); any other attempt without a cost is
 * unknown (a model without a price), counted as such and never as zero.
 */
export const UNKNOWN_COST_SQL = `(cost_pico_usd IS NULL AND (prompt_tokens > 0 OR completion_tokens > 0 OR outcome = 'success'))`

type RollupTable = typeof usageRollupHourly | typeof usageRollupDaily
type TtftRollupTable = typeof usageTtftRollupHourly | typeof usageTtftRollupDaily

const add = (column: string) => sql.raw(`${column} + excluded.${column}`)

/** One rollup's upsert: `sums` (after bucket and dimensions, in the table's column order) over the usage rows above the watermark. */
function upsertFromUsage(db: Db, table: RollupTable | TtftRollupTable, bucketMs: number, sums: string, set: Record<string, SQL>, only = 'true'): BatchStatement {
  const bucket = `(created_at / ${bucketMs}) * ${bucketMs}`
  const select = sql.raw(`SELECT ${bucket}, ${ROLLUP_DIMENSIONS.join(', ')}, ${sums}
    FROM usage WHERE id > ${ROLLUP_WATERMARK_SQL} AND ${only}
    GROUP BY 1, ${ROLLUP_DIMENSIONS.join(', ')}`)
  return db.insert(table).select(select).onConflictDoUpdate({
    // Exactly the unique index's expressions, so SQLite finds the index the conflict is about.
    target: [table.bucketStart, ...ROLLUP_DIMENSIONS.map((d) => sql.raw(`quote(${d})`))],
    set,
  })
}

function rollUpInto(db: Db, table: RollupTable, bucketMs: number): BatchStatement {
  const sums = `COUNT(*), SUM(attempt = 1), SUM(outcome = 'error'), SUM(prompt_tokens), SUM(cached_tokens),
      SUM(cache_write_tokens), SUM(completion_tokens), SUM(reasoning_tokens), COALESCE(SUM(cost_pico_usd), 0),
      SUM(${UNKNOWN_COST_SQL}), MAX(latency_ms),
      ${ROLLUP_LATENCY_BOUNDS_MS.map((b) => `SUM(latency_ms <= ${b})`).join(', ')}, SUM(cache_savings_pico_usd)`
  const set: Record<string, SQL> = {
    attempts: add('attempts'), requests: add('requests'), errors: add('errors'),
    inputTokens: add('input_tokens'), cachedTokens: add('cached_tokens'), cacheWriteTokens: add('cache_write_tokens'),
    outputTokens: add('output_tokens'), reasoningTokens: add('reasoning_tokens'), costPicoUsd: add('cost_pico_usd'),
    unknownCostAttempts: add('unknown_cost_attempts'), latencyMaxMs: sql.raw('max(latency_max_ms, excluded.latency_max_ms)'),
    cacheSavingsPicoUsd: add('cache_savings_pico_usd'),
  }
  for (const b of ROLLUP_LATENCY_BOUNDS_MS) set[`latLe${b}`] = add(`lat_le_${b}`)
  return upsertFromUsage(db, table, bucketMs, sums, set)
}

/** The time-to-first-token histogram of the attempts that have one (streams). */
function rollUpTtftInto(db: Db, table: TtftRollupTable, bucketMs: number): BatchStatement {
  const sums = `COUNT(*), MAX(ttft_ms), ${ROLLUP_LATENCY_BOUNDS_MS.map((b) => `SUM(ttft_ms <= ${b})`).join(', ')}`
  const set: Record<string, SQL> = { ttftAttempts: add('ttft_attempts'), ttftMaxMs: sql.raw('max(ttft_max_ms, excluded.ttft_max_ms)') }
  for (const b of ROLLUP_LATENCY_BOUNDS_MS) set[`ttftLe${b}`] = add(`ttft_le_${b}`)
  return upsertFromUsage(db, table, bucketMs, sums, set, 'ttft_ms IS NOT NULL')
}

/**
 * The statements that fold every usage row above the watermark into the hourly and daily rollups and
 * move the watermark to the newest row. Run them in the same transaction (SQLite) or batch (D1) as the
 * inserts: a failed write then leaves rollups, watermark and rows as they were, so a retry counts once.
 * The rows are found by id (AUTOINCREMENT: a committed row never gets an id below one already rolled up),
 * so rows any writer added, and rows from before the rollups existed, are picked up the same way.
 */
export function rollUpStatements(db: Db): [BatchStatement, ...BatchStatement[]] {
  const watermark = db.insert(settings)
    .select(sql.raw(`SELECT '${ROLLUP_WATERMARK_KEY}', CAST(COALESCE(MAX(id), 0) AS TEXT) FROM usage WHERE true`))
    .onConflictDoUpdate({ target: settings.key, set: { value: sql.raw('excluded.value') } })
  return [
    rollUpInto(db, usageRollupHourly, HOUR_MS), rollUpInto(db, usageRollupDaily, DAY_MS),
    rollUpTtftInto(db, usageTtftRollupHourly, HOUR_MS), rollUpTtftInto(db, usageTtftRollupDaily, DAY_MS), watermark,
  ]
}
