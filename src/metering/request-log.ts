import { and, asc, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm'
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
  surface: string | null
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
    prompt: row.prompt, prompt_version: row.promptVersion, endpoint: row.endpoint, surface: row.surface, stream: row.stream, status: row.status,
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

/** One call with every attempt it made, as `GET /admin/requests/{request_id}` shows it. */
export interface RequestDetail {
  object: 'request'
  request_id: string
  created_at: string
  key_id: string | null
  team: string | null
  model: string | null
  route: string | null
  strategy: string | null
  surface: string | null
  prompt: string | null
  status: number
  outcome: string
  attempts: RequestLogEntry[]
  totals: {
    input_tokens: number
    output_tokens: number
    cached_tokens: number
    /** Null when no attempt's cost is known. */
    cost_usd: number | null
    cost_pico_usd: string | null
    /** From the first attempt's start to the last attempt's end. */
    latency_ms: number
    /** From the call's start to the first token of the answer it got; null without a streamed answer. */
    ttft_ms: number | null
  }
}

/** A call's attempts, in the order they were made; empty for a request id the log does not know. */
export async function requestAttempts(db: Db, requestId: string): Promise<UsageSelect[]> {
  return db.select().from(usage).where(eq(usage.requestId, requestId)).orderBy(asc(usage.attempt), asc(usage.id))
}

/**
 * The call as a whole: its first attempt says who called what; it succeeded if any attempt did (a fallback,
 * a race's winner), otherwise it ended as its last attempt did.
 */
export function requestDetail(rows: readonly UsageSelect[]): RequestDetail {
  const first = rows[0]!
  const answered = rows.find((r) => r.outcome === 'success')
  const last = answered ?? rows.at(-1)!
  const starts = rows.map((r) => r.createdAt - r.latencyMs)
  const start = Math.min(...starts)
  const known = rows.filter((r) => r.costPicoUsd !== null)
  const pico = known.length === 0 ? null : String(known.reduce((sum, r) => sum + BigInt(r.costPicoUsd!), 0n))
  const sum = (pick: (r: UsageSelect) => number) => rows.reduce((total, r) => total + pick(r), 0)
  return {
    object: 'request', request_id: first.requestId, created_at: new Date(start).toISOString(),
    key_id: first.keyId, team: first.team, model: first.model, route: first.route, strategy: first.strategy,
    surface: first.surface, prompt: first.prompt, status: last.status, outcome: last.outcome,
    attempts: rows.map(toEntry),
    totals: {
      input_tokens: sum((r) => r.promptTokens), output_tokens: sum((r) => r.completionTokens), cached_tokens: sum((r) => r.cachedTokens),
      cost_usd: pico === null ? null : Number(picoToUsdText(pico)), cost_pico_usd: pico,
      latency_ms: Math.max(...rows.map((r) => r.createdAt)) - start,
      ttft_ms: answered?.ttftMs == null ? null : answered.createdAt - answered.latencyMs + answered.ttftMs - start,
    },
  }
}
