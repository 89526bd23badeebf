import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getJob } from '../../src/jobs/job-repo.js'
import type { JobView } from '../../src/jobs/job-view.js'
import { JobRunner } from '../../src/jobs/runner.js'
import { fixtureJson } from '../support/fixtures.js'
import { eventually, startJobsGateway, WEBHOOK_SECRET, type JobsGateway } from '../support/jobs-gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { completionWith, promptSource, basicFront } from '../support/prompt-files.js'

const recorded = fixtureJson<Record<string, unknown>>('openai/vercel-openai-text.json')
const chatBody = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }
const final = (job: JobView) => ['succeeded', 'failed', 'canceled'].includes(job.status)

describe('async jobs (Prefer: respond-async)', () => {
  let upstream: MockUpstream
  let receiver: MockUpstream
  let gw: JobsGateway
  let key: string

  beforeAll(async () => {
    upstream = await startMockUpstream()
    receiver = await startMockUpstream(() => ({ status: 204 }))
    gw = await startJobsGateway({
      env: {
        OPENAI_API_KEY: 'sk-upstream-secret', OPENAI_BASE_URL: `${upstream.url}/v1`,
        MANIFOLD_CALLBACK_ALLOW: '127.0.0.1', MANIFOLD_CALLBACK_RETRY_SCHEDULE: '50ms,50ms,50ms',
      },
      prompts: [promptSource('echo.v1.md', basicFront())],
    })
    key = await gw.createKey()
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
    await receiver.close()
  })
  beforeEach(() => {
    upstream.setHandler(() => ({ json: recorded }))
    receiver.setHandler(() => ({ status: 204 }))
    receiver.requests.length = 0
  })

  const submit = (body: unknown, headers: Record<string, string> = {}, path = '/v1/chat/completions', as = key) =>
    gw.request(path, { key: as, method: 'POST', headers: { 'content-type': 'application/json', prefer: 'respond-async', ...headers }, body: JSON.stringify(body) })

  it('accepts a chat call with 202 and a Location, and the job ends with the direct call\'s exact body', async () => {
    const direct = await gw.request('/v1/chat/completions', { key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chatBody) })
    const directBody: unknown = await direct.json()

    const res = await submit(chatBody)
    expect(res.status).toBe(202)
    const accepted = await res.json() as { id: string }
    expect(accepted).toEqual({ id: expect.stringMatching(/^job_/), object: 'job', status: 'queued' })
    expect(res.headers.get('location')).toBe(`/v1/jobs/${accepted.id}`)
    expect(res.headers.get('preference-applied')).toBe('respond-async')

    const job = await gw.waitForJob(accepted.id, key, final)
    expect(job).toMatchObject({ id: accepted.id, object: 'job', kind: 'chat', status: 'succeeded', result_status: 200, error: null, callback: null })
    expect(job.result).toEqual(directBody)
    expect(job.finished_at).toBeGreaterThanOrEqual(job.started_at!)
    // The replay never carries the caller's credential, and the upstream saw the same request.
    expect(upstream.requests.at(-1)!.body).toEqual(upstream.requests.at(-2)!.body)
  })

  it('runs a prompt API call as a job: the result is the direct call\'s body', async () => {
    upstream.setHandler(() => ({ json: completionWith('hello back') }))
    const direct = await gw.request('/v1/prompts/echo', { key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hello' }) })
    expect(direct.status).toBe(200)
    const directBody = await direct.json() as Record<string, unknown>

    const res = await submit({ text: 'hello' }, {}, '/v1/prompts/echo')
    expect(res.status).toBe(202)
    const { id } = await res.json() as { id: string }
    const job = await gw.waitForJob(id, key, final)
    expect(job.kind).toBe('prompt')
    expect(job.status).toBe('succeeded')
    // The response id is the request id, which for a job is the job id; everything else is identical.
    expect(job.result).toEqual({ ...directBody, id: expect.any(String) })
    expect({ ...(job.result as Record<string, unknown>), id: null }).toEqual({ ...directBody, id: null })
  })

  it('records an upstream failure as a failed job with the error body the direct call would return', async () => {
    upstream.setHandler(() => ({ status: 400, json: { error: { message: 'bad things', type: 'invalid_request_error', param: null, code: 'bad' } } }))
    const direct = await gw.request('/v1/chat/completions', { key, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chatBody) })
    expect(direct.status).toBe(400)
    const directBody: unknown = await direct.json()
    const { id } = await (await submit(chatBody)).json() as { id: string }
    const job = await gw.waitForJob(id, key, final)
    expect(job.status).toBe('failed')
    expect(job.result_status).toBe(400)
    expect(job.result).toBeNull()
    expect(job.error).toEqual(directBody)
  })

  it('refuses what the direct call would refuse before queueing (bad JSON, invalid chat body, stream)', async () => {
    const notJson = await gw.request('/v1/chat/completions', { key, method: 'POST', headers: { prefer: 'respond-async' }, body: '{nope' })
    expect(notJson.status).toBe(400)
    expect((await notJson.json() as { error: { code: string } }).error.code).toBe('invalid_json')
    const noMessages = await submit({ model: 'openai/gpt-4o-mini' })
    expect(noMessages.status).toBe(400)
    expect(await noMessages.json()).toMatchObject({ error: { param: 'messages', code: 'missing_required_parameter' } })
    const streamed = await submit({ ...chatBody, stream: true })
    expect(streamed.status).toBe(400)
    expect(await streamed.json()).toMatchObject({ error: { param: 'stream', code: 'stream_not_supported' } })
  })

  it('posts a Standard Webhooks callback that the standardwebhooks package verifies', async () => {
    const res = await submit(chatBody, { 'x-manifold-callback-url': `${receiver.url}/hooks/manifold?tenant=7` })
    const { id } = await res.json() as { id: string }
    await eventually(() => receiver.requests.length === 1, 'the callback')
    const hook = receiver.requests[0]!
    expect(hook.method).toBe('POST')
    expect(hook.path).toBe('/hooks/manifold?tenant=7')
    const headers = { 'webhook-id': String(hook.headers['webhook-id']), 'webhook-timestamp': String(hook.headers['webhook-timestamp']), 'webhook-signature': String(hook.headers['webhook-signature']) }
    const payload = new Webhook(WEBHOOK_SECRET).verify(hook.rawBody, headers) as { type: string; data: JobView }
    expect(payload.type).toBe('job.succeeded')
    expect(payload.data).toMatchObject({ id, status: 'succeeded', result: recorded })
    expect(headers['webhook-id']).toMatch(/^msg_/)
    expect(() => new Webhook(`whsec_${Buffer.from('another-secret-another-secret-32').toString('base64')}`).verify(hook.rawBody, headers)).toThrow()

    const job = await gw.waitForJob(id, key, (j) => j.callback?.state === 'delivered')
    expect(job.callback).toEqual({ url: `${receiver.url}/hooks/manifold?tenant=7`, state: 'delivered', attempts: 1, next_attempt_at: null, last_error: null, webhook_id: headers['webhook-id'] })
  })

  it('retries a failing receiver on the schedule with the same webhook-id, then delivers', async () => {
    let calls = 0
    receiver.setHandler(() => ({ status: ++calls <= 2 ? 500 : 200 }))
    const { id } = await (await submit(chatBody, { 'x-manifold-callback-url': `${receiver.url}/hook` })).json() as { id: string }
    const job = await gw.waitForJob(id, key, (j) => j.callback?.state === 'delivered')
    expect(receiver.requests).toHaveLength(3)
    const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id']))
    expect(ids.size).toBe(1)
    expect(job.callback).toMatchObject({ state: 'delivered', attempts: 3, last_error: null })
    for (const hook of receiver.requests) {
      new Webhook(WEBHOOK_SECRET).verify(hook.rawBody, hook.headers as Record<string, string>)
    }
  })

  it('ends in a visible failed delivery state once the schedule is spent, and never follows a redirect', async () => {
    receiver.setHandler((req) => (req.path === '/elsewhere' ? { status: 204 } : { status: 302, headers: { location: `${receiver.url}/elsewhere` } }))
    const { id } = await (await submit(chatBody, { 'x-manifold-callback-url': `${receiver.url}/hook` })).json() as { id: string }
    const job = await gw.waitForJob(id, key, (j) => j.callback?.state === 'failed')
    expect(job.status).toBe('succeeded')
    expect(job.callback).toMatchObject({ state: 'failed', attempts: 4, next_attempt_at: null })
    expect(job.callback!.last_error).toBe('the receiver answered with a redirect (HTTP 302); redirects are not followed')
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook', '/hook', '/hook', '/hook'])
  })

  it('shows a job only to its key and the admin key; lists a key\'s jobs, paged', async () => {
    const other = await gw.createKey({ name: 'other' })
    const { id } = await (await submit(chatBody)).json() as { id: string }
    expect((await gw.request(`/v1/jobs/${id}`, { key: other })).status).toBe(404)
    expect(await (await gw.request(`/v1/jobs/${id}`, { key: other })).json()).toMatchObject({ error: { code: 'job_not_found' } })
    expect((await gw.request(`/v1/jobs/${id}`, { key: other, method: 'DELETE' })).status).toBe(404)
    expect((await gw.request(`/v1/jobs/${id}`)).status).toBe(200)

    const second = await (await submit(chatBody, {}, '/v1/chat/completions', other)).json() as { id: string }
    const otherList = await (await gw.request('/v1/jobs', { key: other })).json() as { data: JobView[] }
    expect(otherList.data.map((j) => j.id)).toEqual([second.id])

    const page1 = await (await gw.request('/v1/jobs?limit=1', { key })).json() as { data: JobView[]; has_more: boolean; last_id: string }
    expect(page1.data).toHaveLength(1)
    expect(page1.data[0]!.id).toBe(id)
    expect(page1.has_more).toBe(true)
    const page2 = await (await gw.request(`/v1/jobs?limit=100&after=${page1.last_id}`, { key })).json() as { data: JobView[]; has_more: boolean }
    expect(page2.data.map((j) => j.id)).not.toContain(id)
    expect(page2.has_more).toBe(false)
  })

  it('cancels a running job: the upstream call is aborted and the job stays canceled', async () => {
    upstream.setHandler(() => ({ hang: true }))
    const before = upstream.requests.length
    const { id } = await (await submit(chatBody)).json() as { id: string }
    await gw.waitForJob(id, key, (j) => j.status === 'running')
    await eventually(() => upstream.requests.length > before, 'the upstream call')
    const res = await gw.request(`/v1/jobs/${id}`, { key, method: 'DELETE' })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id, status: 'canceled', error: { error: { code: 'job_canceled' } } })
    await eventually(() => upstream.requests.at(-1)!.abortedAt !== undefined, 'the upstream abort')
    expect((await (await gw.request(`/v1/jobs/${id}`, { key })).json() as JobView).status).toBe('canceled')
    const again = await gw.request(`/v1/jobs/${id}`, { key, method: 'DELETE' })
    expect(again.status).toBe(200)
  })

  it('answers 409 when canceling a job that already finished', async () => {
    const { id } = await (await submit(chatBody)).json() as { id: string }
    await gw.waitForJob(id, key, final)
    const res = await gw.request(`/v1/jobs/${id}`, { key, method: 'DELETE' })
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ error: { code: 'job_already_finished' } })
  })

  it('fails a queued job whose key was revoked with the direct call\'s 401', async () => {
    const doomed = await gw.createKey({ name: 'doomed' })
    await gw.runner.stop(1_000)
    const { id } = await (await submit(chatBody, {}, '/v1/chat/completions', doomed)).json() as { id: string }
    const { keyId } = (await getJob(gw.deps.store.db, id))!
    expect((await gw.request(`/admin/keys/${keyId}`, { method: 'DELETE' })).status).toBeLessThan(300)
    gw.runner = new JobRunner({ deps: gw.deps, call: (request, env) => gw.app.fetch(request, env), pollMs: 20 })
    gw.runner.start()
    const job = await gw.waitForJob(id, gw.deps.config.adminKey!, final)
    expect(job).toMatchObject({ status: 'failed', result_status: 401, error: { error: { code: 'key_revoked' } } })
  })
})
