
import { sql } from 'drizzle-orm'
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

/**
 * One schema for better-sqlite3 and D1. Times are integer milliseconds since the epoch; money is an
 * integer count of picodollars (1e-12 USD), exact for every list price quoted to six decimals per million tokens.
 */

export const routeHeaderPolicies = ['allow', 'deny', 'in_scope'] as const
export type RouteHeaderPolicy = (typeof routeHeaderPolicies)[number]

/** A `team_admin` key also manages its own team's keys, usage, request log and access requests. */
export const keyRoles = ['member', 'team_admin'] as const
export type KeyRole = (typeof keyRoles)[number]

export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  team: text('team'),
  role: text('role').$type<KeyRole>().notNull().default('member'),
  keyHash: text('key_hash').notNull(),
  /** A short, non-secret display form such as `mk-3fA9…`. */
  keyPrefix: text('key_prefix').notNull(),
  /** JSON array of glob patterns over models, routes and aliases; null means any. */
  models: text('models', { mode: 'json' }).$type<string[] | null>(),
  /** JSON array of prompt API names (globs); null means any. */
  prompts: text('prompts', { mode: 'json' }).$type<string[] | null>(),
  budgetPicoUsd: integer('budget_pico_usd'),
  budgetPeriod: text('budget_period').$type<'daily' | 'weekly' | 'monthly' | 'total'>(),
  rpm: integer('rpm'),
  tpm: integer('tpm'),
  maxParallel: integer('max_parallel'),
  expiresAt: integer('expires_at'),
  metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown> | null>(),
  /**
   * Whether the key may route per request (x-manifold-route, a WebSocket `route`): `allow`, `deny`, or
   * `in_scope` (only when every target the route names is within `models`).
   */
  routeHeader: text('route_header').$type<RouteHeaderPolicy>().notNull().default('in_scope'),
  /** Per-key Standard Webhooks secret (`whsec_…`) for job callbacks; falls back to the global one. */
  webhookSecret: text('webhook_secret'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  revokedAt: integer('revoked_at'),
}, (t) => [uniqueIndex('api_keys_hash_idx').on(t.keyHash)])

/** Small key/value facts the gateway keeps about itself (the generated admin key's hash). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

/** One row per upstream attempt; the attempts of one call share its request id. */
export const usage = sqliteTable('usage', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  requestId: text('request_id').notNull(),
  attempt: integer('attempt').notNull().default(1),
  createdAt: integer('created_at').notNull(),
  keyId: text('key_id'),
  team: text('team'),
  provider: text('provider'),
  model: text('model'),
  route: text('route'),
  strategy: text('strategy'),
  prompt: text('prompt'),
  promptVersion: text('prompt_version'),
  endpoint: text('endpoint').notNull().default('chat'),
  /** The API surface the call came in on (chat, messages, responses, …); null on rows from before it was recorded. */
  surface: text('surface'),
  stream: integer('stream', { mode: 'boolean' }).notNull().default(false),
  status: integer('status').notNull(),
  /** success | error | aborted (a race's loser, a client that went away) */
  outcome: text('outcome').notNull(),
  errorType: text('error_type'),
  promptTokens: integer('prompt_tokens').notNull().default(0),
  completionTokens: integer('completion_tokens').notNull().default(0),
  cachedTokens: integer('cached_tokens').notNull().default(0),
  cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
  reasoningTokens: integer('reasoning_tokens').notNull().default(0),
  /** Null when the model has no price: unknown, never zero. */
  costPicoUsd: integer('cost_pico_usd'),
  latencyMs: integer('latency_ms').notNull(),
  ttftMs: integer('ttft_ms'),
  /** What the cached input tokens would have cost at the uncached input price, minus what they cost (0 without a price). */
  cacheSavingsPicoUsd: integer('cache_savings_pico_usd').notNull().default(0),
}, (t) => [
  index('usage_created_idx').on(t.createdAt),
  index('usage_key_created_idx').on(t.keyId, t.createdAt),
  /** A team admin's request log and reports: its team's rows in time order, without walking everyone's. */
  index('usage_team_created_idx').on(t.team, t.createdAt),
  index('usage_model_created_idx').on(t.model, t.createdAt),
  index('usage_request_idx').on(t.requestId),
])

/** Asynchronous jobs and the state of their callback delivery. */
export const jobs = sqliteTable('jobs', {
  id: text('id').primaryKey(),
  keyId: text('key_id'),
  /** chat | prompt | responses */
  kind: text('kind').notNull(),
  /** What the direct call would have received: body, path parameters and the headers that matter (JSON). */
  request: text('request', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** queued | running | succeeded | failed | canceled */
  status: text('status').notNull(),
  resultStatus: integer('result_status'),
  result: text('result', { mode: 'json' }).$type<unknown>(),
  error: text('error', { mode: 'json' }).$type<unknown>(),
  callbackUrl: text('callback_url'),
  /** none | pending | delivering | delivered | failed */
  deliveryState: text('delivery_state').notNull().default('none'),
  deliveryAttempts: integer('delivery_attempts').notNull().default(0),
  nextDeliveryAt: integer('next_delivery_at'),
  lastDeliveryError: text('last_delivery_error'),
  webhookId: text('webhook_id'),
  /** A worker's claim on the job; an expired lease means its worker died and the job is taken again. */
  leaseUntil: integer('lease_until'),
  createdAt: integer('created_at').notNull(),
  startedAt: integer('started_at'),
  finishedAt: integer('finished_at'),
}, (t) => [
  index('jobs_key_created_idx').on(t.keyId, t.createdAt),
  index('jobs_status_idx').on(t.status),
  index('jobs_delivery_idx').on(t.deliveryState, t.nextDeliveryAt),
])

/**
 * Responses stored for `previous_response_id` and `GET /v1/responses/{id}` (OpenAI's Responses API with
 * `store`), readable only by the key that made them, until `expires_at` (the retention setting).
 */
export const responses = sqliteTable('responses', {
  id: text('id').primaryKey(),
  /** The key's id, or `admin` for the admin key. */
  owner: text('owner').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  /** The Response as the client received it (JSON). */
  response: text('response', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** The conversation it ends: its input items (earlier turns included), then its output items (JSON). */
  items: text('items', { mode: 'json' }).$type<Array<Record<string, unknown>>>().notNull(),
}, (t) => [index('responses_expires_idx').on(t.expiresAt)])

/** A key holder's request to be allowed a prompt API; approving it adds the prompt to the key's `prompts`. */
export const accessRequestStatuses = ['pending', 'approved', 'refused'] as const
export type AccessRequestStatus = (typeof accessRequestStatuses)[number]

export const accessRequests = sqliteTable('access_requests', {
  /** `ar_…` */
  id: text('id').primaryKey(),
  keyId: text('key_id').notNull(),
  /** The key's team when it asked: team admins decide their own team's requests. */
  team: text('team'),
  prompt: text('prompt').notNull(),
  reason: text('reason'),
  status: text('status').$type<AccessRequestStatus>().notNull(),
  createdAt: integer('created_at').notNull(),
  decidedAt: integer('decided_at'),
  /** The deciding key's id, or `admin`. */
  decidedBy: text('decided_by'),
  note: text('note'),
}, (t) => [
  index('access_requests_key_idx').on(t.keyId, t.prompt, t.status),
  index('access_requests_status_idx').on(t.status, t.createdAt),
])

/**
 * Request and response bodies of calls, kept only when the deployment turns it on (`request_bodies.store`),
 * redacted and size-capped, deleted after the retention period.
 */
export const requestBodies = sqliteTable('request_bodies', {
  requestId: text('request_id').primaryKey(),
  keyId: text('key_id'),
  team: text('team'),
  createdAt: integer('created_at').notNull(),
  request: text('request', { mode: 'json' }).$type<unknown>(),
  response: text('response', { mode: 'json' }).$type<unknown>(),
}, (t) => [index('request_bodies_created_idx').on(t.createdAt)])

// ── Usage rollups (issue 5, reports on a million rows) ─────────────────────────────────────────────────────
// Exact integer sums of `usage` per UTC hour (and per UTC day) and per report dimension, kept in the same
// transaction/batch that writes the usage rows (src/metering/usage-rollup.ts). The setting
// `usage_rollup_through_id` names the last usage id the rollups hold.

/**
 * Upper bounds (ms, inclusive) of the latency histogram: 1, 2, 3, 4, then four buckets per doubling up to
 * 2^20 ms (17.5 min). Each `lat_le_<bound>` column counts the attempts at or under its bound (cumulative).
 */
export const ROLLUP_LATENCY_BOUNDS_MS: readonly number[] = Object.freeze(
  [1, 2, 3, 4, ...Array.from({ length: 18 }, (_, octave) => [1, 2, 3, 4].map((j) => 2 ** (octave + 2) * (4 + j) / 4)).flat()],
)

function rollupColumns() {
  return {
    /** The bucket's first instant (ms since the epoch, a whole UTC hour or day). */
    bucketStart: integer('bucket_start').notNull(),
    keyId: text('key_id'),
    team: text('team'),
    provider: text('provider'),
    model: text('model'),
    route: text('route'),
    prompt: text('prompt'),
    attempts: integer('attempts').notNull().default(0),
    /** Calls: rows with attempt = 1, so a call counts once, in the group of its first attempt. */
    requests: integer('requests').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    cachedTokens: integer('cached_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    /** The sum of the known costs; the unknown ones are counted in unknown_cost_attempts. */
    costPicoUsd: integer('cost_pico_usd').notNull().default(0),
    unknownCostAttempts: integer('unknown_cost_attempts').notNull().default(0),
    latencyMaxMs: integer('latency_max_ms').notNull().default(0),
    ...Object.fromEntries(ROLLUP_LATENCY_BOUNDS_MS.map((b) => [`latLe${b}`, integer(`lat_le_${b}`).notNull().default(0)])),
    cacheSavingsPicoUsd: integer('cache_savings_pico_usd').notNull().default(0),
  }
}

/** A null dimension is a group of its own: quote() maps null to NULL and 'x' to 'x' (quoted), so the key is unique and never null. */
const rollupKey = (name: string) => sql.raw(`quote(${name})`)
const rollupGroup = ['key_id', 'team', 'provider', 'model', 'route', 'prompt'].map(rollupKey)

export const usageRollupHourly = sqliteTable('usage_rollup_hourly', rollupColumns(), (t) => [
  uniqueIndex('usage_rollup_hourly_group_idx').on(t.bucketStart, ...rollupGroup),
])

export const usageRollupDaily = sqliteTable('usage_rollup_daily', rollupColumns(), (t) => [
  uniqueIndex('usage_rollup_daily_group_idx').on(t.bucketStart, ...rollupGroup),
])

/**
 * Time to first token per bucket and group, in tables of their own: D1 allows 100 columns a table and the
 * usage rollups hold 96. Same groups, same buckets, same histogram bounds as the latency histogram.
 */
function ttftRollupColumns() {
  const { bucketStart, keyId, team, provider, model, route, prompt } = rollupColumns()
  return {
    bucketStart, keyId, team, provider, model, route, prompt,
    /** Attempts that reported a time to first token (streams), and the slowest of them. */
    ttftAttempts: integer('ttft_attempts').notNull().default(0),
    ttftMaxMs: integer('ttft_max_ms').notNull().default(0),
    ...Object.fromEntries(ROLLUP_LATENCY_BOUNDS_MS.map((b) => [`ttftLe${b}`, integer(`ttft_le_${b}`).notNull().default(0)])),
  }
}

export const usageTtftRollupHourly = sqliteTable('usage_ttft_rollup_hourly', ttftRollupColumns(), (t) => [
  uniqueIndex('usage_ttft_rollup_hourly_group_idx').on(t.bucketStart, ...rollupGroup),
])

export const usageTtftRollupDaily = sqliteTable('usage_ttft_rollup_daily', ttftRollupColumns(), (t) => [
  uniqueIndex('usage_ttft_rollup_daily_group_idx').on(t.bucketStart, ...rollupGroup),
])

/**
 * Dashboard sessions (src/ui/session-store.ts): the cookie carries a random id, the table only its SHA-256.
 * `key_id` is null for the admin key; every request re-checks that the key is neither revoked nor expired.
 */
export const uiSessions = sqliteTable('ui_sessions', {
  idHash: text('id_hash').primaryKey(),
  keyId: text('key_id'),
  /** The token every dashboard form carries in its hidden `_csrf` field. */
  csrfToken: text('csrf_token').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
}, (t) => [index('ui_sessions_expires_idx').on(t.expiresAt)])
