import type { Db } from '../store/store.js'
import { ROLLUP_LATENCY_BOUNDS_MS } from '../store/schema.js'
import { exactPercentilesSql, ttftTotalsSql, usageTotalsSql, type ReportDimension, type UsageReportQuery } from './usage-report-sql.js'
import { picoToUsdText } from './usd.js'

export { reportDimensions, type ReportDimension, type UsageReportQuery } from './usage-report-sql.js'

/**
 * Up to this many attempts in a report, p50/p95 are exact (ranked from the usage rows, a sort of that many
 * rows); above it they are read from the rollups' latency histograms.
 */
export const EXACT_PERCENTILES_MAX_ATTEMPTS = 20_000

export interface UsageReportRow {
  group: Partial<Record<ReportDimension, string | null>>
  /** Calls: attempts numbered 1, so a call counts once, in the group of its first attempt (its first model, key, hour…). */
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
  /** Time to first token, over the attempts that have one (streams); same percentile rule as latency. */
  ttft_p50_ms: number | null
  ttft_p95_ms: number | null
  /** errors / attempts. */
  error_rate: number | null
  /** What cached input tokens saved against the uncached input price (recorded per attempt at call time). */
  cache_savings_pico_usd: string
  cache_savings_usd: number
}

export interface UsageReport {
  data: UsageReportRow[]
  /**
   * `exact`: nearest-rank percentiles of the attempts' latencies. `histogram`: the upper bound of the
   * histogram bucket holding that rank, capped at the group's slowest attempt: never below the exact value,
   * at most 25% above it (exact up to 4 ms; above 2^20 ms, the slowest attempt). The same for time to first token.
   */
  latency_percentiles: 'exact' | 'histogram'
}

interface TotalsRow {
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
  latency_max: number | null
  cache_savings_pico: string | null
  [column: `g${number}` | `h${number}`]: string | number | null
}

/** A cumulative histogram as the totals and the ttft totals name it. */
interface HistogramRow {
  attempts: number
  latency_max: number | null
  [column: `g${number}` | `h${number}`]: string | number | null
}

interface PercentileRow {
  p50: number | null
  p95: number | null
  ttft_p50: number | null
  ttft_p95: number | null
  [group: `g${number}`]: string | null
}

const groupKey = (row: { [group: `g${number}`]: unknown }, dims: number) => JSON.stringify(Array.from({ length: dims }, (_, i) => row[`g${i}`] ?? null))

/** The nearest-rank percentile as the cumulative histogram places it (see UsageReport.latency_percentiles). */
function fromHistogram(row: HistogramRow | undefined, percent: number): number | null {
  if (!row || row.latency_max === null || row.attempts === 0) return null
  const rank = Math.ceil((row.attempts * percent) / 100)
  for (let i = 0; i < ROLLUP_LATENCY_BOUNDS_MS.length; i++) {
    if (Number(row[`h${i}`] ?? 0) >= rank) return Math.min(ROLLUP_LATENCY_BOUNDS_MS[i]!, row.latency_max)
  }
  return row.latency_max
}

/**
 * The report: sums from the rollups plus the usage rows at the range's partial-hour edges (exact), and
 * p50/p95 exact for small reports and from the histograms for large ones.
 */
export async function usageReport(db: Db, query: UsageReportQuery, options: { exactPercentilesMaxAttempts?: number } = {}): Promise<UsageReport> {
  const dims = query.groupBy.length
  const totals = (await db.all<TotalsRow>(usageTotalsSql(query))).filter((r) => r.attempts > 0)
  const attempts = totals.reduce((sum, r) => sum + r.attempts, 0)
  const exact = attempts <= (options.exactPercentilesMaxAttempts ?? EXACT_PERCENTILES_MAX_ATTEMPTS)
  const percentiles = new Map<string, PercentileRow>()
  const ttftHistograms = new Map<string, HistogramRow>()
  if (exact && attempts > 0) {
    for (const p of await db.all<PercentileRow>(exactPercentilesSql(query))) percentiles.set(groupKey(p, dims), p)
  } else if (attempts > 0) {
    for (const h of await db.all<HistogramRow>(ttftTotalsSql(query))) ttftHistograms.set(groupKey(h, dims), h)
  }
  const data = totals.map((r): UsageReportRow => {
    const group: Partial<Record<ReportDimension, string | null>> = {}
    query.groupBy.forEach((d, i) => { group[d] = (r[`g${i}`] as string | null) ?? null })
    const pico = r.cost_pico ?? '0'
    const exactRow = percentiles.get(groupKey(r, dims))
    const ttft = ttftHistograms.get(groupKey(r, dims))
    const savings = r.cache_savings_pico ?? '0'
    return {
      group,
      requests: r.requests ?? 0,
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
      latency_p50_ms: exact ? exactRow?.p50 ?? null : fromHistogram(r, 50),
      latency_p95_ms: exact ? exactRow?.p95 ?? null : fromHistogram(r, 95),
      ttft_p50_ms: exact ? exactRow?.ttft_p50 ?? null : fromHistogram(ttft, 50),
      ttft_p95_ms: exact ? exactRow?.ttft_p95 ?? null : fromHistogram(ttft, 95),
      error_rate: r.attempts === 0 ? null : (r.errors ?? 0) / r.attempts,
      cache_savings_pico_usd: savings,
      cache_savings_usd: Number(picoToUsdText(savings)),
    }
  })
  return { data, latency_percentiles: exact ? 'exact' : 'histogram' }
}
