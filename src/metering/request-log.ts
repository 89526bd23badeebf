import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm'
import { usage } from '../store/schema.js'
import type { Db } from '../store/store.js'
import { picoToUsdText } from './usd.js'

export interface RequestLogQuery {
  limit: number
  /** From the previous page's `next_cursor`. */
  cursor?: string
  keyId?: string
  team?: string
  route?: string
  model?: string
  /** An outcome (success, error, aborted) or an HTTP status such as 429. */
  status?: string
  from?: number
  to?: number
}

/** One upstream attempt as the per-request log shows it; the attempts of one call share `request_id`. */
export interface RequestLogEntry {
  id: number
  request_id: string
  attempt: number
  created_at: string
  key_id: string | null
  team: string | null
  provider: string | null
  model: string | null
  route: string | null
  strategy: string | null
  prompt: string | null
  prompt_version: string | null
  endpoint: string
  stream: boolean
  status: number
  outcome: string
  error_type: string | null
  input_tokens: number
  cached_tokens: number
  cache_write_tokens: number
  output_tokens: number
  reasoning_tokens: number
  cost_usd: number | null
  latency_ms: number
  ttft_ms: number | null
}

export interface RequestLogPage {
  object: 'list'
  data: RequestLogEntry[]
  has_more: boolean
  next_cursor: string | null
}

/** Cursors are `<created_at>-<id>` of the last row shown: stable while new rows arrive. */
export function parseCursor(cursor: string): { createdAt: number; id: number } | undefined {
  const match = /^(\d{1,16})-(\d{1,16})$/.exec(cursor)
  if (!match) return undefined
  return { createdAt: Number(match[1]), id: Number(match[2]) }
}

type UsageSelect = typeof usage.$inferSelect

function toEntry(row: UsageSelect): RequestLogEntry {
  return {
    id: row.id, request_id: row.requestId, attempt: row.attempt, created_at: new Date(row.createdAt).toISOString(),
    key_id: row.keyId, team: row.team, provider: row.provider, model: row.model, route: row.route, strategy: row.strategy,
    prompt: row.prompt, prompt_version: row.promptVersion, endpoint: row.endpoint, stream: row.stream, status: row.status,
    outcome: row.outcome, error_type: row.errorType, input_tokens: row.promptTokens, cached_tokens: row.cachedTokens,
    cache_write_tokens: row.cacheWriteTokens, output_tokens: row.completionTokens, reasoning_tokens: row.reasoningTokens,
    cost_usd: row.costPicoUsd === null ? null : Number(picoToUsdText(row.costPicoUsd)),
    latency_ms: row.latencyMs, ttft_ms: row.ttftMs,
  }
}

/**
 * The newest attempts first, a page at a time. Ordered by (created_at, id) so the (key_id, created_at) and
 * (model, created_at) indexes, whose entries end with the rowid, serve both the filter and the order.
 */
export function requestLogStatement(db: Db, query: RequestLogQuery) {
  const conditions: SQL[] = []
  if (query.keyId !== undefined) conditions.push(eq(usage.keyId, query.keyId))
  if (query.team !== undefined) conditions.push(eq(usage.team, query.team))
  if (query.route !== undefined) conditions.push(eq(usage.route, query.route))
  if (query.model !== undefined) conditions.push(eq(usage.model, query.model))
  if (query.status !== undefined) {
    conditions.push(/^\d{3}$/.test(query.status) ? eq(usage.status, Number(query.status)) : eq(usage.outcome, query.status))
  }
  if (query.from !== undefined) conditions.push(gte(usage.createdAt, query.from))
  if (query.to !== undefined) conditions.push(lt(usage.createdAt, query.to))
  const after = query.cursor === undefined ? undefined : parseCursor(query.cursor)
  if (after) {
    conditions.push(or(lt(usage.createdAt, after.createdAt), and(eq(usage.createdAt, after.createdAt), lt(usage.id, after.id)))!)
  }
  return db.select().from(usage)
    .where(conditions.length ? and(...conditions) : sql`1`)
    .orderBy(desc(usage.createdAt), desc(usage.id))
    .limit(query.limit + 1)
}

/** One page of the log, and the cursor of the next. */
export async function requestLog(db: Db, query: RequestLogQuery): Promise<RequestLogPage> {
  const rows = await requestLogStatement(db, query)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  const hasMore = rows.length > query.limit
  return {
    object: 'list',
    data: page.map(toEntry),
    has_more: hasMore,
    next_cursor: hasMore && last ? `${last.createdAt}-${last.id}` : null,
  }
}
