import { and, desc, eq, gt, lte } from 'drizzle-orm'
import type { Principal } from '../../app-env.js'
import type { AppDeps } from '../../deps.js'
import { GatewayError } from '../../errors.js'
import { responses } from '../../store/schema.js'
import type { InputItem } from './request.js'

const DAY_MS = 86_400_000

export interface StoredResponse {
  response: Record<string, unknown>
  items: InputItem[]
}

/** Stored responses belong to one key; the admin key has its own space. */
export function ownerOf(principal: Principal): string {
  return principal.keyId ?? 'admin'
}

export function responseNotFound(id: string): GatewayError {
  return new GatewayError(404, `Response with id '${id}' not found.`, { type: 'invalid_request_error', param: 'response_id', code: null })
}

/** Finds a response this key stored and that has not expired; anything else is the same 404. */
export async function loadResponse(deps: AppDeps, principal: Principal, id: string): Promise<StoredResponse> {
  const rows = await deps.store.db.select({ response: responses.response, items: responses.items }).from(responses)
    .where(and(eq(responses.id, id), eq(responses.owner, ownerOf(principal)), gt(responses.expiresAt, deps.clock.now()))).limit(1)
  const row = rows[0]
  if (!row) throw responseNotFound(id)
  return { response: row.response, items: row.items as InputItem[] }
}

/** Stores a finished response with the conversation it ends; expired rows are swept in the same batch. */
export async function saveResponse(deps: AppDeps, principal: Principal, response: { id: string }, items: readonly InputItem[]): Promise<void> {
  const now = deps.clock.now()
  const { db } = deps.store
  await deps.store.batch([
    db.delete(responses).where(lte(responses.expiresAt, now)),
    db.insert(responses).values({
      id: response.id, owner: ownerOf(principal), createdAt: now,
      expiresAt: now + Math.round(deps.config.file.responses_retention_days * DAY_MS),
      response: response as Record<string, unknown>, items: [...items],
    }).onConflictDoNothing(),
  ])
}

/** Deletes a response this key stored; false when there was none to delete. */
export async function deleteResponse(deps: AppDeps, principal: Principal, id: string): Promise<boolean> {
  const rows = await deps.store.db.delete(responses)
    .where(and(eq(responses.id, id), eq(responses.owner, ownerOf(principal)), gt(responses.expiresAt, deps.clock.now())))
    .returning({ id: responses.id })
  return rows.length > 0
}

/** What a stored response contributes to the next turn: its own conversation, then its output. */
export function conversationOf(items: readonly InputItem[], output: unknown): InputItem[] {
  return [...items, ...(Array.isArray(output) ? (output as InputItem[]) : [])]
}

/** How far back item_reference looks: the key's most recent stored responses. */
const REFERENCE_WINDOW = 50

/** Output items of the key's recent stored responses, by id (what an `item_reference` points at). */
export async function recentOutputItems(deps: AppDeps, principal: Principal): Promise<Map<string, InputItem>> {
  const rows = await deps.store.db.select({ response: responses.response }).from(responses)
    .where(and(eq(responses.owner, ownerOf(principal)), gt(responses.expiresAt, deps.clock.now())))
    .orderBy(desc(responses.createdAt)).limit(REFERENCE_WINDOW)
  const byId = new Map<string, InputItem>()
  for (const row of rows) {
    const output = Array.isArray(row.response.output) ? (row.response.output as InputItem[]) : []
    for (const item of output) if (typeof item.id === 'string' && !byId.has(item.id)) byId.set(item.id, item)
  }
  return byId
}
