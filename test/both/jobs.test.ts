import { describe, expect, it } from 'vitest'
import { insertJob } from '../../src/jobs/job-repo.js'
import type { JobView } from '../../src/jobs/job-view.js'
import recorded from '../fixtures/openai/vercel-openai-text.json' with { type: 'json' }
import { gateway } from './harness.js'

/**
 * Async jobs on both runtimes: Node runs them with its in-process runner (polling the jobs table), Workers
 * sends a Cloudflare Queues message to the entry's queue() consumer, with the cron sweep for lost messages.
 * Callbacks go to the loopback receiver, which verifies them with `standardwebhooks`.
 */

async function createKey(): Promise<string> {
  return (await gateway.createKey({ name: 'jobs' })).key
}

const ADMIN = gateway.adminKey
const call = gateway.call

const chatBody = (model = 'openai/gpt-4o-mini') => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] })

function submit(key: string, body: string, headers: Record<string, string> = {}, path = '/v1/chat/completions'): Promise<Response> {
  return call(path, { method: 'POST', key, headers: { 'content-type': 'application/json', prefer: 'respond-async', ...headers }, body })
}

async function accepted(res: Response): Promise<string> {
  expect(res.status).toBe(202)
  const body = (await res.json()) as { id: string }
  expect(body).toEqual({ id: expect.stringMatching(/^job_/), object: 'job', status: 'queued' })
  expect(res.headers.get('location')).toBe(`/v1/jobs/${body.id}`)
  return body.id
}

const waitForJob = gateway.waitForJob

const final = (job: JobView) => ['succeeded', 'failed', 'canceled'].includes(job.status)

describe(`async jobs (${gateway.runtime})`, () => {
  it('runs a chat job; its result is the direct call\'s exact body, metered under the job id', async () => {
    const key = await createKey()
    const direct = await call('/v1/chat/completions', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: chatBody() })
    expect(direct.status).toBe(200)
    const directBody: unknown = await direct.json()
    expect(directBody).toEqual(recorded)

    const res = await submit(key, chatBody())
    expect(res.headers.get('preference-applied')).toBe('respond-async')
    const id = await accepted(res)
    const job = await waitForJob(id, key, final)
    expect(job).toMatchObject({ id, object: 'job', kind: 'chat', status: 'succeeded', result_status: 200, error: null, callback: null })
    expect(job.result).toEqual(directBody)
    expect(job.started_at).toEqual(expect.any(Number))
    expect(job.finished_at).toEqual(expect.any(Number))

    const rows = await gateway.usageRows(id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ provider: 'openai', model: 'openai/gpt-4o-mini', status: 200, outcome: 'success' })

    // A finished job cannot be canceled.
    const late = await call(`/v1/jobs/${id}`, { method: 'DELETE', key })
    expect(late.status).toBe(409)
    expect(await late.json()).toMatchObject({ error: { code: 'job_already_finished' } })
  })

  it('runs a prompt API job to the direct call\'s body', async () => {
    const input = JSON.stringify({ text: 'Hello', target_language: 'French' })
    const direct = await call('/v1/prompts/translate', { method: 'POST', key: ADMIN, headers: { 'content-type': 'application/json' }, body: input })
    expect(direct.status).toBe(200)
    const directBody = (await direct.json()) as Record<string, unknown>

    const id = await accepted(await submit(ADMIN, input, {}, '/v1/prompts/translate'))
    const job = await waitForJob(id, ADMIN, final)
    expect(job).toMatchObject({ kind: 'prompt', status: 'succeeded', result_status: 200 })
    // The response id is the request id, which for a job is the job id; everything else is identical.
    expect(job.result).toEqual({ ...directBody, id })
  })

  it('shows a job only to its key and the admin key', async () => {
    const owner = await createKey()
    const other = await createKey()
    const id = await accepted(await submit(owner, chatBody()))

    for (const method of ['GET', 'DELETE']) {
      const res = await call(`/v1/jobs/${id}`, { method, key: other })
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: { message: `No job found with id '${id}'.`, type: 'invalid_request_error', param: 'id', code: 'job_not_found' } })
    }
    const list = (await (await call('/v1/jobs', { key: other })).json()) as { data: JobView[] }
    expect(list.data).toEqual([])

    const asAdmin = await call(`/v1/jobs/${id}`, { key: ADMIN })
    expect(asAdmin.status).toBe(200)
    expect(await asAdmin.json()).toMatchObject({ id })
    const done = await waitForJob(id, owner, final)
    expect(done.status).toBe('succeeded')
    const own = (await (await call('/v1/jobs', { key: owner })).json()) as { data: JobView[] }
    expect(own.data.map((j) => j.id)).toEqual([id])
  })

  it('delivers a signed callback that standardwebhooks verifies', async () => {
    const key = await createKey()
    const tag = `ok-${crypto.randomUUID()}`
    const id = await accepted(await submit(key, chatBody(), { 'x-manifold-callback-url': gateway.callbackUrl(tag) }))
    const job = await waitForJob(id, key, (j) => j.callback?.state === 'delivered' || j.callback?.state === 'failed')
    expect(job).toMatchObject({ status: 'succeeded', callback: { state: 'delivered', attempts: 1, last_error: null, webhook_id: expect.stringMatching(/^msg_/) } })

    const [delivery, ...more] = await gateway.callbacks(tag, 1)
    expect(more).toEqual([])
    expect(delivery).toMatchObject({ webhook_id: job.callback!.webhook_id, verified: true, status: 204 })
    expect(delivery!.payload).toMatchObject({ type: 'job.succeeded', data: { id, status: 'succeeded', result: recorded } })
  })

  it('retries a failing receiver on the schedule with the same webhook-id, through delayed queue messages', async () => {
    const key = await createKey()
    const tag = `flaky-${crypto.randomUUID()}`
    const id = await accepted(await submit(key, chatBody(), { 'x-manifold-callback-url': `${gateway.callbackUrl(tag)}?fail=2` }))
    const job = await waitForJob(id, key, (j) => j.callback?.state === 'delivered' || j.callback?.state === 'failed')
    expect(job.callback).toMatchObject({ state: 'delivered', attempts: 3 })

    const deliveries = await gateway.callbacks(tag, 3)
    expect(deliveries.map((d) => d.status)).toEqual([500, 500, 204])
    expect(deliveries.map((d) => d.webhook_id)).toEqual([job.callback!.webhook_id, job.callback!.webhook_id, job.callback!.webhook_id])
    expect(deliveries.every((d) => d.verified)).toBe(true)
  })

  it('refuses a private callback URL at submission, naming the reason', async () => {
    const key = await createKey()
    const res = await submit(key, chatBody(), { 'x-manifold-callback-url': 'https://10.1.2.3/hook' })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; param: string; message: string } }
    expect(body.error).toMatchObject({ code: 'invalid_callback_url', param: 'x-manifold-callback-url' })
    expect(body.error.message).toMatch(/^The callback URL is refused: the host 10\.1\.2\.3 is /)
  })

  it('runs a job nobody signalled (a lost queue message) from the sweep: cron on Workers, the runner\'s poll on Node', async () => {
    // A row as submission writes it, with no message sent: only the sweep can find it.
    const id = `job_lost_${crypto.randomUUID().replaceAll('-', '')}`
    const request = { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: chatBody() }
    await insertJob(gateway.db, { id, keyId: null, kind: 'chat', request, status: 'queued', callbackUrl: null, webhookId: null, createdAt: Date.now() })

    await gateway.sweepJobs()
    const job = await waitForJob(id, ADMIN, final)
    expect(job).toMatchObject({ id, status: 'succeeded', result_status: 200, result: recorded })
    expect(await gateway.usageRows(id)).toHaveLength(1)
  })

  it('cancels a running job: the row says canceled at once and the lease renewal aborts the upstream call', async () => {
    const key = await createKey()
    const id = await accepted(await submit(key, chatBody('openai/hang')))
    await waitForJob(id, key, (j) => j.status === 'running')

    const res = await call(`/v1/jobs/${id}`, { method: 'DELETE', key })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id, status: 'canceled' })

    // The runner learns of the cancel at its next lease renewal (a third of the lease: 30 s on Workers, where
    // the consumer runs in another invocation; 3 s in the Node harness) and aborts the call, metered as aborted.
    const rows = await gateway.usageRows(id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ model: 'openai/hang', outcome: 'aborted' })
    const job = await waitForJob(id, key, () => true)
    expect(job).toMatchObject({ status: 'canceled', result: null })
  })
})
