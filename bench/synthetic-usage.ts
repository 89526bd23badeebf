import type Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { rollUpStatements } from '../src/metering/usage-rollup.js'
import type { Db } from '../src/store/store.js'

/** A deterministic stream of numbers in [0, 1) (mulberry32), so every run inserts the same rows. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const MODELS = [
  ['openai', 'openai/gpt-4o-mini'], ['openai', 'openai/gpt-4o'], ['anthropic', 'anthropic/claude-sonnet-4-20250514'],
  ['anthropic', 'anthropic/claude-3-haiku-20240307'], ['mistral', 'mistral/mistral-small-latest'], ['gemini', 'gemini/gemini-2.5-flash'],
  ['groq', 'groq/llama-3.1-8b-instant'], ['ollama', 'ollama/llama3'],
] as const

export interface SyntheticUsageOptions {
  rows: number
  /** The newest row's time; rows spread over the `days` before it. */
  end: number
  days: number
  seed?: number
}

/**
 * Inserts `rows` usage rows straight through better-sqlite3: one prepared statement in one transaction,
 * with the usage indexes dropped during the load and rebuilt after from their own stored DDL (the schema's
 * exact indexes, built once instead of updated a million times). Then rolls them up with the recorder's
 * own statements (`rollUp: false` leaves them above the watermark, as rows some other writer added).
 */
export function insertSyntheticUsage(client: Database.Database, options: SyntheticUsageOptions & { rollUp?: boolean }): void {
  const indexes = client.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'usage' AND sql IS NOT NULL`).all() as Array<{ name: string; sql: string }>
  for (const index of indexes) client.exec(`DROP INDEX "${index.name}"`)
  insertRows(client, options)
  for (const index of indexes) client.exec(index.sql)
  if (options.rollUp === false) return
  // better-sqlite3's drizzle statements run synchronously; one transaction, as the recorder's batch.
  const statements = rollUpStatements(drizzle(client) as unknown as Db) as unknown as Array<{ run(): unknown }>
  client.transaction(() => { for (const statement of statements) statement.run() })()
}

function insertRows(client: Database.Database, options: SyntheticUsageOptions): void {
  const random = seededRandom(options.seed ?? 42)
  const span = options.days * 86_400_000
  const insert = client.prepare(`INSERT INTO usage (request_id, attempt, created_at, key_id, team, provider, model, route, strategy,
    prompt, prompt_version, endpoint, stream, status, outcome, error_type, prompt_tokens, completion_tokens, cached_tokens,
    cache_write_tokens, reasoning_tokens, cost_pico_usd, latency_ms, ttft_ms)
    VALUES (?, 1, ?, ?, ?, ?, ?, ?, 'single', ?, ?, 'chat', ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)`)
  const run = client.transaction(() => {
    for (let i = 0; i < options.rows; i++) {
      const [provider, model] = MODELS[Math.floor(random() * MODELS.length)]!
      const key = Math.floor(random() * 50)
      const failed = random() < 0.04
      const promptTokens = failed ? 0 : 20 + Math.floor(random() * 2000)
      const completionTokens = failed ? 0 : Math.floor(random() * 800)
      const cached = failed ? 0 : Math.floor(random() * promptTokens * 0.3)
      const priced = provider !== 'ollama'
      const latency = 50 + Math.floor(random() * 4000)
      const prompt = random() < 0.2 ? `prompt-${Math.floor(random() * 3)}` : null
      insert.run(
        `req_${i}`, options.end - Math.floor(random() * span), `key_${key}`, `team-${key % 10}`, provider, model,
        `route-${key % 5}`, prompt, prompt ? '1' : null, random() < 0.5 ? 1 : 0, failed ? 502 : 200,
        failed ? 'error' : 'success', failed ? 'upstream_error' : null, promptTokens, completionTokens, cached,
        failed || !priced ? null : promptTokens * 150_000 + completionTokens * 600_000, latency, Math.floor(latency / 3),
      )
    }
  })
  run()
}
