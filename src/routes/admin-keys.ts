import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError, invalidRequest } from '../errors.js'
import { issuePath } from '../openai/chat-request.js'
import { readJsonBody } from '../openai/read-json.js'
import { createKey, getKey, listKeys, revokeKey, toPublicKey } from '../security/key-service.js'

const createKeySchema = z.object({
  name: z.string().min(1).max(200),
}).strict()

function keyNotFound(id: string): GatewayError {
  return new GatewayError(404, `No API key with id ${id}.`, { type: 'invalid_request_error', code: 'key_not_found' })
}

/** /admin/keys: issue, list and revoke virtual keys (admin key only; mounted behind requireAdmin). */
export function adminKeyRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/admin/keys', async (c) => {
    const parsed = createKeySchema.safeParse(await readJsonBody(c))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw invalidRequest(`Invalid value for '${issuePath(issue.path) || 'body'}': ${issue.message}`, issuePath(issue.path) || null)
    }
    const { row, secret } = await createKey(deps, parsed.data)
    return c.json({ ...toPublicKey(row), key: secret }, 201)
  })

  app.get('/admin/keys', async (c) => {
    const rows = await listKeys(deps.store.db)
    return c.json({ object: 'list', data: rows.map(toPublicKey) })
  })

  app.get('/admin/keys/:id', async (c) => {
    const row = await getKey(deps.store.db, c.req.param('id'))
    if (!row) throw keyNotFound(c.req.param('id'))
    return c.json(toPublicKey(row))
  })

  app.delete('/admin/keys/:id', async (c) => {
    const row = await revokeKey(deps, c.req.param('id'))
    if (!row) throw keyNotFound(c.req.param('id'))
    deps.keyCache.invalidateKey(row.id)
    return c.json(toPublicKey(row))
  })

  return app
}
