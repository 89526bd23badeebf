import OpenAI from 'openai'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ManualClock } from '../support/routing-clock.js'
import { startRoutingGateway, type RoutingGateway } from '../support/routing-gateway.js'
import { perModel, requestsFor } from '../support/routing-upstream.js'
import { parseSseBody } from '../support/sse-parse.js'

const routes = {
  duo: { strategy: 'all', targets: ['openai/alpha', 'openai/beta'] },
  trio: { strategy: 'all', targets: ['openai/alpha', 'openai/beta', 'openai/gamma'] },
}

const usageOf = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion })
const choice = (index: number, model: string) => ({
  index, message: { role: 'assistant', content: `answer from ${model}`, refusal: null }, finish_reason: 'stop', logprobs: null, manifold_target: `openai/${model}`,
})
const success = (model: string, choiceIndex: number) => ({
  model: `openai/${model}`, status: 200, choice_index: choiceIndex, latency_ms: 0, usage: usageOf(10, 5), cost_usd: 0.00002, attempts: 1, error: null,
})

describe('routing: all', () => {
  let r: RoutingGateway
  afterEach(async () => r.close())

  it('calls two targets at once and answers one choice per target, in target order', async () => {
    r = await startRoutingGateway({ routes, clock: new ManualClock() })
    // Each target answers only once the other's request has arrived: a sequential router would hang here.
    r.upstream.setHandler(perModel({ alpha: { afterArrivalOf: ['beta'] }, beta: { afterArrivalOf: ['alpha'] } }))
    const res = await r.chat('duo')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      id: 'chatcmpl-alpha',
      object: 'chat.completion',
      created: 1_750_000_000,
      model: 'duo',
      choices: [choice(0, 'alpha'), choice(1, 'beta')],
      usage: usageOf(20, 10),
      manifold: { targets: [success('alpha', 0), success('beta', 1)], cost_usd: 0.00004 },
    })
    expect(res.headers.get('x-manifold-route')).toBe('duo')
    expect(res.headers.get('x-manifold-target')).toBe('openai/alpha,openai/beta')
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
    expect(res.headers.get('x-manifold-latency-ms')).toBe('0')
    expect(res.headers.get('x-manifold-cost-usd')).toBe('0.00004')

    const [alpha] = requestsFor(r.upstream.requests, 'alpha')
    const [beta] = requestsFor(r.upstream.requests, 'beta')
    expect(beta!.arrivedAt).toBeLessThan(alpha!.finishedAt!)
    expect(alpha!.arrivedAt).toBeLessThan(beta!.finishedAt!)

    const rows = await r.rows(res.headers.get('x-request-id')!)
    expect(rows.map((row) => [row.attempt, row.model, row.outcome, row.status, row.route, row.strategy, row.costPicoUsd])).toEqual([
      [1, 'openai/alpha', 'success', 200, 'duo', 'all', 20_000_000],
      [2, 'openai/beta', 'success', 200, 'duo', 'all', 20_000_000],
    ])
  })

  it('with three targets, one failing, still returns the other two at dense indexes', async () => {
    r = await startRoutingGateway({ routes, clock: new ManualClock() })
    const all = ['alpha', 'beta', 'gamma']
    r.upstream.setHandler(perModel({
      alpha: { afterArrivalOf: all }, beta: { afterArrivalOf: all, status: 503 }, gamma: { afterArrivalOf: all },
    }))
    const res = await r.chat('trio')
    expect(res.status).toBe(200)
    const body = await res.json() as Record<string, unknown>
    expect(body.choices).toEqual([choice(0, 'alpha'), choice(1, 'gamma')])
    expect(body.usage).toEqual(usageOf(20, 10))
    expect(body.manifold).toEqual({
      targets: [
        success('alpha', 0),
        {
          model: 'openai/beta', status: 503, choice_index: null, latency_ms: 0, usage: null, cost_usd: null, attempts: 1,
          error: { message: 'openai: upstream says 503', type: 'upstream_error', code: 'upstream_error', param: null },
        },
        success('gamma', 1),
      ],
      cost_usd: 0.00004,
    })
    expect(res.headers.get('x-manifold-target')).toBe('openai/alpha,openai/gamma')
    expect(res.headers.get('x-manifold-attempts')).toBe('3')
    const rows = await r.rows(res.headers.get('x-request-id')!)
    expect(rows.map((row) => [row.attempt, row.model, row.outcome, row.status])).toEqual([
      [1, 'openai/alpha', 'success', 200], [2, 'openai/beta', 'error', 503], [3, 'openai/gamma', 'success', 200],
    ])
  })

  it('answers an error naming each failure when every target fails', async () => {
    r = await startRoutingGateway({ routes })
    r.upstream.setHandler(perModel({ alpha: { status: 503 }, beta: { status: 400 } }))
    const res = await r.chat('duo')
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({
      error: {
        message: 'All 2 targets failed: openai/alpha: 503 openai: upstream says 503; openai/beta: 400 openai: upstream says 400',
        type: 'upstream_error', code: 'all_targets_failed', param: null,
      },
    })
    expect(res.headers.get('x-manifold-route')).toBe('duo')
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
  })

  it('fans out per request through the x-manifold-route header', async () => {
    r = await startRoutingGateway()
    r.upstream.setHandler(perModel({ alpha: {}, gamma: {} }))
    const res = await r.chat('my-fanout', {}, { headers: { 'x-manifold-route': JSON.stringify({ strategy: 'all', targets: ['openai/gamma', 'openai/alpha'] }) } })
    expect(res.status).toBe(200)
    const body = await res.json() as { model: string; choices: unknown[] }
    expect(body.model).toBe('my-fanout')
    expect(body.choices).toEqual([choice(0, 'gamma'), choice(1, 'alpha')])
    expect(res.headers.get('x-manifold-route')).toBe('header')
    expect(res.headers.get('x-manifold-target')).toBe('openai/gamma,openai/alpha')
  })

  it('refuses n > 1: each target answers one choice', async () => {
    r = await startRoutingGateway({ routes })
    const res = await r.chat('duo', { n: 2 })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: { message: 'The `all` strategy answers one choice per target: `n` must be 1.', type: 'invalid_request_error', code: 'unsupported_parameter', param: 'n' },
    })
    expect(r.upstream.requests).toHaveLength(0)
  })
})

describe('routing: all, streaming', () => {
  let r: RoutingGateway
  afterEach(async () => r.close())

  it('interleaves the targets and the openai client reconstructs each text at its index', async () => {
    r = await startRoutingGateway({ routes, listen: true })
    r.upstream.setHandler(perModel({
      alpha: { text: 'alpha says one two three', afterArrivalOf: ['beta', 'gamma'] },
      beta: { text: 'beta says four five', afterArrivalOf: ['alpha', 'gamma'] },
      gamma: { text: 'gamma says six', afterArrivalOf: ['alpha', 'beta'] },
    }))
    const client = new OpenAI({ apiKey: r.gw.adminKey, baseURL: `${r.gw.url}/v1`, maxRetries: 0 })
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'trio', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })
      .withResponse()
    expect(response.headers.get('x-manifold-target')).toBe('openai/alpha,openai/beta,openai/gamma')
    expect(response.headers.get('x-manifold-attempts')).toBe('3')
    const texts = ['', '', '']
    const finish: Array<string | null> = [null, null, null]
    const targets: string[] = []
    let last: OpenAI.ChatCompletionChunk | undefined
    for await (const chunk of stream) {
      last = chunk
      for (const c of chunk.choices) {
        texts[c.index] += c.delta.content ?? ''
        if (c.finish_reason) finish[c.index] = c.finish_reason
        targets[c.index] = (c as unknown as { manifold_target: string }).manifold_target
      }
    }
    expect(texts).toEqual(['alpha says one two three', 'beta says four five', 'gamma says six'])
    expect(finish).toEqual(['stop', 'stop', 'stop'])
    expect(targets).toEqual(['openai/alpha', 'openai/beta', 'openai/gamma'])
    expect(last!.choices).toEqual([])
    expect(last!.usage).toEqual({ ...usageOf(30, 15), cost_usd: 0.00006 })
    const manifold = (last as unknown as { manifold: { targets: Array<{ model: string; status: number; choice_index: number }> } }).manifold
    expect(manifold.targets.map((t) => [t.model, t.status, t.choice_index])).toEqual([
      ['openai/alpha', 200, 0], ['openai/beta', 200, 1], ['openai/gamma', 200, 2],
    ])
  })

  it('ends only the failing target\'s choice when it fails mid-stream, and meters its partial attempt', async () => {
    r = await startRoutingGateway({ routes })
    // alpha: role chunk and one word, then the connection drops.
    r.upstream.setHandler(perModel({ alpha: { text: 'alpha one two', failAfterFrames: 2, frameDelayMs: 20 }, beta: { text: 'beta three' } }))
    const res = await r.chat('duo', { stream: true })
    expect(res.status).toBe(200)
    const { events, done } = parseSseBody(await res.text())
    expect(done).toBe(true)
    type Chunk = { choices: Array<{ index: number; delta: { content?: string }; finish_reason: string | null; manifold_error?: { code: string } }> }
    const chunks = events as Chunk[]
    const textOf = (i: number) => chunks.flatMap((c) => c.choices).filter((c) => c.index === i).map((c) => c.delta.content ?? '').join('')
    expect(textOf(0)).toBe('alpha ')
    expect(textOf(1)).toBe('beta three')
    const endings = chunks.flatMap((c) => c.choices).filter((c) => c.finish_reason)
    expect(endings.map((c) => [c.index, c.finish_reason, c.manifold_error?.code ?? null])).toEqual(
      expect.arrayContaining([[0, 'error', 'upstream_error'], [1, 'stop', null]]),
    )
    expect(endings).toHaveLength(2)
    const rows = await r.rows(res.headers.get('x-request-id')!)
    expect(rows.map((row) => [row.attempt, row.model, row.outcome, row.stream])).toEqual([
      [1, 'openai/alpha', 'error', true], [2, 'openai/beta', 'success', true],
    ])
    expect(rows[0]!.ttftMs).not.toBeNull()
  })

  it('closes every upstream request when the client goes away, and meters them as aborted', async () => {
    r = await startRoutingGateway({ routes, listen: true })
    // Long streams: still running when the client leaves after its first chunk.
    r.upstream.setHandler(perModel({ alpha: { text: 'a '.repeat(200), frameDelayMs: 50 }, beta: { text: 'b '.repeat(200), frameDelayMs: 50 } }))
    const client = new AbortController()
    const res = await fetch(`${r.gw.url}/v1/chat/completions`, {
      method: 'POST', signal: client.signal,
      headers: { authorization: `Bearer ${r.gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'duo', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    })
    const reader = res.body!.getReader()
    await reader.read()
    client.abort()
    const [alpha] = requestsFor(r.upstream.requests, 'alpha')
    const [beta] = requestsFor(r.upstream.requests, 'beta')
    await vi.waitFor(() => expect([alpha!.abortedAt, beta!.abortedAt].every((t) => t !== undefined)).toBe(true))
    const id = res.headers.get('x-request-id')!
    await vi.waitFor(async () => expect(await r.rows(id)).toHaveLength(2))
    expect((await r.rows(id)).map((row) => [row.model, row.outcome, row.status])).toEqual([['openai/alpha', 'aborted', 499], ['openai/beta', 'aborted', 499]])
  })

  it('ends in an error frame, without [DONE], when every target fails mid-stream', async () => {
    r = await startRoutingGateway({ routes })
    r.upstream.setHandler(perModel({ alpha: { failAfterFrames: 2, frameDelayMs: 20 }, beta: { failAfterFrames: 2, frameDelayMs: 20 } }))
    const res = await r.chat('duo', { stream: true })
    const { events, done } = parseSseBody(await res.text())
    expect(done).toBe(false)
    expect((events.at(-1) as { error: { code: string } }).error.code).toBe('all_targets_failed')
  })
})
