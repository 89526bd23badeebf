import { gzipSync } from 'node:zlib'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeFetch, type NodeFetch } from '../../src/node-fetch.js'
import { usage } from '../../src/store/schema.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { oversizeJson, startMockUpstream, type MockReply, type MockUpstream } from '../support/mock-upstream.js'
import { parseSseBody } from '../support/sse-parse.js'
import { upstreamDialects, type UpstreamDialect } from '../support/upstream-dialects.js'

/**
 * The same upstream faults against every provider, through the production Node fetch: oversize and
 * compressed bodies, redirects, answers of the wrong shape, streams cut short or carrying bad JSON.
 */

const CAP_BYTES = 64 * 1024

let upstream: MockUpstream
let gw: TestGateway
let nodeFetch: NodeFetch

beforeAll(async () => {
  upstream = await startMockUpstream()
  nodeFetch = createNodeFetch()
  gw = await startTestGateway({
    env: Object.assign({}, ...upstreamDialects.map((d) => d.env(upstream.url))),
    file: {
      upstream: { max_response_bytes: CAP_BYTES, max_event_bytes: CAP_BYTES },
      // Every case fails the same target on purpose: no cooldown may hide the next case's answer.
      routing: { cooldown: { failures: 10_000, window_ms: 1_000, cooldown_ms: 1_000 } },
    },
    assemble: { fetch: nodeFetch.fetch },
  })
})

afterAll(async () => {
  await gw.close()
  await nodeFetch.close()
  await upstream.close()
})

function chat(dialect: UpstreamDialect, stream = false): Promise<Response> {
  return gw.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: dialect.model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 50, stream }),
  })
}

async function rowsOf(res: Response) {
  await gw.deps.usage.flush()
  return gw.deps.store.db.select().from(usage).where(eq(usage.requestId, res.headers.get('x-request-id')!))
}

/** One call with the upstream answering `reply`: the client's error, and the call's usage rows. */
async function failingCall(dialect: UpstreamDialect, reply: MockReply, stream = false) {
  upstream.setHandler(() => reply)
  const res = await chat(dialect, stream)
  const body = await res.json() as { error: { code: string; type: string; message: string } }
  return { status: res.status, error: body.error, rows: await rowsOf(res) }
}

async function stillServing(dialect: UpstreamDialect): Promise<void> {
  upstream.setHandler(() => dialect.answer())
  const res = await chat(dialect)
  expect(res.status).toBe(200)
  const body = await res.json() as { choices: Array<{ message: { content: string } }> }
  expect(body.choices[0]!.message.content).toBe('Hello there')
}

describe.each(upstreamDialects.map((d) => [d.name, d] as const))('upstream faults: %s', (_name, dialect) => {
  it('answers normally when the upstream does (the baseline the faults depart from)', async () => {
    await stillServing(dialect)
    upstream.setHandler(() => ({ sse: dialect.stream() }))
    const res = await chat(dialect, true)
    expect(res.status).toBe(200)
    const { events, done } = parseSseBody(await res.text())
    expect(done).toBe(true)
    expect(events.some((e) => (e as { error?: unknown }).error !== undefined)).toBe(false)
    expect((await rowsOf(res)).map((r) => r.outcome)).toEqual(['success'])
  })

  it('cuts off an oversize answer while reading it: 502 upstream_response_too_large, and keeps serving', async () => {
    const before = upstream.requests.length
    const result = await failingCall(dialect, { chunks: () => oversizeJson(64 * 1024 * 1024) })
    expect(result.status).toBe(502)
    expect(result.error.code).toBe('upstream_response_too_large')
    expect(result.rows.map((r) => [r.outcome, r.errorType])).toEqual([['error', 'upstream_response_too_large']])
    // The gateway hung up long before 64 MiB were sent.
    const received = upstream.requests[before]!
    await expect.poll(() => received.abortedAt !== undefined || received.finishedAt !== undefined).toBe(true)
    expect(received.abortedAt).toBeDefined()
    await stillServing(dialect)
  })

  it('refuses an answer whose declared length is over the cap', async () => {
    const result = await failingCall(dialect, { raw: new TextEncoder().encode(JSON.stringify({ pad: 'x'.repeat(CAP_BYTES * 2) })) })
    expect([result.status, result.error.code]).toEqual([502, 'upstream_response_too_large'])
  })

  it('stops a gzip bomb at the cap, counting decompressed bytes', async () => {
    const bomb = gzipSync(JSON.stringify({ pad: ' '.repeat(8 * 1024 * 1024) }))
    expect(bomb.byteLength).toBeLessThan(CAP_BYTES)
    const result = await failingCall(dialect, { raw: bomb, headers: { 'content-encoding': 'gzip' } })
    expect([result.status, result.error.code]).toEqual([502, 'upstream_response_too_large'])
    expect(result.rows.map((r) => r.outcome)).toEqual(['error'])
    await stillServing(dialect)
  })

  it('never follows a redirect: 502 upstream_redirect, one POST upstream, nothing at the target', async () => {
    const before = upstream.requests.length
    const result = await failingCall(dialect, { status: 307, headers: { location: `${upstream.url}/redirected` }, text: '' })
    expect([result.status, result.error.code]).toEqual([502, 'upstream_redirect'])
    const sent = upstream.requests.slice(before)
    expect(sent.map((r) => r.method)).toEqual(['POST'])
    expect(sent.some((r) => r.path.startsWith('/redirected'))).toBe(false)
    expect(result.rows.map((r) => [r.outcome, r.errorType])).toEqual([['error', 'upstream_redirect']])
  })

  it('never follows a redirect of a stream either', async () => {
    const before = upstream.requests.length
    const result = await failingCall(dialect, { status: 302, headers: { location: `${upstream.url}/redirected` }, text: '' }, true)
    expect([result.status, result.error.code]).toEqual([502, 'upstream_redirect'])
    expect(upstream.requests.slice(before).map((r) => r.path.startsWith('/redirected'))).toEqual([false])
  })

  const malformed: Array<[string, MockReply]> = [
    ['an HTML page', { text: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'content-type': 'text/html' } }],
    ['an empty object', { json: {} }],
    ['a JSON array', { json: [1, 2, 3] }],
    ['JSON that does not parse', { text: '{"choices": [', headers: { 'content-type': 'application/json' } }],
    ...dialect.wrongShapes.map((shape): [string, MockReply] => [`the wrong shape ${JSON.stringify(shape)}`, { json: shape }]),
  ]
  it.each(malformed)('answers 502 upstream_invalid_response to %s, recorded as an error', async (_what, reply) => {
    const result = await failingCall(dialect, reply)
    expect([result.status, result.error.code, result.error.type]).toEqual([502, 'upstream_invalid_response', 'upstream_error'])
    expect(result.rows.map((r) => [r.outcome, r.status, r.errorType])).toEqual([['error', 502, 'upstream_invalid_response']])
  })

  it('answers a stream that ends before any event with a retryable 502, not an empty success', async () => {
    const result = await failingCall(dialect, { sse: [] }, true)
    expect(result.status).toBe(502)
    expect(result.error.type).toBe('upstream_error')
    expect(result.rows.map((r) => r.outcome)).toEqual(['error'])
  })

  it('ends a stream cut after output with an error frame, no [DONE], and an error row', async () => {
    upstream.setHandler(() => ({ sse: dialect.cutStream() }))
    const res = await chat(dialect, true)
    expect(res.status).toBe(200)
    const { events, done } = parseSseBody(await res.text())
    expect(done).toBe(false)
    const last = events.at(-1) as { error?: { code: string } }
    expect(last.error?.code).toBe('upstream_error')
    const finishes = events.flatMap((e) => ((e as { choices?: Array<{ finish_reason: string | null }> }).choices ?? []).map((c) => c.finish_reason))
    expect(finishes.filter((f) => f !== null)).toEqual([])
    expect((await rowsOf(res)).map((r) => [r.outcome, r.errorType])).toEqual([['error', 'upstream_error']])
  })

  it('ends a stream with an error frame when a data line is not JSON', async () => {
    upstream.setHandler(() => ({ sse: [...dialect.cutStream(), dialect.brokenFrame, ...dialect.stream().slice(-1)] }))
    const res = await chat(dialect, true)
    const { events, done } = parseSseBody(await res.text())
    expect(done).toBe(false)
    expect((events.at(-1) as { error?: unknown }).error).toBeDefined()
    expect((await rowsOf(res)).map((r) => r.outcome)).toEqual(['error'])
  })

  it('caps one stream event: a line that never ends is an error, not growing memory', async () => {
    const endless = `data: {"pad": "${'x'.repeat(CAP_BYTES * 4)}`
    const result = await failingCall(dialect, { sse: [endless] }, true)
    expect([result.status, result.error.code]).toEqual([502, 'upstream_response_too_large'])
    await stillServing(dialect)
  })

  const { embeddings } = dialect
  it.skipIf(!embeddings)('checks embeddings answers too: a valid one passes; `{}`, an array and wrong types are 502', async () => {
    const embed = () => gw.request('/v1/embeddings', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: embeddings!.model, input: 'hi' }),
    })
    upstream.setHandler(() => ({ json: embeddings!.answer }))
    const valid = await embed()
    expect(valid.status).toBe(200)
    expect(((await valid.json()) as { data: Array<{ embedding: number[] }> }).data[0]!.embedding).toEqual([0.25, -0.5])
    for (const wrong of [{}, [1, 2, 3], { data: 'none', embeddings: 'none' }]) {
      upstream.setHandler(() => ({ json: wrong }))
      const res = await embed()
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([502, 'upstream_invalid_response'])
    }
  })
})
