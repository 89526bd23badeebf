import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobView } from '../../jobs/job-view.js'
import { fixtureJson } from '../../../test/support/fixtures.js'
import { startJobsGateway, type JobsGateway } from '../../../test/support/jobs-gateway.js'
import { startMockUpstream, type MockUpstream } from '../../../test/support/mock-upstream.js'

const final = (job: JobView) => ['succeeded', 'failed', 'canceled'].includes(job.status)

describe('POST /v1/messages with Prefer: respond-async', () => {
  let upstream: MockUpstream
  let gw: JobsGateway
  let key: string

  beforeAll(async () => {
    upstream = await startMockUpstream((req) => ({
      json: req.path.startsWith('/anthropic/') ? fixtureJson('anthropic/vercel-anthropic-text.json') : fixtureJson('openai/vercel-openai-text.json'),
    }))
    gw = await startJobsGateway({
      env: {
        OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1`,
        ANTHROPIC_API_KEY: 'sk-ant-upstream', ANTHROPIC_BASE_URL: `${upstream.url}/anthropic`,
      },
    })
    key = await gw.createKey()
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  const headers = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'context-management-2025-06-27' }
  const call = (model: string, extra: Record<string, string> = {}, stream = false) =>
    gw.request('/v1/messages', { key, method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify({ model, max_tokens: 50, stream, messages: [{ role: 'user', content: 'Hi' }] }) })

  it.each(['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4-6'])('a job for %s ends with the direct call\'s exact Message', async (model) => {
    const direct: unknown = await (await call(model)).json()
    const res = await call(model, { prefer: 'respond-async' })
    expect(res.status).toBe(202)
    const { id } = await res.json() as { id: string }
    const job = await gw.waitForJob(id, key, final)
    expect(job).toMatchObject({ kind: 'messages', status: 'succeeded', result_status: 200 })
    expect(job.result).toEqual(direct)
    // The replay carries the client's API version and betas (a native call passes them on).
    if (model.startsWith('anthropic/')) {
      expect(upstream.requests.at(-1)!.headers['anthropic-beta']).toBe('context-management-2025-06-27')
      expect(upstream.requests.at(-1)!.body).toEqual(upstream.requests.at(-2)!.body)
    }
  })

  it('a streaming call cannot be a job: 400 in Anthropic\'s shape', async () => {
    const res = await call('openai/gpt-4o-mini', { prefer: 'respond-async' }, true)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/^A job stores one response body/) } })
  })
})
