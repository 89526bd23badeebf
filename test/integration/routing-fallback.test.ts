import { afterEach, describe, expect, it, vi } from 'vitest'
import { ManualClock } from '../support/routing-clock.js'
import { startRoutingGateway, type RoutingGateway } from '../support/routing-gateway.js'
import { perModel, requestsFor } from '../support/routing-upstream.js'
import { parseSseBody } from '../support/sse-parse.js'

const contentOf = async (res: Response) => ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content

describe('routing: fallback', () => {
  let r: RoutingGateway
  afterEach(async () => r.close())

  const routes = {
    safe: { strategy: 'fallback', targets: ['openai/alpha', 'openai/beta'] },
    lb: { strategy: 'loadbalance', targets: [{ model: 'openai/alpha', weight: 3 }, { model: 'openai/beta', weight: 1 }] },
  }

  it('moves to the next target on a retryable error and meters both attempts', async () => {
    r = await startRoutingGateway({ routes })
    r.upstream.setHandler(perModel({ alpha: { status: 503 }, beta: {} }))
    const res = await r.chat('safe')
    expect(res.status).toBe(200)
    expect(await contentOf(res)).toBe('answer from beta')
    expect(res.headers.get('x-manifold-target')).toBe('openai/beta')
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
    const rows = await r.rows(res.headers.get('x-request-id')!)
    expect(rows.map((row) => [row.attempt, row.model, row.outcome, row.status, row.errorType])).toEqual([
      [1, 'openai/alpha', 'error', 503, 'upstream_error'], [2, 'openai/beta', 'success', 200, null],
    ])
  })

  it('passes the caller\'s own mistake on without trying the next target', async () => {
    r = await startRoutingGateway({ routes })
    r.upstream.setHandler(perModel({ alpha: { status: 400 }, beta: {} }))
    const res = await r.chat('safe')
    expect(res.status).toBe(400)
    expect(requestsFor(r.upstream.requests, 'beta')).toHaveLength(0)
    expect(res.headers.get('x-manifold-attempts')).toBe('1')
  })

  it('falls back before a stream has begun, never after', async () => {
    r = await startRoutingGateway({ routes })
    r.upstream.setHandler(perModel({ alpha: { status: 429 }, beta: { text: 'beta streams' } }))
    const res = await r.chat('safe', { stream: true })
    expect(res.headers.get('x-manifold-target')).toBe('openai/beta')
    const { events, done } = parseSseBody(await res.text())
    expect(done).toBe(true)
    expect(events.map((e) => (e as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('')).toBe('beta streams')

    // Cut after output began: the client gets an error frame, and beta is not tried.
    r.upstream.setHandler(perModel({ alpha: { failAfterFrames: 2, frameDelayMs: 20 }, beta: {} }))
    const before = requestsFor(r.upstream.requests, 'beta').length
    const cut = await r.chat('safe', { stream: true })
    const cutBody = parseSseBody(await cut.text())
    expect(cutBody.done).toBe(false)
    expect(cutBody.events.at(-1)).toMatchObject({ error: { type: 'upstream_error' } })
    expect(requestsFor(r.upstream.requests, 'beta')).toHaveLength(before)
  })

  it('load-balances by weight with the injected randomness, falling back to the other target', async () => {
    r = await startRoutingGateway({ routes })
    r.upstream.setHandler(perModel({ alpha: {}, beta: {} }))
    r.gw.deps.random = () => 0.1 // 0.1 × 4 = 0.4 < 3: alpha
    expect((await r.chat('lb')).headers.get('x-manifold-target')).toBe('openai/alpha')
    r.gw.deps.random = () => 0.9 // 3.6 ≥ 3: beta
    expect((await r.chat('lb')).headers.get('x-manifold-target')).toBe('openai/beta')

    r.upstream.setHandler(perModel({ alpha: {}, beta: { status: 500 } }))
    const res = await r.chat('lb')
    expect(res.headers.get('x-manifold-target')).toBe('openai/alpha')
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
  })
})

describe('routing: retries and timeouts (injected clock)', () => {
  let r: RoutingGateway
  let clock: ManualClock
  afterEach(async () => r.close())

  const routes = {
    retrying: { strategy: 'fallback', targets: [{ model: 'openai/alpha', retries: 2 }, 'openai/beta'] },
    patient: { strategy: 'fallback', targets: [{ model: 'openai/alpha', timeout_ms: 1000 }, 'openai/beta'] },
    bounded: { strategy: 'single', targets: ['openai/alpha'], timeout_ms: 5000 },
  }

  async function start(routing: Record<string, unknown> = {}) {
    clock = new ManualClock()
    r = await startRoutingGateway({ routes, clock, routing })
  }

  it('honours Retry-After before retrying the same target', async () => {
    await start()
    r.upstream.setHandler(perModel({ alpha: [{ status: 429, headers: { 'retry-after': '2' } }, {}], beta: {} }))
    const pending = r.chat('retrying')
    await vi.waitFor(() => expect(clock.pending()).toContain(2000))
    expect(requestsFor(r.upstream.requests, 'alpha')).toHaveLength(1)
    clock.advance(2000)
    const res = await pending
    expect(await contentOf(res)).toBe('answer from alpha')
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
    const rows = await r.rows(res.headers.get('x-request-id')!)
    expect(rows.map((row) => [row.attempt, row.model, row.status])).toEqual([[1, 'openai/alpha', 429], [2, 'openai/alpha', 200]])
  })

  it('backs off with full jitter when the upstream names no delay', async () => {
    await start()
    r.gw.deps.random = () => 0.5
    r.upstream.setHandler(perModel({ alpha: [{ status: 503 }, { status: 503 }, {}], beta: {} }))
    const pending = r.chat('retrying')
    await vi.waitFor(() => expect(clock.pending()).toContain(250)) // 0.5 × 500 ms
    clock.advance(250)
    await vi.waitFor(() => expect(clock.pending()).toContain(500)) // 0.5 × 1000 ms
    clock.advance(500)
    const res = await pending
    expect(await contentOf(res)).toBe('answer from alpha')
    expect(res.headers.get('x-manifold-attempts')).toBe('3')
  })

  it('does not sleep a Retry-After above the cap: the next target answers', async () => {
    await start({ max_retry_delay_ms: 5000 })
    r.upstream.setHandler(perModel({ alpha: { status: 429, headers: { 'retry-after': '60' } }, beta: {} }))
    const res = await r.chat('retrying')
    expect(await contentOf(res)).toBe('answer from beta')
    expect(requestsFor(r.upstream.requests, 'alpha')).toHaveLength(1)
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
  })

  it('aborts a target that sends nothing within its first-byte timeout, then falls back', async () => {
    await start()
    r.upstream.setHandler(perModel({ alpha: { hang: true }, beta: {} }))
    const pending = r.chat('patient')
    await vi.waitFor(() => expect(clock.pending()).toContain(1000))
    clock.advance(1000)
    const res = await pending
    expect(await contentOf(res)).toBe('answer from beta')
    const [alpha] = requestsFor(r.upstream.requests, 'alpha')
    await vi.waitFor(() => expect(alpha!.abortedAt).toBeDefined())
    const rows = await r.rows(res.headers.get('x-request-id')!)
    expect(rows.map((row) => [row.model, row.outcome, row.status, row.errorType])).toEqual([
      ['openai/alpha', 'error', 504, 'timeout'], ['openai/beta', 'success', 200, null],
    ])
  })

  it('ends a call at its overall timeout with a 504, the hung request aborted', async () => {
    await start()
    r.upstream.setHandler(perModel({ alpha: { hang: true } }))
    const pending = r.chat('bounded')
    await vi.waitFor(() => expect(clock.pending()).toContain(5000))
    // The hung request must have reached the upstream before time runs out, or there is nothing to abort.
    await vi.waitFor(() => expect(requestsFor(r.upstream.requests, 'alpha')).toHaveLength(1))
    clock.advance(5000)
    const res = await pending
    expect(res.status).toBe(504)
    expect(await res.json()).toEqual({
      error: { message: 'the request took longer than its timeout of 5000 ms', type: 'upstream_error', code: 'timeout', param: null },
    })
    const [alpha] = requestsFor(r.upstream.requests, 'alpha')
    await vi.waitFor(() => expect(alpha!.abortedAt).toBeDefined())
  })

  it('aborts a stream that outlives the request timeout with an error frame', async () => {
    await start()
    // Two hundred frames 50 ms apart: still streaming long after the test moves the clock.
    r.upstream.setHandler(perModel({ alpha: { text: 'word '.repeat(200), frameDelayMs: 50 } }))
    const res = await r.chat('bounded', { stream: true })
    expect(res.status).toBe(200)
    const reading = res.text()
    await vi.waitFor(() => expect(clock.pending()).toContain(5000))
    clock.advance(5000)
    const { events, done } = parseSseBody(await reading)
    expect(done).toBe(false)
    expect(events.at(-1)).toEqual({ error: { message: 'the request took longer than its timeout of 5000 ms', type: 'upstream_error', code: 'timeout', param: null } })
  })
})
