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
  createKey, getKey, listKeys, publishKeyChange, revokeKey, rotateKey, toPublicKey, updateKeyFields, type KeyChangeRefusal, type KeyFields,
} from '../security/key-service.js'
import { adminRequired, inScope, managementScope, teamFilter, type ManagementScope } from '../security/management-scope.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import type { KeyRole } from '../store/schema.js'
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

/** What GET /admin/keys/:id reports as `spend` (the dashboard's keys pages read the same type). */
export type KeySpend = Awaited<ReturnType<typeof spendOf>>

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

/** A key of another team is answered as if it did not exist, so a team admin learns nothing of other teams. */
async function keyInScope(deps: AppDeps, scope: ManagementScope, id: string): Promise<ApiKeyRow> {
  const row = await getKey(deps.store.db, id)
  if (!row || !inScope(scope, row.team)) throw keyNotFound(id)
  return row
}

const onlyAdminMay = (what: string) => adminRequired(`Only the admin key may ${what}.`)

/**
 * What a team admin may not do: give a key another team or the team admin role, or change a team admin key
 * (its own included). Its keys are always `member`s of its team.
 */
function assertTeamAdminChange(scope: ManagementScope, fields: Partial<KeyFields>, existing?: ApiKeyRow): void {
  if (scope.team === null) return
  if (existing?.role === 'team_admin') throw onlyAdminMay('change a team admin key')
  if (fields.role !== undefined && fields.role !== 'member') throw onlyAdminMay('create or change a team admin key')
  if (fields.team !== undefined && fields.team !== scope.team) throw onlyAdminMay('move a key to another team')
}

/** A team admin key needs a team: it is the team it manages. */
function assertTeamOfTeamAdmin(role: KeyRole, team: string | null): void {
  if (role === 'team_admin' && team === null) {
    throw invalidRequest(`Invalid value for 'team': a key with the role team_admin needs a team.`, 'team', 'invalid_key_field')
  }
}

/**
 * /admin/keys: issue, list, show, update, rotate and revoke virtual keys. The admin key manages every key;
 * a team admin key only its own team's member keys (src/security/management-scope.ts).
 */
export function adminKeyRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/admin/keys', async (c) => {
    const scope = managementScope(c.get('principal'))
    const fields = toKeyFields(parseOrThrow(keyCreateSchema, await readJsonBody(c)))
    assertTeamAdminChange(scope, fields)
    assertFutureExpiry(fields, deps.clock.now())
    const team = scope.team ?? fields.team ?? null
    assertTeamOfTeamAdmin(fields.role ?? 'member', team)
    const { row, secret } = await createKey(deps, { ...fields, team, name: fields.name! })
    return c.json({ ...toPublicKey(row), key: secret }, 201)
  })

  app.get('/admin/keys', async (c) => {
    const team = teamFilter(managementScope(c.get('principal')), c.req.query('team') || undefined)
    const rows = await listKeys(deps.store.db)
    return c.json({ object: 'list', data: rows.filter((row) => team === undefined || row.team === team).map(toPublicKey) })
  })

  app.get('/admin/keys/:id', async (c) => {
    const row = await keyInScope(deps, managementScope(c.get('principal')), c.req.param('id'))
    return c.body(plainDecimalJson({ ...toPublicKey(row), spend: await spendOf(deps, row) }), 200, jsonContentType)
  })

  app.patch('/admin/keys/:id', async (c) => {
    const id = c.req.param('id')
    const scope = managementScope(c.get('principal'))
    const existing = await keyInScope(deps, scope, id)
    const fields = toKeyFields(parseOrThrow(keyUpdateSchema, await readJsonBody(c)))
    assertTeamAdminChange(scope, fields, existing)
    assertFutureExpiry(fields, deps.clock.now())
    assertTeamOfTeamAdmin(fields.role ?? existing.role, fields.team === undefined ? existing.team : fields.team)
    const changed = await updateKeyFields(deps, id, fields)
    if (!changed.ok) throw refused(id, changed.refusal)
    await publishKeyChange(deps, changed.value)
    return c.json(toPublicKey(changed.value))
  })

  app.post('/admin/keys/:id/rotate', async (c) => {
    const id = c.req.param('id')
    const scope = managementScope(c.get('principal'))
    assertTeamAdminChange(scope, {}, await keyInScope(deps, scope, id))
    const rotated = await rotateKey(deps, id)
    if (!rotated.ok) throw refused(id, rotated.refusal)
    await publishKeyChange(deps, rotated.value.row)
    return c.json({ ...toPublicKey(rotated.value.row), key: rotated.value.secret })
  })

  app.delete('/admin/keys/:id', async (c) => {
    const id = c.req.param('id')
    const scope = managementScope(c.get('principal'))
    assertTeamAdminChange(scope, {}, await keyInScope(deps, scope, id))
    const row = await revokeKey(deps, id)
    if (!row) throw keyNotFound(id)
    await publishKeyChange(deps, row)
    return c.json(toPublicKey(row))
  })

  return app
}
