import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobs, usage } from '../../src/store/schema.js'
import { startJobsGateway, type JobsGateway } from '../support/jobs-gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { parseSseBody } from '../support/sse-parse.js'
import { upstreamDialects, type UpstreamDialect } from '../support/upstream-dialects.js'

/**
 * An upstream that quotes the gateway's own key in its errors (whole, elided as OpenAI does, or a fragment)
 * must not get it to the client, the stream, the usage rows or the jobs table.
 */

let upstream: MockUpstream
let gw: JobsGateway

beforeAll(async () => {
  upstream = await startMockUpstream()
  gw = await startJobsGateway({
    env: Object.assign({}, ...upstreamDialects.map((d) => d.env(upstream.url))),
    file: { routing: { cooldown: { failures: 10_000, window_ms: 1_000, cooldown_ms: 1_000 } } },
  })
})

afterAll(async () => {
  await gw.close()
  await upstream.close()
})

/** The key and every piece of it an upstream might quote. */
function secretsOf(key: string): string[] {
  return [key, key.slice(0, 8), key.slice(-8), key.slice(10, 22)]
}

function expectClean(text: string, dialect: UpstreamDialect): void {
  for (const secret of upstreamDialects.flatMap((d) => secretsOf(d.key))) expect(text, `${dialect.name} leaked ${secret}`).not.toContain(secret)
}

const quotes: Array<[number, (key: string) => string]> = [
  [401, (key) => `Incorrect API key provided: ${key}. You can find your API key in your account.`],
  [400, (key) => `Incorrect API key provided: ${key.slice(0, 8)}${'*'.repeat(20)}${key.slice(-4)}.`],
  [500, (key) => `internal failure while checking key fragment ${key.slice(10, 22)}`],
]

function chatBody(dialect: UpstreamDialect, stream = false) {
  return JSON.stringify({ model: dialect.model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 50, stream })
}

async function usageRowsText(res: Response): Promise<string> {
  await gw.deps.usage.flush()
  return JSON.stringify(await gw.deps.store.db.select().from(usage).where(eq(usage.requestId, res.headers.get('x-request-id')!)))
}

describe.each(upstreamDialects.map((d) => [d.name, d] as const))('redaction of upstream errors: %s', (_name, dialect) => {
  it.each(quotes)('an upstream %i quoting the key reaches the client and the rows without it', async (status, quote) => {
    upstream.setHandler(() => dialect.errorReply(status, quote(dialect.key)))
    const res = await gw.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody(dialect) })
    const text = await res.text()
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(text).toContain('[redacted]')
    expectClean(text, dialect)
    expectClean(await usageRowsText(res), dialect)
  })

  it('a mid-stream error quoting the key ends the stream with a clean error frame', async () => {
    upstream.setHandler(() => ({ sse: dialect.errorStream(`stream failed for key ${dialect.key}`) }))
    const res = await gw.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody(dialect, true) })
    const text = await res.text()
    const { events, done } = parseSseBody(text)
    expect(done).toBe(false)
    expect((events.at(-1) as { error?: unknown }).error).toBeDefined()
    expectClean(text, dialect)
    expectClean(await usageRowsText(res), dialect)
  })

  it('a job whose upstream quotes the key stores no trace of it', async () => {
    upstream.setHandler(() => dialect.errorReply(401, quotes[0]![1](dialect.key)))
    const res = await gw.request('/v1/chat/completions', {
      method: 'POST', headers: { 'content-type': 'application/json', prefer: 'respond-async' }, body: chatBody(dialect),
    })
    expect(res.status).toBe(202)
    const { id } = await res.json() as { id: string }
    const job = await gw.waitForJob(id, gw.deps.config.adminKey ?? '', (view) => view.status === 'failed' || view.status === 'succeeded')
    expect(job.result_status).toBe(502)
    const rows = await gw.deps.store.db.select().from(jobs).where(eq(jobs.id, id))
    expect(rows).toHaveLength(1)
    const stored = JSON.stringify(rows)
    expect(stored).toContain('[redacted]')
    expectClean(stored, dialect)
  })
})
