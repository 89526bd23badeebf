import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import { startRoutingGateway, type RoutingGateway } from '../support/routing-gateway.js'
import { perModel } from '../support/routing-upstream.js'
import { parseSseBody } from '../support/sse-parse.js'

describe('routing: a stream that fails after output began', () => {
  let r: RoutingGateway
  afterEach(async () => r.close())

  it('sends an error frame and no [DONE], and records the attempt as an error', async () => {
    r = await startRoutingGateway()
    r.upstream.setHandler(perModel({ alpha: { text: 'one two three', failAfterFrames: 3, frameDelayMs: 20 } }))
    const res = await r.chat('openai/alpha', { stream: true })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-route')).toBe('openai/alpha')
    expect(res.headers.get('x-manifold-target')).toBe('openai/alpha')
    expect(res.headers.get('x-manifold-attempts')).toBe('1')
    expect(res.headers.get('x-manifold-latency-ms')).toBeNull()
    const text = await res.text()
    const { events, done } = parseSseBody(text)
    expect(done).toBe(false)
    expect(text).not.toContain('[DONE]')
    const last = events.at(-1) as { error: { type: string; code: string } }
    expect(last.error).toMatchObject({ type: 'upstream_error', code: 'upstream_error' })
    const content = events.slice(0, -1).map((e) => (e as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('')
    expect(content).toBe('one two ')

    const rows = await r.rows(res.headers.get('x-request-id')!)
    expect(rows.map((row) => [row.attempt, row.model, row.outcome, row.stream, row.status])).toEqual([[1, 'openai/alpha', 'error', true, 502]])
    expect(rows[0]!.ttftMs).not.toBeNull()
    // No usage came before the cut: the prompt and the 8 characters streamed, at four characters a token.
    expect([rows[0]!.promptTokens, rows[0]!.completionTokens, rows[0]!.costPicoUsd]).toEqual([2, 2, 6_000_000])
  })

  it('makes the openai client raise', async () => {
    r = await startRoutingGateway({ listen: true })
    r.upstream.setHandler(perModel({ alpha: { text: 'one two three', failAfterFrames: 3, frameDelayMs: 20 } }))
    const client = new OpenAI({ apiKey: r.gw.adminKey, baseURL: `${r.gw.url}/v1`, maxRetries: 0 })
    const stream = await client.chat.completions.create({ model: 'openai/alpha', messages: [{ role: 'user', content: 'hi' }], stream: true })
    let text = ''
    await expect((async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })()).rejects.toBeInstanceOf(OpenAI.APIError)
    expect(text).toBe('one two ')
  })
})
