import { sql, type SQL } from 'drizzle-orm'
import { ROLLUP_LATENCY_BOUNDS_MS } from '../store/schema.js'
import { DAY_MS, HOUR_MS, latencyColumns, ROLLUP_WATERMARK_SQL, UNKNOWN_COST_SQL } from './usage-rollup.js'

/** What a report can be grouped by: a column, or the UTC day or hour of the row's time column. */
const dimensionSql = {
  key: () => 'key_id',
  team: () => 'team',
  model: () => 'model',
  provider: () => 'provider',
  route: () => 'route',
  prompt: () => 'prompt',
  day: (time: string) => `strftime('%Y-%m-%d', ${time} / 1000, 'unixepoch')`,
  hour: (time: string) => `strftime('%Y-%m-%dT%H:00Z', ${time} / 1000, 'unixepoch')`,
} satisfies Record<string, (time: string) => string>

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

function whereOf(query: UsageReportQuery, time: string, from: number, to: number): SQL {
  const conditions: SQL[] = [sql`${sql.raw(time)} >= ${from}`, sql`${sql.raw(time)} < ${to}`]
  if (query.keyId !== undefined) conditions.push(sql`key_id = ${query.keyId}`)
  if (query.team !== undefined) conditions.push(sql`team = ${query.team}`)
  if (query.model !== undefined) conditions.push(sql`model = ${query.model}`)
  return sql.join(conditions, sql` AND `)
}

function groupSelect(query: UsageReportQuery, time: string): string {
  return query.groupBy.map((d, i) => `${dimensionSql[d](time)} AS g${i}, `).join('')
}

/** Usage rows as rollup-shaped rows: one attempt each, its latency as a cumulative histogram. */
function rawPart(query: UsageReportQuery, from: number, to: number, onlyNotRolledUp = false): SQL {
  const columns = sql.raw(`${groupSelect(query, 'created_at')}1 AS attempts, attempt = 1 AS requests,
    outcome = 'error' AS errors, prompt_tokens AS input_tokens, cached_tokens, cache_write_tokens,
    completion_tokens AS output_tokens, reasoning_tokens, cost_pico_usd, ${UNKNOWN_COST_SQL} AS unknown_cost_attempts,
    latency_ms AS latency_max_ms, ${ROLLUP_LATENCY_BOUNDS_MS.map((b) => `latency_ms <= ${b} AS lat_le_${b}`).join(', ')}`)
  if (!onlyNotRolledUp) return sql`SELECT ${columns} FROM usage WHERE ${whereOf(query, 'created_at', from, to)}`
  // Rows the rollups do not hold yet (written by something other than the recorder): found by id, and the
  // unary plus keeps the planner from walking the created_at index over the whole range instead.
  return sql`SELECT ${columns} FROM usage WHERE id > ${sql.raw(ROLLUP_WATERMARK_SQL)} AND ${whereOf(query, '+created_at', from, to)}`
}

function rollupPart(query: UsageReportQuery, table: 'usage_rollup_hourly' | 'usage_rollup_daily', from: number, to: number): SQL {
  const columns = sql.raw(`${groupSelect(query, 'bucket_start')}attempts, requests, errors, input_tokens, cached_tokens,
    cache_write_tokens, output_tokens, reasoning_tokens, cost_pico_usd, unknown_cost_attempts, latency_max_ms,
    ${latencyColumns.join(', ')}`)
  return sql`SELECT ${columns} FROM ${sql.raw(table)} WHERE ${whereOf(query, 'bucket_start', from, to)}`
}

const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit
const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit

/**
 * Where each part of [from, to) is read from: whole days from the daily rollup (unless the report is by
 * hour), the other whole hours from the hourly rollup, and the partial hours at the edges (and rows not
 * rolled up yet) from the usage table. The parts never overlap, so every sum is exact.
 */
export function reportParts(query: UsageReportQuery): SQL[] {
  const { from, to } = query
  const h0 = ceilTo(from, HOUR_MS)
  const h1 = floorTo(to, HOUR_MS)
  if (h0 >= h1) return [rawPart(query, from, to)]
  const parts: SQL[] = []
  if (from < h0) parts.push(rawPart(query, from, h0))
  const d0 = ceilTo(h0, DAY_MS)
  const d1 = floorTo(h1, DAY_MS)
  if (query.groupBy.includes('hour') || d0 >= d1) {
    parts.push(rollupPart(query, 'usage_rollup_hourly', h0, h1))
  } else {
    if (h0 < d0) parts.push(rollupPart(query, 'usage_rollup_hourly', h0, d0))
    parts.push(rollupPart(query, 'usage_rollup_daily', d0, d1))
    if (d1 < h1) parts.push(rollupPart(query, 'usage_rollup_hourly', d1, h1))
  }
  parts.push(rawPart(query, h0, h1, true))
  if (h1 < to) parts.push(rawPart(query, h1, to))
  return parts
}

/**
 * The totals of each group over the parts: exact integer sums (the cost read as text, so no total is
 * rounded on its way out), the slowest attempt, and the summed cumulative latency histogram.
 */
export function usageTotalsSql(query: UsageReportQuery): SQL {
  const groupCols = query.groupBy.map((_, i) => `g${i}`)
  const outerDims = groupCols.map((g) => `${g}, `).join('')
  const sums = sql.raw(`${outerDims}SUM(attempts) AS attempts, SUM(requests) AS requests, SUM(errors) AS errors,
    SUM(input_tokens) AS input_tokens, SUM(cached_tokens) AS cached_tokens, SUM(cache_write_tokens) AS cache_write_tokens,
    SUM(output_tokens) AS output_tokens, SUM(reasoning_tokens) AS reasoning_tokens, CAST(SUM(cost_pico_usd) AS TEXT) AS cost_pico,
    SUM(unknown_cost_attempts) AS unknown_cost, MAX(latency_max_ms) AS latency_max,
    ${latencyColumns.map((c, i) => `SUM(${c}) AS h${i}`).join(', ')}`)
  const tail = sql.raw(`${groupCols.length ? `GROUP BY ${groupCols.join(', ')} ` : ''}ORDER BY ${groupCols.length ? groupCols.join(', ') : '1'}`)
  return sql`SELECT ${sums} FROM (${unionAll(reportParts(query))}) ${tail}`
}

/** D1 refuses a compound SELECT of more than 5 terms (SQLite's default allows 500). */
export const MAX_COMPOUND_TERMS = 5

/**
 * The parts as one UNION ALL that no compound SELECT exceeds MAX_COMPOUND_TERMS terms in: beyond that, runs
 * of parts are nested as subqueries (each its own compound SELECT), which SQLite flattens back.
 */
export function unionAll(parts: readonly SQL[]): SQL {
  if (parts.length <= MAX_COMPOUND_TERMS) return sql.join([...parts], sql` UNION ALL `)
  const groups: SQL[] = []
  for (let i = 0; i < parts.length; i += MAX_COMPOUND_TERMS) {
    const run = parts.slice(i, i + MAX_COMPOUND_TERMS)
    groups.push(run.length === 1 ? run[0]! : sql`SELECT * FROM (${sql.join(run, sql` UNION ALL `)})`)
  }
  return unionAll(groups)
}

/**
 * Exact nearest-rank p50 and p95 per group, from the usage rows themselves: the window functions rank each
 * group's latencies once. It sorts every row of the range, so the report runs it only on small ranges.
 */
export function exactPercentilesSql(query: UsageReportQuery): SQL {
  const groupCols = query.groupBy.map((_, i) => `g${i}`)
  // A window cannot name the select list's aliases: partition by the expressions themselves.
  const dimExprs = query.groupBy.map((d) => dimensionSql[d]('created_at'))
  const partition = dimExprs.length ? `PARTITION BY ${dimExprs.join(', ')}` : ''
  const ranked = sql`SELECT ${sql.raw(groupSelect(query, 'created_at'))}latency_ms,
      ROW_NUMBER() OVER (${sql.raw(partition)} ORDER BY latency_ms) AS rn, COUNT(*) OVER (${sql.raw(partition)}) AS n
    FROM usage WHERE ${whereOf(query, 'created_at', query.from, query.to)}`
  const outer = sql.raw(`SELECT ${groupCols.map((g) => `${g}, `).join('')}
    MIN(CASE WHEN rn * 100 >= n * 50 THEN latency_ms END) AS p50, MIN(CASE WHEN rn * 100 >= n * 95 THEN latency_ms END) AS p95
    FROM ranked${groupCols.length ? ` GROUP BY ${groupCols.join(', ')}` : ''}`)
  return sql`WITH ranked AS (${ranked}) ${outer}`
}
