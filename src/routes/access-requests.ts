import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AppEnv, Principal } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError, invalidRequest } from '../errors.js'
import { parseClientJson } from '../openai/read-json.js'
import { mayUsePrompt } from '../prompt-api/lifecycle.js'
import { grantPrompt } from '../security/key-service.js'
import { generateId } from '../security/keys.js'
import { inScope, managementScope, teamFilter } from '../security/management-scope.js'
import {
  accessRequestsOfKey, decideAccessRequest, getAccessRequest, insertAccessRequest, listAccessRequests, pendingAccessRequest,
  type AccessRequestRow,
} from '../store/access-requests-repo.js'
import { getKey } from '../store/keys-repo.js'
import { accessRequestStatuses } from '../store/schema.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** A request as its key holder sees it. */
function toPublicRequest(row: AccessRequestRow) {
  return {
    object: 'access_request' as const,
    id: row.id, prompt: row.prompt, status: row.status, reason: row.reason,
    created_at: iso(row.createdAt)!, decided_at: iso(row.decidedAt), note: row.note,
  }
}

/** A request as the admins who decide it see it: also whose key asked, and who decided. */
function toAdminRequest(row: AccessRequestRow & { keyName: string | null }) {
  return { ...toPublicRequest(row), key_id: row.keyId, key_name: row.keyName, team: row.team, decided_by: row.decidedBy }
}

const createSchema = z.object({ reason: z.string().max(1000).nullable().optional() }).strict()
const refuseSchema = z.object({ note: z.string().max(1000).nullable().optional() }).strict()

/** An optional JSON body: none (or an empty one) is `{}`. */
async function optionalBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text()
  const parsed = schema.safeParse(text.trim() === '' ? {} : parseClientJson(text, 'body of your request'))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const field = issue.code === 'unrecognized_keys' ? issue.keys[0] ?? 'body' : String(issue.path[0] ?? 'body')
    throw invalidRequest(`Invalid value for '${field}': ${issue.message}`, field)
  }
  return parsed.data
}

const conflict = (message: string, code: string) => new GatewayError(409, message, { type: 'invalid_request_error', code })

const requestNotFound = (id: string) =>
  new GatewayError(404, `No access request with id ${id}.`, { type: 'invalid_request_error', code: 'access_request_not_found' })

function statusParam(raw: string | undefined): AccessRequestRow['status'] | undefined {
  if (raw === undefined || raw === '') return undefined
  const status = accessRequestStatuses.find((s) => s === raw)
  if (!status) throw invalidRequest(`Invalid value for 'status': expected one of ${accessRequestStatuses.join(', ')}.`, 'status')
  return status
}

const deciderId = (principal: Principal) => principal.keyId ?? 'admin'

/**
 * Access requests (issue 15): a key holder asks for a prompt API its scopes do not allow; the admin key or
 * the team admin of the key's team approves (the prompt joins the key's `prompts`) or refuses.
 */
export function accessRequestRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const db = deps.store.db

  app.post('/v1/prompts/:name/access-requests', async (c) => {
    const principal = c.get('principal')
    const name = c.req.param('name')
    if (!deps.prompts || deps.prompts.versions(name).length === 0) {
      throw new GatewayError(404, `There is no prompt API named \`${name}\`.`, { type: 'invalid_request_error', code: 'prompt_not_found' })
    }
    if (principal.kind === 'admin') throw invalidRequest('The admin key may call every prompt API; access requests are for virtual keys.', null, 'admin_key')
    const { reason } = await optionalBody(c, createSchema)
    if (mayUsePrompt(principal, name)) throw conflict(`This API key may already call the prompt API \`${name}\`.`, 'already_allowed')
    if (await pendingAccessRequest(db, principal.keyId, name)) {
      throw conflict(`This API key already has a pending access request for \`${name}\`.`, 'already_requested')
    }
    const row: AccessRequestRow = {
      id: generateId('ar'), keyId: principal.keyId, team: principal.key.team, prompt: name, reason: reason ?? null,
      status: 'pending', createdAt: deps.clock.now(), decidedAt: null, decidedBy: null, note: null,
    }
    await insertAccessRequest(db, row)
    return c.json(toPublicRequest(row), 201)
  })

  app.get('/v1/access-requests', async (c) => {
    const principal = c.get('principal')
    const rows = principal.kind === 'admin' ? [] : await accessRequestsOfKey(db, principal.keyId)
    return c.json({ object: 'list', data: rows.map(toPublicRequest) })
  })

  app.get('/admin/access-requests', async (c) => {
    const team = teamFilter(managementScope(c.get('principal')), c.req.query('team') || undefined)
    const rows = await listAccessRequests(db, { status: statusParam(c.req.query('status')), team })
    return c.json({ object: 'list', data: rows.map(toAdminRequest) })
  })

  /** The pending request the caller may decide: another team's is not found, a decided one is a conflict. */
  async function decidable(c: Context<AppEnv>): Promise<AccessRequestRow> {
    const id = c.req.param('id')!
    const row = await getAccessRequest(db, id)
    if (!row || !inScope(managementScope(c.get('principal')), row.team)) throw requestNotFound(id)
    if (row.status !== 'pending') throw conflict(`The access request ${id} was already ${row.status}.`, 'already_decided')
    return row
  }

  async function decide(c: Context<AppEnv>, row: AccessRequestRow, status: 'approved' | 'refused', note: string | null) {
    const decided = await decideAccessRequest(db, row.id, { status, decidedAt: deps.clock.now(), decidedBy: deciderId(c.get('principal')), note })
    if (!decided) throw conflict(`The access request ${row.id} was already decided.`, 'already_decided')
    const key = await getKey(db, decided.keyId)
    return c.json(toAdminRequest({ ...decided, keyName: key?.name ?? null }))
  }

  app.post('/admin/access-requests/:id/approve', async (c) => {
    const row = await decidable(c)
    const key = await getKey(db, row.keyId)
    if (!key || key.revokedAt !== null) throw conflict(`The API key ${row.keyId} that asked is revoked; there is nothing to approve.`, 'key_revoked')
    const response = await decide(c, row, 'approved', null)
    // Decided first, so two approvals cannot both grant; a key revoked in between stays revoked, and the grant changes nothing.
    await grantPrompt(deps, row.keyId, row.prompt)
    return response
  })

  app.post('/admin/access-requests/:id/refuse', async (c) => {
    const { note } = await optionalBody(c, refuseSchema)
    return decide(c, await decidable(c), 'refused', note ?? null)
  })

  return app
}
