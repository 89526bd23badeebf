import { afterEach, describe, expect, it } from 'vitest'
import { hashKey } from '../../src/security/keys.js'
import { findKeyByHash } from '../../src/store/keys-repo.js'
import { SteppingClock } from '../support/metering-clock.js'
import { startRoutingGateway, type RoutingGateway } from '../support/routing-gateway.js'
import { gate, perModel } from '../support/routing-upstream.js'
import { eventually } from '../support/jobs-gateway.js'

describe('metering of calls in flight', () => {
  let r: RoutingGateway | undefined
  afterEach(async () => {
    await r?.close()
    r = undefined
  })

  it('a stream the client abandons is counted against tpm with its partial usage, before its ticket is released', async () => {
    // The clock stands still, so the bucket never refills: what it holds is exactly what was charged.
    r = await startRoutingGateway({ clock: new SteppingClock(Date.UTC(2026, 6, 24, 12)) })
    // One frame a second: the client has left long before the stream would end.
    r.upstream.setHandler(perModel({ alpha: { text: 'one two three four five six', frameDelayMs: 1_000 } }))
    const key = await r.gw.createKey({ tpm: 1_000 })

    const stream = await r.chat('openai/alpha', { stream: true, max_tokens: 50 }, { key, headers: { 'x-request-id': 'abandoned' } })
    expect(stream.status).toBe(200)
    const reader = stream.body!.getReader()
    const decoder = new TextDecoder()
    let seen = ''
    while (!seen.includes('"content":"one ')) seen += decoder.decode((await reader.read()).value)
    await reader.cancel()

    const [row] = await (async () => {
      await eventually(() => r!.upstream.requests[0]?.abortedAt !== undefined, 'the upstream request to be aborted')
      return r!.rows('abandoned')
    })()
    expect(row).toMatchObject({ outcome: 'aborted', stream: true })
    const partial = row!.promptTokens + row!.completionTokens
    expect(partial).toBeGreaterThan(0)

    // The next call reserves its own estimate (2 prompt tokens + 50) on top of what the abandoned stream used.
    const next = await r.chat('openai/alpha', { max_tokens: 50 }, { key })
    expect(next.status).toBe(200)
    expect(next.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1_000 - partial - 52))
  })

  it('concurrent calls are checked against spend plus what the calls in flight hold', async () => {
    r = await startRoutingGateway()
    const hold = gate()
    r.upstream.setHandler(perModel({ alpha: { until: hold.promise } }))
    // Each call holds its worst case, 2 prompt tokens at $1/M + 100 output tokens at $2/M = $0.000202: four fit in $0.001.
    const key = await r.gw.createKey({ budgetPicoUsd: 1_000_000_000, budgetPeriod: 'total' })

    const calls = Array.from({ length: 20 }, () => r!.chat('openai/alpha', { max_tokens: 100 }, { key }))
    const refused: Response[] = []
    const admitted: Response[] = []
    const settled = calls.map((call) => call.then((res) => (res.status === 429 ? refused : admitted).push(res)))
    await eventually(() => refused.length === 16 && r!.upstream.requests.length === 4, '16 refusals and 4 upstream calls')
    expect(admitted).toHaveLength(0)
    const refusal = await refused[0]!.json() as { error: { message: string; type: string; code: string } }
    expect(refusal.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' })
    expect(refusal.error.message).toBe('This call may cost up to $0.000202 (prompt estimate plus max_tokens, or the model\'s output limit, for every choice) and this API key has $0.000192 left of its total budget of $0.001 (spent $0.00, and $0.000808 is held by calls in flight). Lower max_tokens or n. A total budget does not reset; raise it with PATCH /admin/keys/{id}.')

    hold.open()
    await Promise.all(settled)
    expect(admitted.map((res) => res.status)).toEqual([200, 200, 200, 200])
    expect(r.upstream.requests).toHaveLength(4)
    // Settled: the holds are gone, and the real cost (4 × 10 prompt + 5 output tokens = $0.00008) leaves room.
    const row = await findKeyByHash(r.gw.deps.store.db, await hashKey(key))
    expect(r.gw.deps.spend.held(row!.id)).toBe(0)
    expect((await r.chat('openai/alpha', { max_tokens: 100 }, { key })).status).toBe(200)
  })

  it('a retry or fallback is checked against the budget too: a route stops when other calls in flight hold the rest', async () => {
    r = await startRoutingGateway({ routes: { duo: { strategy: 'fallback', targets: ['openai/alpha', 'openai/beta'] } } })
    const alphaAnswers = gate()
    const gammaAnswers = gate()
    r.upstream.setHandler(perModel({ alpha: { until: alphaAnswers.promise, status: 500 }, beta: {}, gamma: { until: gammaAnswers.promise } }))
    const key = await r.gw.createKey({ budgetPicoUsd: 500_000_000, budgetPeriod: 'total' })

    // The route's first attempt starts while the key holds nothing else.
    const routed = r.chat('duo', { max_tokens: 40 }, { key })
    await eventually(() => r!.upstream.requests.length === 1, 'the first attempt to reach alpha')
    // Another call is admitted meanwhile (the route's $0.000082 and its own $0.000402 fit in $0.0005).
    const other = r.chat('openai/gamma', { max_tokens: 200 }, { key })
    await eventually(() => r!.upstream.requests.length === 2, 'the other call to reach gamma')

    alphaAnswers.open()
    const res = await routed
    expect(res.status).toBe(429)
    expect(await res.json()).toEqual({ error: {
      message: 'This call may cost up to $0.000082 (prompt estimate plus max_tokens, or the model\'s output limit, for every choice) and this API key has $0.000016 left of its total budget of $0.0005 (spent $0.00, and $0.000484 is held by calls in flight). Lower max_tokens or n. A total budget does not reset; raise it with PATCH /admin/keys/{id}.',
      type: 'insufficient_quota', param: null, code: 'insufficient_quota',
    } })
    expect(r.upstream.requests.map((req) => (req.body as { model: string }).model)).toEqual(['alpha', 'gamma'])
    gammaAnswers.open()
    expect((await other).status).toBe(200)
  })
})
