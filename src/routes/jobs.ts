import { Hono } from 'hono'
import type { AppEnv, Principal } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError, invalidRequest } from '../errors.js'
import { cancelJob, getJob, listJobs, type JobRow } from '../jobs/job-repo.js'
import { toJobView } from '../jobs/job-view.js'

const notFound = (id: string) =>
  new GatewayError(404, `No job found with id '${id}'.`, { type: 'invalid_request_error', code: 'job_not_found', param: 'id' })

/** A job is visible to the key that created it and to the admin key; to anyone else it does not exist. */
async function visibleJob(deps: AppDeps, principal: Principal, id: string): Promise<JobRow> {
  const row = await getJob(deps.store.db, id)
  if (!row || (principal.kind !== 'admin' && row.keyId !== principal.keyId)) throw notFound(id)
  return row
}

function pageLimit(raw: string | undefined): number {
  if (raw === undefined) return 20
  const limit = Number(raw)
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidRequest('limit must be a whole number from 1 to 100.', 'limit', 'invalid_value')
  return limit
}

/** GET /v1/jobs, GET /v1/jobs/{id}, DELETE /v1/jobs/{id}. */
export function jobRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.get('/v1/jobs', async (c) => {
    const principal = c.get('principal')
    const limit = pageLimit(c.req.query('limit'))
    const afterId = c.req.query('after')
    const after = afterId ? await visibleJob(deps, principal, afterId) : undefined
    const keyId = principal.kind === 'admin' ? null : principal.keyId
    const rows = await listJobs(deps.store.db, { keyId, limit: limit + 1, after })
    const data = rows.slice(0, limit).map(toJobView)
    return c.json({ object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: rows.length > limit })
  })

  app.get('/v1/jobs/:id', async (c) => {
    return c.json(toJobView(await visibleJob(deps, c.get('principal'), c.req.param('id'))))
  })

  app.delete('/v1/jobs/:id', async (c) => {
    const row = await visibleJob(deps, c.get('principal'), c.req.param('id'))
    if (row.status === 'canceled') return c.json(toJobView(row))
    const canceled = await cancelJob(deps.store.db, row.id, deps.clock.now())
    if (!canceled) {
      throw new GatewayError(409, `The job has already finished (${(await getJob(deps.store.db, row.id))?.status ?? row.status}); there is nothing to cancel.`, {
        type: 'invalid_request_error', code: 'job_already_finished',
      })
    }
    await deps.jobQueue.jobCanceled(row.id)
    if (canceled.deliveryState === 'pending') await deps.jobQueue.deliveryDue(row.id, canceled.nextDeliveryAt ?? deps.clock.now())
    return c.json(toJobView(canceled))
  })

  return app
}
