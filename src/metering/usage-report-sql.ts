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
    latency_ms AS latency_max_ms, ${ROLLUP_LATENCY_BOUNDS_MS.map((b) => `latency_ms <= ${b} AS lat_le_${b}`).join(', ')},
    cache_savings_pico_usd`)
  return rawSelect(query, columns, from, to, onlyNotRolledUp)
}

function rawSelect(query: UsageReportQuery, columns: SQL, from: number, to: number, onlyNotRolledUp: boolean, only?: SQL): SQL {
  const and = only ? sql` AND ${only}` : sql``
  if (!onlyNotRolledUp) return sql`SELECT ${columns} FROM usage WHERE ${whereOf(query, 'created_at', from, to)}${and}`
  // Rows the rollups do not hold yet (written by something other than the recorder): found by id, and the
  // unary plus keeps the planner from walking the created_at index over the whole range instead.
  return sql`SELECT ${columns} FROM usage WHERE id > ${sql.raw(ROLLUP_WATERMARK_SQL)} AND ${whereOf(query, '+created_at', from, to)}${and}`
}

function rollupPart(query: UsageReportQuery, grain: RollupGrain, from: number, to: number): SQL {
  const columns = sql.raw(`${groupSelect(query, 'bucket_start')}attempts, requests, errors, input_tokens, cached_tokens,
    cache_write_tokens, output_tokens, reasoning_tokens, cost_pico_usd, unknown_cost_attempts, latency_max_ms,
    ${latencyColumns.join(', ')}, cache_savings_pico_usd`)
  return sql`SELECT ${columns} FROM ${sql.raw(`usage_rollup_${grain}`)} WHERE ${whereOf(query, 'bucket_start', from, to)}`
}

type RollupGrain = 'hourly' | 'daily'

/** Where a report's parts come from: usage rows, and a rollup table of each grain, in the same columns. */
interface PartSource {
  raw(query: UsageReportQuery, from: number, to: number, onlyNotRolledUp?: boolean): SQL
  rollup(query: UsageReportQuery, grain: RollupGrain, from: number, to: number): SQL
}

const usageSource: PartSource = { raw: rawPart, rollup: rollupPart }

const ttftColumns = ROLLUP_LATENCY_BOUNDS_MS.map((b) => `ttft_le_${b}`)

/** Time to first token: the attempts that have one, from the usage rows and the ttft rollups. */
const ttftSource: PartSource = {
  raw: (query, from, to, onlyNotRolledUp = false) => rawSelect(query, sql.raw(`${groupSelect(query, 'created_at')}1 AS ttft_attempts,
    ttft_ms AS ttft_max_ms, ${ROLLUP_LATENCY_BOUNDS_MS.map((b) => `ttft_ms <= ${b} AS ttft_le_${b}`).join(', ')}`), from, to, onlyNotRolledUp, sql`ttft_ms IS NOT NULL`),
  rollup: (query, grain, from, to) => sql`SELECT ${sql.raw(`${groupSelect(query, 'bucket_start')}ttft_attempts, ttft_max_ms, ${ttftColumns.join(', ')}`)}
    FROM ${sql.raw(`usage_ttft_rollup_${grain}`)} WHERE ${whereOf(query, 'bucket_start', from, to)}`,
}

const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit
const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit

/**
 * Where each part of [from, to) is read from: whole days from the daily rollup (unless the report is by
 * hour), the other whole hours from the hourly rollup, and the partial hours at the edges (and rows not
 * rolled up yet) from the usage table. The parts never overlap, so every sum is exact.
 */
export function reportParts(query: UsageReportQuery, source: PartSource = usageSource): SQL[] {
  const { from, to } = query
  const h0 = ceilTo(from, HOUR_MS)
  const h1 = floorTo(to, HOUR_MS)
  if (h0 >= h1) return [source.raw(query, from, to)]
  const parts: SQL[] = []
  if (from < h0) parts.push(source.raw(query, from, h0))
  const d0 = ceilTo(h0, DAY_MS)
  const d1 = floorTo(h1, DAY_MS)
  if (query.groupBy.includes('hour') || d0 >= d1) {
    parts.push(source.rollup(query, 'hourly', h0, h1))
  } else {
    if (h0 < d0) parts.push(source.rollup(query, 'hourly', h0, d0))
    parts.push(source.rollup(query, 'daily', d0, d1))
    if (d1 < h1) parts.push(source.rollup(query, 'hourly', d1, h1))
  }
  parts.push(source.raw(query, h0, h1, true))
  if (h1 < to) parts.push(source.raw(query, h1, to))
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
    ${latencyColumns.map((c, i) => `SUM(${c}) AS h${i}`).join(', ')}, CAST(SUM(cache_savings_pico_usd) AS TEXT) AS cache_savings_pico`)
  return sql`SELECT ${sums} FROM (${unionAll(reportParts(query))}) ${groupTail(groupCols)}`
}

function groupTail(groupCols: string[]): SQL {
  return sql.raw(`${groupCols.length ? `GROUP BY ${groupCols.join(', ')} ` : ''}ORDER BY ${groupCols.length ? groupCols.join(', ') : '1'}`)
}

/**
 * The time-to-first-token histogram of each group, in the totals' own column names (attempts, latency_max,
 * h<i>), so the report reads its percentiles the same way. Only large reports need it.
 */
export function ttftTotalsSql(query: UsageReportQuery): SQL {
  const groupCols = query.groupBy.map((_, i) => `g${i}`)
  const sums = sql.raw(`${groupCols.map((g) => `${g}, `).join('')}SUM(ttft_attempts) AS attempts, MAX(ttft_max_ms) AS latency_max,
    ${ttftColumns.map((c, i) => `SUM(${c}) AS h${i}`).join(', ')}`)
  return sql`SELECT ${sums} FROM (${unionAll(reportParts(query, ttftSource))}) ${groupTail(groupCols)}`
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
 * Exact nearest-rank p50 and p95 of latency and of time to first token per group, from the usage rows themselves: the window functions rank each
 * group's latencies once. It sorts every row of the range, so the report runs it only on small ranges.
 */
export function exactPercentilesSql(query: UsageReportQuery): SQL {
  const groupCols = query.groupBy.map((_, i) => `g${i}`)
  // A window cannot name the select list's aliases: partition by the expressions themselves.
  const dimExprs = query.groupBy.map((d) => dimensionSql[d]('created_at'))
  const partition = dimExprs.length ? `PARTITION BY ${dimExprs.join(', ')}` : ''
  // Time to first token is ranked among the attempts that have one: nulls sort first, so rank minus the nulls.
  const ranked = sql`SELECT ${sql.raw(groupSelect(query, 'created_at'))}latency_ms, ttft_ms,
      ROW_NUMBER() OVER (${sql.raw(partition)} ORDER BY latency_ms) AS rn, COUNT(*) OVER (${sql.raw(partition)}) AS n,
      ROW_NUMBER() OVER (${sql.raw(partition)} ORDER BY ttft_ms) - COUNT(*) OVER (${sql.raw(partition)}) + COUNT(ttft_ms) OVER (${sql.raw(partition)}) AS trn,
      COUNT(ttft_ms) OVER (${sql.raw(partition)}) AS tn
    FROM usage WHERE ${whereOf(query, 'created_at', query.from, query.to)}`
  const outer = sql.raw(`SELECT ${groupCols.map((g) => `${g}, `).join('')}
    MIN(CASE WHEN rn * 100 >= n * 50 THEN latency_ms END) AS p50, MIN(CASE WHEN rn * 100 >= n * 95 THEN latency_ms END) AS p95,
    MIN(CASE WHEN ttft_ms IS NOT NULL AND trn * 100 >= tn * 50 THEN ttft_ms END) AS ttft_p50,
    MIN(CASE WHEN ttft_ms IS NOT NULL AND trn * 100 >= tn * 95 THEN ttft_ms END) AS ttft_p95
    FROM ranked${groupCols.length ? ` GROUP BY ${groupCols.join(', ')}` : ''}`)
  return sql`WITH ranked AS (${ranked}) ${outer}`
}
