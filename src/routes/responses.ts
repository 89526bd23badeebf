import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { handleCreateResponse } from '../dialects/openai-responses/handler.js'
import { parseResponsesRequest } from '../dialects/openai-responses/request.js'
import { deleteResponse, loadResponse, responseNotFound } from '../dialects/openai-responses/response-store.js'
import { invalidRequest } from '../errors.js'
import { readJsonBody } from '../openai/read-json.js'

/** OpenAI's Responses API: create (any backend), and read or delete what this key stored. */
export function responsesRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/v1/responses', async (c) => {
    const raw = await readJsonBody(c)
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidRequest('The request body must be a JSON object.', null, 'invalid_json')
    return handleCreateResponse(deps, c, raw as Record<string, unknown>, parseResponsesRequest(raw))
  })

  app.get('/v1/responses/:id', async (c) => {
    const stored = await loadResponse(deps, c.get('principal'), c.req.param('id'))
    return c.json(stored.response)
  })

  // The input the stored response answered (earlier turns included), newest first unless `order=asc`, as OpenAI lists them.
  app.get('/v1/responses/:id/input_items', async (c) => {
    const stored = await loadResponse(deps, c.get('principal'), c.req.param('id'))
    const data = c.req.query('order') === 'asc' ? stored.items : [...stored.items].reverse()
    const ids = data.map((item) => (typeof item.id === 'string' ? item.id : null))
    return c.json({ object: 'list', data, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null, has_more: false })
  })

  app.delete('/v1/responses/:id', async (c) => {
    const id = c.req.param('id')
    if (!(await deleteResponse(deps, c.get('principal'), id))) throw responseNotFound(id)
    return c.json({ id, object: 'response.deleted', deleted: true })
  })

  return app
}
