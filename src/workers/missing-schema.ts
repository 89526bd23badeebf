import type { D1Database } from '@cloudflare/workers-types'
import { getTableName, is } from 'drizzle-orm'
import { SQLiteTable } from 'drizzle-orm/sqlite-core'
import { GatewayError } from '../errors.js'
import * as schema from '../store/schema.js'

/** D1's message when the database has not been migrated (or only partly): a table or column the code reads is absent. */
const MISSING_SCHEMA = /no such (table|column)/i

export function isMissingSchema(err: unknown): boolean {
  for (let cause: unknown = err; cause instanceof Error; cause = cause.cause) {
    if (MISSING_SCHEMA.test(cause.message)) return true
  }
  return false
}

/**
 * The answer while the D1 database lacks the gateway's tables: a 503 that names the command to run, in
 * OpenAI's error shape, instead of a 500 that hides the cause.
 */
export function missingSchemaResponse(): Response {
  const error = new GatewayError(503,
    'The D1 database has not been migrated: the gateway\'s tables are missing. Locally, run `npm run dev:worker` '
    + '(it applies the migrations first) or `npx wrangler d1 migrations apply manifold --local`; for the deployed '
    + 'Worker, run `npx wrangler d1 migrations apply manifold --remote` (or `npm run deploy`).',
    { type: 'server_error', code: 'database_not_migrated' })
  return Response.json(error.toJSON(), { status: 503, headers: { 'retry-after': '30' } })
}

const expectedTables = Object.values(schema).filter((value) => is(value, SQLiteTable)).map((table) => getTableName(table))

/**
 * Throws `no such table: …` when a table of the schema is absent, so a database that was never migrated
 * is named at the first request (even one, like /health, that reads no table).
 */
export async function assertMigrated(db: D1Database): Promise<void> {
  const { results } = await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>()
  const present = new Set(results.map((row) => row.name))
  const missing = expectedTables.filter((name) => !present.has(name))
  if (missing.length > 0) throw new Error(`no such table: ${missing.join(', ')}`)
}
