import { sql, type SQL } from 'drizzle-orm'
import type { UsageReportQuery } from '../src/metering/usage-report.js'

/**
 * The report's statement before the rollups, kept only so bench/usage-report.ts can print "before" beside
 * "after": every row of the range, ranked per group for exact p50/p95, with COUNT(DISTINCT request_id).
 */
const dimensionSql: Record<string, string> = {
  key: 'key_id', team: 'team', model: 'model', provider: 'provider', route: 'route', prompt: 'prompt',
  day: `strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`,
  hour: `strftime('%Y-%m-%dT%H:00Z', created_at / 1000, 'unixepoch')`,
}

export function legacyUsageReportSql(query: UsageReportQuery): SQL {
  const conditions: SQL[] = [sql`created_at >= ${query.from}`, sql`created_at < ${query.to}`]
  if (query.keyId !== undefined) conditions.push(sql`key_id = ${query.keyId}`)
  if (query.team !== undefined) conditions.push(sql`team = ${query.team}`)
  if (query.model !== undefined) conditions.push(sql`model = ${query.model}`)
  const exprs = query.groupBy.map((d) => dimensionSql[d]!)
  const groupCols = query.groupBy.map((_, i) => `g${i}`)
  const partition = exprs.length ? `PARTITION BY ${exprs.join(', ')}` : ''
  return sql`WITH ranked AS (
    SELECT ${sql.raw(exprs.map((e, i) => `${e} AS g${i}, `).join(''))}request_id, outcome, prompt_tokens, cached_tokens,
      cache_write_tokens, completion_tokens, reasoning_tokens, cost_pico_usd, latency_ms,
      ROW_NUMBER() OVER (${sql.raw(partition)} ORDER BY latency_ms) AS rn, COUNT(*) OVER (${sql.raw(partition)}) AS n
    FROM usage WHERE ${sql.join(conditions, sql` AND `)}
  )
  SELECT ${sql.raw(groupCols.map((g) => `${g}, `).join(''))}COUNT(DISTINCT request_id) AS requests, COUNT(*) AS attempts,
    SUM(outcome = 'error') AS errors, SUM(prompt_tokens) AS input_tokens, SUM(cached_tokens) AS cached_tokens,
    SUM(cache_write_tokens) AS cache_write_tokens, SUM(completion_tokens) AS output_tokens, SUM(reasoning_tokens) AS reasoning_tokens,
    CAST(SUM(cost_pico_usd) AS TEXT) AS cost_pico,
    SUM(cost_pico_usd IS NULL AND (prompt_tokens > 0 OR completion_tokens > 0 OR outcome = 'success')) AS unknown_cost,
    MIN(CASE WHEN rn * 100 >= n * 50 THEN latency_ms END) AS p50, MIN(CASE WHEN rn * 100 >= n * 95 THEN latency_ms END) AS p95
  FROM ranked ${sql.raw(groupCols.length ? `GROUP BY ${groupCols.join(', ')}` : '')}`
}
