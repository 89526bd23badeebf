import { silentLogger } from '../../src/log.js'
import { UsageRecorder, type UsageRow } from '../../src/metering/usage-recorder.js'
import type { UsageReportQuery } from '../../src/metering/usage-report.js'
import type { Store } from '../../src/store/store.js'

/**
 * A fixed set of usage rows for the report additions (issue 15: time to first token, error rate, cache
 * savings), written through the usage recorder (rows and rollups) the same way on SQLite and on D1.
 * The range has ragged edges on both sides, so the report reads six parts: raw edge, hourly, daily, hourly,
 * not-yet-rolled-up rows, raw edge (nested to stay within D1's five terms per compound SELECT).
 */
export const DATASET_KEY = 'key_report_additions'
const T = Date.UTC(2026, 4, 10, 10, 30)
const HOUR = 3_600_000
const DAY = 24 * HOUR

export const DATASET_QUERY = { from: Date.UTC(2026, 4, 10, 10, 15), to: Date.UTC(2026, 4, 12, 11, 45), keyId: DATASET_KEY } as const

function row(n: number, at: number, fields: Partial<UsageRow>): UsageRow {
  return {
    requestId: `req_additions_${n}`, attempt: 1, createdAt: at, keyId: DATASET_KEY, team: 'additions', provider: 'openai',
    model: 'openai/gpt-4o', route: 'openai/gpt-4o', status: 200, outcome: 'success', promptTokens: 2000, completionTokens: 100,
    costPicoUsd: 6_000_000_000, ...fields,
  } as UsageRow
}

export const DATASET_ROWS: readonly UsageRow[] = [
  row(1, T, { latencyMs: 100, ttftMs: 20 }),
  row(2, T + HOUR, { latencyMs: 300, ttftMs: 50, stream: true, cachedTokens: 1000, cacheSavingsPicoUsd: 1_875_000_000 }),
  row(3, T + DAY, { latencyMs: 30, ttftMs: null, status: 500, outcome: 'error', errorType: 'upstream_error', promptTokens: 0, completionTokens: 0, costPicoUsd: null }),
  row(3, T + DAY + 1000, { attempt: 2, latencyMs: 200, ttftMs: 80, cachedTokens: 500, cacheSavingsPicoUsd: 937_500_000 }),
  row(5, T + 2 * DAY, { latencyMs: 1000, ttftMs: 400, model: 'openai/gpt-4o-mini', route: 'openai/gpt-4o-mini' }),
  row(6, T + 2 * DAY + HOUR, { latencyMs: 10, ttftMs: 5, status: 499, outcome: 'aborted', model: 'openai/gpt-4o-mini', route: 'openai/gpt-4o-mini' }),
]

/** Writes the dataset as the gateway would: rows and rollups in one flush. */
export async function writeDataset(store: Store): Promise<void> {
  const recorder = new UsageRecorder({ store, log: silentLogger, flushMs: 100 })
  for (const r of DATASET_ROWS) recorder.record(r)
  await recorder.close()
}

type Additions = [ttftP50: number | null, ttftP95: number | null, errorRate: number | null, savingsPico: string, savingsUsd: number, latencyP50: number | null, latencyP95: number | null]

/**
 * What the report shows, worked out by hand. Exact: nearest rank (ttft among the attempts that have one).
 * Histogram: the bound of the bucket holding that rank (…, 48, 56, 64, …, 80, …, 112, …, 320, …, 448, …, 1024),
 * capped at the group's slowest.
 */
export const DATASET_EXPECTED: Record<'exact' | 'histogram', Record<'all' | 'gpt-4o' | 'gpt-4o-mini', Additions>> = {
  exact: {
    all: [50, 400, 1 / 6, '2812500000', 0.0028125, 100, 1000],
    'gpt-4o': [50, 80, 0.25, '2812500000', 0.0028125, 100, 300],
    'gpt-4o-mini': [5, 400, 0, '0', 0, 10, 1000],
  },
  histogram: {
    all: [56, 400, 1 / 6, '2812500000', 0.0028125, 112, 1000],
    'gpt-4o': [56, 80, 0.25, '2812500000', 0.0028125, 112, 300],
    'gpt-4o-mini': [5, 400, 0, '0', 0, 10, 1000],
  },
}

export const additionsOf = (r: { ttft_p50_ms: number | null; ttft_p95_ms: number | null; error_rate: number | null; cache_savings_pico_usd: string; cache_savings_usd: number; latency_p50_ms: number | null; latency_p95_ms: number | null }): Additions =>
  [r.ttft_p50_ms, r.ttft_p95_ms, r.error_rate, r.cache_savings_pico_usd, r.cache_savings_usd, r.latency_p50_ms, r.latency_p95_ms]

export const byModelQuery: UsageReportQuery = { ...DATASET_QUERY, groupBy: ['model'] }
export const wholeQuery: UsageReportQuery = { ...DATASET_QUERY, groupBy: [] }
