import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobView } from '../../src/jobs/job-view.js'
import { startChildGateway, type ChildGateway } from '../support/child-gateway.js'
import { fixtureJson } from '../support/fixtures.js'
import { ADMIN_KEY } from '../support/gateway.js'
import { eventually, WEBHOOK_SECRET } from '../support/jobs-gateway.js'
import { startMockUpstream, type MockUpstream, type ReceivedRequest } from '../support/mock-upstream.js'

const recorded = fixtureJson<Record<string, unknown>>('openai/vercel-openai-text.json')
const question = (req: ReceivedRequest) => (req.body as { messages: Array<{ content: string }> }).messages[0]!.content

describe('jobs survive SIGKILL (real child process, same SQLite file)', () => {
  let upstream: MockUpstream
  let receiver: MockUpstream
  let env: Record<string, string>
  const children: ChildGateway[] = []

  beforeAll(async () => {
    upstream = await startMockUpstream()
    receiver = await startMockUpstream(() => ({ status: 500 }))
    const dir = mkdtempSync(join(tmpdir(), 'manifold-jobs-'))
    env = {
      MANIFOLD_DB: join(dir, 'manifold.db'),
      MANIFOLD_ADMIN_KEY: ADMIN_KEY,
      MANIFOLD_PROMPTS_DIR: join(dir, 'no-prompts'),
      OPENAI_API_KEY: 'sk-upstream',
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      MANIFOLD_WEBHOOK_SECRET: WEBHOOK_SECRET,
      MANIFOLD_CALLBACK_ALLOW: '127.0.0.1',
      // Long enough that the failing delivery is still pending when the process dies.
      MANIFOLD_CALLBACK_RETRY_SCHEDULE: Array.from({ length: 10 }, () => '500ms').join(','),
      MANIFOLD_JOB_CONCURRENCY: '4',
      // A dead process's running jobs are taken again once their lease runs out.
      MANIFOLD_JOB_LEASE_MS: '1000',
    }
  })
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL')
    await upstream.close()
    await receiver.close()
  })

  it('finishes every queued, running and awaiting-delivery job after a restart, and delivers every callback', { timeout: 180_000 }, async () => {
    upstream.setHandler((req) => (question(req) === 'slow' ? { hang: true } : { json: recorded }))
    const first = await startChildGateway(env)
    children.push(first)
    const api = (url: string, path: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers } })
    const submit = async (url: string, content: string) => {
      const res = await api(url, '/v1/chat/completions', {
        method: 'POST',
        headers: { prefer: 'respond-async', 'x-manifold-callback-url': `${receiver.url}/hook` },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }] }),
      })
      expect(res.status).toBe(202)
      return (await res.json() as { id: string }).id
    }
    const job = async (url: string, id: string) => (await api(url, `/v1/jobs/${id}`)).json() as Promise<JobView>

    // Awaiting delivery: finished, but the receiver fails.
    const fast = await submit(first.url, 'fast')
    await eventually(() => receiver.requests.length >= 1, 'a failed delivery attempt')
    // Running (4, the concurrency) and queued (2): the upstream never answers them.
    const slow: string[] = []
    for (let i = 0; i < 6; i++) slow.push(await submit(first.url, 'slow'))
    await eventually(() => upstream.requests.filter((r) => question(r) === 'slow').length === 4, 'four running jobs')

    const before = await Promise.all([fast, ...slow].map((id) => job(first.url, id)))
    expect(before[0]).toMatchObject({ status: 'succeeded', callback: { state: expect.stringMatching(/^(pending|delivering)$/) } })
    expect(before.slice(1).map((j) => j.status).sort()).toEqual(['queued', 'queued', 'running', 'running', 'running', 'running'])

    first.process.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')

    upstream.setHandler(() => ({ json: recorded }))
    receiver.setHandler(() => ({ status: 204 }))
    const deliveredFrom = receiver.requests.length
    const second = await startChildGateway(env)
    children.push(second)

    const all = [fast, ...slow]
    for (let i = 0; i < 1_500; i++) {
      const views = await Promise.all(all.map((id) => job(second.url, id)))
      if (views.every((v) => v.status === 'succeeded' && v.callback?.state === 'delivered')) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const after = await Promise.all(all.map((id) => job(second.url, id)))
    for (const view of after) {
      expect(view).toMatchObject({ status: 'succeeded', result_status: 200, result: recorded, callback: { state: 'delivered' } })
    }

    // Every job's callback arrived (at least once), signed, with its one webhook-id.
    const delivered = receiver.requests.slice(deliveredFrom)
    const byJob = new Map<string, Set<string>>()
    for (const hook of delivered) {
      const payload = new Webhook(WEBHOOK_SECRET).verify(hook.rawBody, hook.headers as Record<string, string>) as { data: JobView }
      const ids = byJob.get(payload.data.id) ?? new Set<string>()
      ids.add(String(hook.headers['webhook-id']))
      byJob.set(payload.data.id, ids)
    }
    expect([...byJob.keys()].sort()).toEqual([...all].sort())
    for (const view of after) expect([...byJob.get(view.id)!]).toEqual([view.callback!.webhook_id])

    second.process.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  })
})
