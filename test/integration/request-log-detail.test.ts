import { afterEach, describe, expect, it } from 'vitest'
import { MAX_STORED_BODY_CHARS, sweepRequestBodies } from '../../src/metering/request-bodies.js'
import { requestBodies } from '../../src/store/schema.js'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'
import { sseFromChunkLines } from '../support/mock-upstream.js'

const DAY = 86_400_000
/** A virtual key quoted in a message: bodies are stored redacted, so it must never reach the table. */
const QUOTED_KEY = 'mk-QuotedInAMessage0123456789abcdefghijklmn'
const file = { routes: { duo: { strategy: 'fallback', targets: ['openai/broken', 'openai/gpt-4.1-nano'] } } }

interface Detail {
  object: string; request_id: string; created_at: string; key_id: string; team: string; model: string; route: string; strategy: string
  surface: string | null; prompt: string | null; status: number; outcome: string
  attempts: Array<Record<string, unknown>>
  totals: Record<string, unknown>
  bodies: { request: unknown; response: unknown } | null
}

/** GET /admin/requests/{request_id} and the opt-in body store (issue 15, request log). */
describe('request log detail', () => {
  let m: MeteredGateway
  afterEach(async () => {
    await m.close()
  })

  async function start(env: Record<string, string> = {}) {
    m = await startMeteredGateway({ file, env })
    // The mock moves the clock by 40 ms a call and fails the model named "broken".
    m.upstream.setHandler((req) => {
      m.clock.advance(40)
      const body = req.body as { model: string; stream?: boolean }
      if (body.model === 'broken') return { status: 500, json: { error: { message: 'boom', type: 'server_error' } } }
      if (body.stream) return { sse: sseFromChunkLines(fixtureText('openai/vercel-openai-text.chunks.txt')) }
      return { json: fixtureJson('openai/vercel-openai-text.json') }
    })
    const made = async (body: Record<string, unknown>) => (await (await m.admin('POST', '/admin/keys', body)).json()) as { id: string; key: string }
    return { red: await made({ name: 'red', team: 'red' }), blueAdmin: await made({ name: 'blue admin', team: 'blue', role: 'team_admin' }) }
  }

  const chat = (key: string, requestId: string, extra: Record<string, unknown> = {}) => m.gw.request('/v1/chat/completions', {
    key, method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ model: 'duo', messages: [{ role: 'user', content: `my key is ${QUOTED_KEY}` }], ...extra }),
  })
  const storedBodies = () => m.gw.deps.store.db.select().from(requestBodies)
  const detail = async (id: string, key?: string) => {
    const res = await m.admin('GET', `/admin/requests/${id}`, undefined, key)
    return { status: res.status, body: await res.json() as Detail & { error: { code: string } } }
  }

  it('shows every attempt of a fallback call, the totals, and no bodies when storing them is off', async () => {
    const { red } = await start()
    const t0 = m.clock.now()
    expect((await chat(red.key, 'req-detail-off')).status).toBe(200)
    await m.gw.deps.usage.flush()

    const { status, body } = await detail('req-detail-off')
    expect(status).toBe(200)
    expect({ ...body, attempts: body.attempts.map((a) => [a.attempt, a.provider, a.model, a.status, a.outcome, a.error_type, a.input_tokens, a.output_tokens, a.cost_usd, a.latency_ms, a.ttft_ms]) }).toEqual({
      object: 'request', request_id: 'req-detail-off', created_at: new Date(t0).toISOString(), key_id: red.id, team: 'red',
      model: 'openai/broken', route: 'duo', strategy: 'fallback', surface: null, prompt: null, status: 200, outcome: 'success',
      attempts: [
        [1, 'openai', 'openai/broken', 500, 'error', 'upstream_error', 0, 0, null, 40, null],
        [2, 'openai', 'openai/gpt-4.1-nano', 200, 'success', null, 16, 363, 0.0001468, 40, 40],
      ],
      totals: { input_tokens: 16, output_tokens: 363, cached_tokens: 0, cost_usd: 0.0001468, cost_pico_usd: '146800000', latency_ms: 80, ttft_ms: 80 },
      bodies: null,
    })
    expect(await storedBodies()).toEqual([])
  })

  it('answers 404 request_not_found for an unknown id and for another team\'s call', async () => {
    const { red, blueAdmin } = await start()
    await chat(red.key, 'req-red')
    await m.gw.deps.usage.flush()
    expect((await detail('req-red', blueAdmin.key)).body.error.code).toBe('request_not_found')
    expect((await detail('req-red', blueAdmin.key)).status).toBe(404)
    expect((await detail('req-never-made')).status).toBe(404)
    expect((await detail('req-red', red.key)).status).toBe(403)
  })

  it('filters the log by team and route', async () => {
    const { red } = await start()
    await chat(red.key, 'req-route')
    await m.chat(red.key)
    await m.gw.deps.usage.flush()
    const ids = async (query: string) => ((await (await m.admin('GET', `/admin/requests?${query}`)).json()) as { data: Array<{ request_id: string; attempt: number }> }).data.map((r) => [r.request_id, r.attempt])
    expect(await ids('route=duo')).toEqual([['req-route', 2], ['req-route', 1]])
    expect((await ids('team=red')).length).toBe(3)
    expect(await ids('team=blue')).toEqual([])
  })

  it('stores bodies when turned on: redacted, the answer as the client got it, streams as text, gone after retention', async () => {
    const { red } = await start({ MANIFOLD_STORE_BODIES: '1', MANIFOLD_BODY_RETENTION_DAYS: '2' })
    const res = await chat(red.key, 'req-bodies')
    const answer = await res.json()
    await m.gw.deps.usage.flush()
    await expect.poll(async () => (await storedBodies()).length).toBe(1)

    const { body } = await detail('req-bodies')
    expect(body.bodies).toEqual({
      request: { model: 'duo', messages: [{ role: 'user', content: 'my key is [redacted]' }] },
      response: answer,
    })
    const table = JSON.stringify(await storedBodies())
    expect(table).not.toContain(QUOTED_KEY)
    expect(table).not.toContain(red.key)

    const streamed = await chat(red.key, 'req-stream', { stream: true })
    const streamText = await streamed.text()
    await expect.poll(async () => (await storedBodies()).length).toBe(2)
    await m.gw.deps.usage.flush()
    // The recorded stream is longer than the cap: its first 64 KiB are kept, and its length.
    expect(streamText.length).toBeGreaterThan(MAX_STORED_BODY_CHARS)
    expect((await detail('req-stream')).body.bodies?.response).toEqual({ truncated: true, length: streamText.length, text: streamText.slice(0, MAX_STORED_BODY_CHARS) })

    m.clock.advance(2 * DAY)
    expect((await detail('req-bodies')).body.bodies).toBeNull()
    // The next stored call sweeps the bodies past retention from the table.
    await chat(red.key, 'req-later')
    await expect.poll(async () => (await storedBodies()).map((row) => ({ id: row.requestId }))).toEqual([{ id: 'req-later' }])
    // So does the sweep Node runs on a timer (and Workers on the cron), without any call.
    m.clock.advance(2 * DAY)
    await sweepRequestBodies(m.gw.deps.store.db, m.clock.now(), 2)
    expect(await storedBodies()).toEqual([])
  })
})
