import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/eventually.js'
import { recordedAnswer, startHardeningGateway, type HardeningGateway } from '../support/hardening-gateway.js'

const models = ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'mistral/mistral-small-latest', 'gemini/gemini-2.5-flash']

describe('client faults: a client that goes away mid-call (per provider)', () => {
  let h: HardeningGateway
  let holdAtFrame = 0
  /** Non-streaming calls: the upstream answers after this long (the client has gone by then). */
  let jsonDelayMs = 0
  const never = new Promise<void>(() => {})

  beforeAll(async () => {
    h = await startHardeningGateway({ listen: true })
    // The upstream sends frames up to `holdAtFrame`, then waits for ever: the client decides when the call ends.
    h.upstream.setHandler((req) => ({ ...recordedAnswer(req), delayMs: jsonDelayMs, beforeFrame: (index) => (index >= holdAtFrame ? never : undefined) }))
  })
  afterAll(() => h.close())

  async function usageRow(requestId: string): Promise<unknown[]> {
    const read = () => h.gw.deps.store.db.all(sql`SELECT outcome, model, stream FROM usage WHERE request_id = ${requestId}`)
    for (let i = 0; i < 500; i++) {
      const rows = await read()
      if (rows.length > 0) return rows
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return read()
  }

  function post(path: string, body: Record<string, unknown>, requestId: string, client: AbortController) {
    return fetch(`${h.gw.url}${path}`, {
      method: 'POST',
      signal: client.signal,
      headers: { authorization: `Bearer ${h.keys.normal}`, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify(body),
    })
  }

  const chatBody = (model: string, stream: boolean) => ({ model, messages: [{ role: 'user', content: 'hi' }], stream })

  /** The client hangs up once the upstream has the call and before any answer: the upstream must see the abort. */
  async function abandonBeforeAnswer(path: string, body: Record<string, unknown>, requestId: string): Promise<unknown[]> {
    const seen = h.upstream.requests.length
    const client = new AbortController()
    const pending = post(path, body, requestId, client).catch((err: unknown) => err)
    await eventually(() => h.upstream.requests.length > seen, 'the call to reach the upstream')
    client.abort()
    expect(await pending).toBeInstanceOf(Error)
    const upstreamCall = h.upstream.requests[seen]!
    await eventually(() => upstreamCall.abortedAt !== undefined, 'the upstream to see the abort')
    return usageRow(requestId)
  }

  it.each(models)('%s: disconnect before the first byte aborts the upstream and records an aborted attempt', async (model) => {
    holdAtFrame = 0
    const requestId = `before-${model.replace('/', '-')}`
    expect(await abandonBeforeAnswer('/v1/chat/completions', chatBody(model, true), requestId)).toEqual([{ outcome: 'aborted', model, stream: 1 }])
  })

  /** A non-streaming call whose upstream answers only after the client has gone. */
  async function abandonWhileWaiting(path: string, body: Record<string, unknown>, requestId: string): Promise<unknown[]> {
    jsonDelayMs = 20_000
    try {
      return await abandonBeforeAnswer(path, body, requestId)
    } finally {
      jsonDelayMs = 0
    }
  }

  it.each(models)('%s: disconnect while a non-streaming call waits aborts the upstream and records an aborted attempt', async (model) => {
    const requestId = `json-${model.replace('/', '-')}`
    expect(await abandonWhileWaiting('/v1/chat/completions', chatBody(model, false), requestId)).toEqual([{ outcome: 'aborted', model, stream: 0 }])
  })

  const nativeCalls: Array<[string, string, Record<string, unknown>]> = [
    ['/v1/messages (Anthropic, native)', '/v1/messages', { model: 'anthropic/claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }],
    ['/v1/responses (OpenAI, native)', '/v1/responses', { model: 'openai/gpt-4o-mini', input: 'hi', store: false }],
  ]
  it.each(nativeCalls)('%s: disconnect while a non-streaming call waits aborts the upstream and records an aborted attempt', async (_name, path, body) => {
    const requestId = `native-${path.slice(4)}`
    expect(await abandonWhileWaiting(path, body, requestId)).toEqual([{ outcome: 'aborted', model: body.model, stream: 0 }])
  })

  it.each(models)('%s: disconnect during the stream aborts the upstream and records the partial attempt', async (model) => {
    holdAtFrame = 2
    const requestId = `during-${model.replace('/', '-')}`
    const seen = h.upstream.requests.length
    const client = new AbortController()
    const res = await post('/v1/chat/completions', chatBody(model, true), requestId, client)
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{/)
    client.abort()
    const upstreamCall = h.upstream.requests[seen]!
    await eventually(() => upstreamCall.abortedAt !== undefined, 'the upstream to see the abort')
    expect(await usageRow(requestId)).toEqual([{ outcome: 'aborted', model, stream: 1 }])
  })
})
