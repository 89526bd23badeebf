import OpenAI from 'openai'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startRoutingGateway, type RoutingGateway } from '../support/routing-gateway.js'
import { perModel, requestsFor } from '../support/routing-upstream.js'

const routes = { fast: { strategy: 'race', targets: ['openai/alpha', 'openai/beta'] } }

describe('routing: race', () => {
  let r: RoutingGateway
  afterEach(async () => r.close())

  it('returns the first answer and aborts the loser\'s upstream request at once', async () => {
    r = await startRoutingGateway({ routes })
    // alpha never answers; beta answers once alpha's request is in flight.
    r.upstream.setHandler(perModel({ alpha: { hang: true }, beta: { afterArrivalOf: ['alpha'] } }))
    const res = await r.chat('fast')
    expect(res.status).toBe(200)
    const body = await res.json() as { choices: Array<{ message: { content: string } }> }
    expect(body.choices[0]!.message.content).toBe('answer from beta')
    expect(res.headers.get('x-manifold-route')).toBe('fast')
    expect(res.headers.get('x-manifold-target')).toBe('openai/beta')
    expect(res.headers.get('x-manifold-attempts')).toBe('2')

    const [alpha] = requestsFor(r.upstream.requests, 'alpha')
    await vi.waitFor(() => expect(alpha!.abortedAt).toBeDefined())
    expect(alpha!.finishedAt).toBeUndefined()

    await vi.waitFor(async () => expect(await r.rows(res.headers.get('x-request-id')!)).toHaveLength(2))
    const rows = await r.rows(res.headers.get('x-request-id')!)
    expect(rows.map((row) => [row.attempt, row.model, row.outcome, row.status, row.errorType, row.strategy])).toEqual([
      [1, 'openai/alpha', 'aborted', 499, 'aborted', 'race'],
      [2, 'openai/beta', 'success', 200, null, 'race'],
    ])
  })

  it('streams the first target to send content and aborts the other', async () => {
    r = await startRoutingGateway({ routes, listen: true })
    r.upstream.setHandler(perModel({ alpha: { afterArrivalOf: ['beta'], text: 'alpha wins' }, beta: { hang: true } }))
    const client = new OpenAI({ apiKey: r.gw.adminKey, baseURL: `${r.gw.url}/v1`, maxRetries: 0 })
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], stream: true })
      .withResponse()
    expect(response.headers.get('x-manifold-target')).toBe('openai/alpha')
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('alpha wins')
    const [beta] = requestsFor(r.upstream.requests, 'beta')
    await vi.waitFor(() => expect(beta!.abortedAt).toBeDefined())
    const id = response.headers.get('x-request-id')!
    await vi.waitFor(async () => expect(await r.rows(id)).toHaveLength(2))
    const rows = await r.rows(id)
    expect(rows.map((row) => [row.model, row.outcome])).toEqual([['openai/alpha', 'success'], ['openai/beta', 'aborted']])
  })

  it('takes the survivor when one target fails, and fails naming both when both do', async () => {
    r = await startRoutingGateway({ routes })
    r.upstream.setHandler(perModel({ alpha: { status: 500 }, beta: { afterArrivalOf: ['alpha'] } }))
    const ok = await r.chat('fast')
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-manifold-target')).toBe('openai/beta')

    r.upstream.setHandler(perModel({ alpha: { status: 500 }, beta: { status: 502 } }))
    const failed = await r.chat('fast')
    expect(failed.status).toBe(502)
    expect(((await failed.json()) as { error: { message: string } }).error.message)
      .toBe('All 2 targets failed: openai/alpha: 500 openai: upstream says 500; openai/beta: 502 openai: upstream says 502')
  })
})
