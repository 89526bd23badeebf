import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../store/store.js'
import { picoToUsdText } from './usd.js'

/** What a report can be grouped by, each with the SQL that computes it from a usage row. */
const dimensionSql = {
  key: sql.raw('key_id'),
  team: sql.raw('team'),
  model: sql.raw('model'),
  provider: sql.raw('provider'),
  route: sql.raw('route'),
  prompt: sql.raw('prompt'),
  day: sql.raw(`strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`),
  hour: sql.raw(`strftime('%Y-%m-%dT%H:00Z', created_at / 1000, 'unixepoch')`),
} satisfies Record<string, SQL>

export type ReportDimension = keyof typeof dimensionSql
export const reportDimensions = Object.keys(dimensionSql) as ReportDimension[]

export interface UsageReportQuery {
  /** Inclusive start and exclusive end, ms since the epoch. */
  from: number
  to: number
  groupBy: ReportDimension[]
  keyId?: string
  team?: string
  model?: string
}

export interface UsageReportRow {
  group: Partial<Record<ReportDimension, string | null>>
  /** Calls (distinct request ids); a call that tried two models counts once in each model's group. */
  requests: number
  /** Upstream attempts (retries, fallbacks and fan-out targets each count). */
  attempts: number
  /** Attempts that failed (outcome error). */
  errors: number
  input_tokens: number
  cached_tokens: number
  cache_write_tokens: number
  output_tokens: number
  reasoning_tokens: number
  /** Exact: the integer sum of picodollars as decimal text, and as a number of USD for convenience. */
  cost_pico_usd: string
  cost_usd: number
  /** Attempts that used tokens of a model without a price: not counted in the cost, never as zero. */
  unknown_cost_attempts: number
  latency_p50_ms: number | null
  latency_p95_ms: number | null
}

interface RawRow {
  requests: number
  attempts: number
  errors: number
  input_tokens: number
  cached_tokens: number
  cache_write_tokens: number
  output_tokens: number
  reasoning_tokens: number
  cost_pico: string | null
  unknown_cost: number
  p50: number | null
  p95: number | null
  [group: `g${number}`]: string | null
}

function whereOf(query: UsageReportQuery): SQL {
  const conditions: SQL[] = [sql`created_at >= ${query.from}`, sql`created_at < ${query.to}`]
  if (query.keyId !== undefined) conditions.push(sql`key_id = ${query.keyId}`)
  if (query.team !== undefined) conditions.push(sql`team = ${query.team}`)
  if (query.model !== undefined) conditions.push(sql`model = ${query.model}`)
  return sql.join(conditions, sql` AND `)
}

/**
 * The report's one statement. The window functions rank each group's latencies once so p50 and p95 are
 * exact (nearest rank); the sums run in SQLite's 64-bit integers and the cost is read as text, so no
 * total is rounded on its way out. An errored attempt that used no tokens cost nothing and is not
 * counted as unknown.
 */
export function usageReportSql(query: UsageReportQuery): SQL {
  const dims = query.groupBy.map((d, i) => sql`${dimensionSql[d]} AS ${sql.raw(`g${i}`)}`)
  const groupCols = query.groupBy.map((_, i) => sql.raw(`g${i}`))
  // A window cannot name the select list's aliases: partition by the expressions themselves.
  const dimExprs = query.groupBy.map((d) => dimensionSql[d])
  const partition = dimExprs.length ? sql`PARTITION BY ${sql.join(dimExprs, sql`, `)}` : sql``
  const groupBy = groupCols.length ? sql`GROUP BY ${sql.join(groupCols, sql`, `)}` : sql``
  const selectDims = dims.length ? sql`${sql.join(dims, sql`, `)}, ` : sql``
  const outerDims = groupCols.length ? sql`${sql.join(groupCols, sql`, `)}, ` : sql``
  return sql`WITH ranked AS (
    SELECT ${selectDims}request_id, outcome, prompt_tokens, cached_tokens, cache_write_tokens, completion_tokens,
      reasoning_tokens, cost_pico_usd, latency_ms,
      ROW_NUMBER() OVER (${partition} ORDER BY latency_ms) AS rn,
      COUNT(*) OVER (${partition}) AS n
    FROM usage WHERE ${whereOf(query)}
  )
  SELECT ${outerDims}
    COUNT(DISTINCT request_id) AS requests,
    COUNT(*) AS attempts,
    SUM(outcome = 'error') AS errors,
    SUM(prompt_tokens) AS input_tokens,
    SUM(cached_tokens) AS cached_tokens,
    SUM(cache_write_tokens) AS cache_write_tokens,
    SUM(completion_tokens) AS output_tokens,
    SUM(reasoning_tokens) AS reasoning_tokens,
    CAST(SUM(cost_pico_usd) AS TEXT) AS cost_pico,
    SUM(cost_pico_usd IS NULL AND (prompt_tokens > 0 OR completion_tokens > 0 OR outcome = 'success')) AS unknown_cost,
    MIN(CASE WHEN rn * 100 >= n * 50 THEN latency_ms END) AS p50,
    MIN(CASE WHEN rn * 100 >= n * 95 THEN latency_ms END) AS p95
  FROM ranked ${groupBy}
  ORDER BY ${groupCols.length ? sql`${sql.join(groupCols, sql`, `)}` : sql`1`}`
}

export async function usageReport(db: Db, query: UsageReportQuery): Promise<UsageReportRow[]> {
  const rows = await db.all<RawRow>(usageReportSql(query))
  return rows.filter((r) => r.attempts > 0).map((r) => {
    const group: Partial<Record<ReportDimension, string | null>> = {}
    query.groupBy.forEach((d, i) => { group[d] = r[`g${i}`] ?? null })
    const pico = r.cost_pico ?? '0'
    return {
      group,
      requests: r.requests,
      attempts: r.attempts,
      errors: r.errors ?? 0,
      input_tokens: r.input_tokens ?? 0,
      cached_tokens: r.cached_tokens ?? 0,
      cache_write_tokens: r.cache_write_tokens ?? 0,
      output_tokens: r.output_tokens ?? 0,
      reasoning_tokens: r.reasoning_tokens ?? 0,
      cost_pico_usd: pico,
      cost_usd: Number(picoToUsdText(pico)),
      unknown_cost_attempts: r.unknown_cost ?? 0,
      latency_p50_ms: r.p50,
      latency_p95_ms: r.p95,
    }
  })
}
