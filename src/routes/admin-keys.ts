import { Hono } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError, invalidRequest } from '../errors.js'
import { periodWindow } from '../metering/budget-period.js'
import { picoToUsdText } from '../metering/usd.js'
import { readJsonBody } from '../openai/read-json.js'
import { firstProblem, keyCreateSchema, keyUpdateSchema, toKeyFields } from '../security/key-input.js'
import {
  createKey, getKey, listKeys, revokeKey, rotateKey, toPublicKey, updateKeyFields, type KeyChangeRefusal, type KeyFields,
} from '../security/key-service.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import { jsonContentType, plainDecimalJson } from '../metering/plain-decimal-json.js'

function keyNotFound(id: string): GatewayError {
  return new GatewayError(404, `No API key with id ${id}.`, { type: 'invalid_request_error', code: 'key_not_found' })
}

function refused(id: string, refusal: KeyChangeRefusal): GatewayError {
  if (refusal === 'not_found') return keyNotFound(id)
  return new GatewayError(409, `The API key ${id} is revoked; revocation is final. Create a new key instead.`, {
    type: 'invalid_request_error', code: 'key_revoked',
  })
}

function parseOrThrow<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const problem = firstProblem(parsed.error)
    throw invalidRequest(problem.message, problem.field, 'invalid_key_field')
  }
  return parsed.data
}

function assertFutureExpiry(fields: Partial<KeyFields>, now: number): void {
  if (fields.expiresAt != null && fields.expiresAt <= now) {
    throw invalidRequest(`Invalid value for 'expires_at': ${new Date(fields.expiresAt).toISOString()} is in the past.`, 'expires_at', 'invalid_key_field')
  }
}

/** The key's spend in its budget period (all time for a key without a budget), as admission sees it. */
async function spendOf(deps: AppDeps, row: ApiKeyRow) {
  const period = row.budgetPeriod ?? 'total'
  const window = periodWindow(period, deps.clock.now())
  const spent = await deps.spend.spend(row.id, period)
  return {
    period,
    period_start: new Date(window.start).toISOString(),
    resets_at: window.resetsAt === null ? null : new Date(window.resetsAt).toISOString(),
    spent_usd: Number(picoToUsdText(spent)),
    remaining_usd: row.budgetPicoUsd === null ? null : Number(picoToUsdText(Math.max(0, row.budgetPicoUsd - spent))),
  }
}

/**
 * /admin/keys: issue, list, show, update, rotate and revoke virtual keys. Mounted behind requireAdmin:
 * only the admin key reaches it, so a client key can never create or widen a key (its own or another's).
 */
export function adminKeyRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/admin/keys', async (c) => {
    const fields = toKeyFields(parseOrThrow(keyCreateSchema, await readJsonBody(c)))
    assertFutureExpiry(fields, deps.clock.now())
    const { row, secret } = await createKey(deps, { ...fields, name: fields.name! })
    return c.json({ ...toPublicKey(row), key: secret }, 201)
  })

  app.get('/admin/keys', async (c) => {
    const rows = await listKeys(deps.store.db)
    return c.json({ object: 'list', data: rows.map(toPublicKey) })
  })

  app.get('/admin/keys/:id', async (c) => {
    const row = await getKey(deps.store.db, c.req.param('id'))
    if (!row) throw keyNotFound(c.req.param('id'))
    return c.body(plainDecimalJson({ ...toPublicKey(row), spend: await spendOf(deps, row) }), 200, jsonContentType)
  })

  app.patch('/admin/keys/:id', async (c) => {
    const id = c.req.param('id')
    const fields = toKeyFields(parseOrThrow(keyUpdateSchema, await readJsonBody(c)))
    assertFutureExpiry(fields, deps.clock.now())
    const changed = await updateKeyFields(deps, id, fields)
    if (!changed.ok) throw refused(id, changed.refusal)
    deps.keyCache.invalidateKey(id)
    await deps.admission.keyChanged?.(changed.value)
    return c.json(toPublicKey(changed.value))
  })

  app.post('/admin/keys/:id/rotate', async (c) => {
    const id = c.req.param('id')
    const rotated = await rotateKey(deps, id)
    if (!rotated.ok) throw refused(id, rotated.refusal)
    deps.keyCache.invalidateKey(id)
    await deps.admission.keyChanged?.(rotated.value.row)
    return c.json({ ...toPublicKey(rotated.value.row), key: rotated.value.secret })
  })

  app.delete('/admin/keys/:id', async (c) => {
    const row = await revokeKey(deps, c.req.param('id'))
    if (!row) throw keyNotFound(c.req.param('id'))
    deps.keyCache.invalidateKey(row.id)
    await deps.admission.keyChanged?.(row)
    return c.json(toPublicKey(row))
  })

  return app
}
