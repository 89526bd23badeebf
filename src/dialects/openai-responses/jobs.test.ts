import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobView } from '../../jobs/job-view.js'
import { fixtureJson } from '../../../test/support/fixtures.js'
import { startJobsGateway, type JobsGateway } from '../../../test/support/jobs-gateway.js'
import { startMockUpstream, type MockUpstream } from '../../../test/support/mock-upstream.js'

const recorded = fixtureJson('openai/vercel-openai-text.json')
const final = (job: JobView) => ['succeeded', 'failed', 'canceled'].includes(job.status)

/** Prefer: respond-async on /v1/responses: a job whose result is the Response the direct call returns. */
describe('/v1/responses as an async job', () => {
  let upstream: MockUpstream
  let gw: JobsGateway
  let key: string
  beforeAll(async () => {
    upstream = await startMockUpstream(() => ({ json: recorded }))
    gw = await startJobsGateway({
      env: { COMPAT_API_KEY: 'upstream-compat' },
      file: { providers: { compat: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, api_key_env: 'COMPAT_API_KEY' } } },
    })
    key = await gw.createKey()
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  const submit = (body: unknown) => gw.request('/v1/responses', { key, method: 'POST', headers: { 'content-type': 'application/json', prefer: 'respond-async' }, body: JSON.stringify(body) })

  it('202, then a job holding the Response; the response is stored for the key as a direct call\'s would be', async () => {
    const res = await submit({ model: 'compat/llama', input: 'hi' })
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const job = await gw.waitForJob(id, key, final)
    expect(job).toMatchObject({ kind: 'responses', status: 'succeeded', result_status: 200 })
    const response = job.result as { id: string; object: string; output: Array<{ type: string }> }
    expect(response.object).toBe('response')
    expect(response.output.map((item) => item.type)).toEqual(['message'])
    const stored = await gw.request(`/v1/responses/${response.id}`, { key })
    expect(await stored.json()).toEqual(response)
  })

  it('a streaming request cannot be a job: 400 before anything is queued', async () => {
    const res = await submit({ model: 'compat/llama', input: 'hi', stream: true })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('stream_not_supported')
  })
})
