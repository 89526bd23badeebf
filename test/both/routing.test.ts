import { beforeAll, describe, expect, it } from 'vitest'
import anthropicJson from '../fixtures/anthropic/vercel-anthropic-text.json' with { type: 'json' }
import openaiJson from '../fixtures/openai/vercel-openai-text.json' with { type: 'json' }
import { gateway } from './harness.js'

/** Routes from test/both/config.ts; the mock answers openai/broken 429, openai/lb-down 500, openai/slow-start after 3 s. */

interface Completion { choices: Array<{ index: number; message: { content: string } }> }

const columns = (rows: Array<Record<string, unknown>>) => rows.map((row) => [row.attempt, row.model, row.outcome, row.status, row.route, row.strategy])

describe(`routing strategies (${gateway.runtime})`, () => {
  let key: string
  beforeAll(async () => {
    key = (await gateway.createKey({ name: 'routing' })).key
  })

  const chat = (model: string, tag: string) => gateway.call('/v1/chat/completions', {
    method: 'POST', key, headers: { 'content-type': 'application/json', 'x-request-id': tag },
    body: JSON.stringify({ model, max_tokens: 1000, messages: [{ role: 'user', content: `Hello ${tag}` }] }),
  })

  it('fallback: a 429 from the first target moves on to the second; both attempts are metered', async () => {
    const tag = `fallback-${crypto.randomUUID()}`
    const res = await chat('safe', tag)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-route')).toBe('safe')
    expect(res.headers.get('x-manifold-target')).toBe('openai/gpt-4o-mini')
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
    expect(await res.json()).toEqual(openaiJson)
    expect(columns(await gateway.usageRows(tag, 2))).toEqual([
      [1, 'openai/broken', 'error', 429, 'safe', 'fallback'],
      [2, 'openai/gpt-4o-mini', 'success', 200, 'safe', 'fallback'],
    ])
  })

  it('loadbalance: whichever target is picked first, a failing one falls over to the healthy one', async () => {
    for (let i = 0; i < 4; i++) {
      const tag = `lb-${i}-${crypto.randomUUID()}`
      const res = await chat('lb', tag)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-manifold-target')).toBe('openai/gpt-4o-mini')
      expect(await res.json()).toEqual(openaiJson)
      const attempts = Number(res.headers.get('x-manifold-attempts'))
      const rows = await gateway.usageRows(tag, attempts)
      expect(columns(rows).at(-1)).toEqual([attempts, 'openai/gpt-4o-mini', 'success', 200, 'lb', 'loadbalance'])
      expect(columns(rows.slice(0, -1))).toEqual(attempts === 2 ? [[1, 'openai/lb-down', 'error', 500, 'lb', 'loadbalance']] : [])
    }
  })

  it('all: both targets at once, one choice each in target order', async () => {
    const tag = `all-${crypto.randomUUID()}`
    const res = await chat('duo', tag)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-target')).toBe('openai/gpt-4o-mini,anthropic/claude-haiku-4-5')
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
    const body = (await res.json()) as Completion
    expect(body.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, openaiJson.choices[0]!.message.content],
      [1, anthropicJson.content[0]!.text],
    ])
    expect((await gateway.upstreamSeen(tag, (s) => s.requests === 2)).paths.toSorted()).toEqual(['/v1/chat/completions', '/v1/messages'])
    expect(columns(await gateway.usageRows(tag, 2))).toEqual([
      [1, 'openai/gpt-4o-mini', 'success', 200, 'duo', 'all'],
      [2, 'anthropic/claude-haiku-4-5', 'success', 200, 'duo', 'all'],
    ])
  })

  it('race: the first answer wins and the slower upstream call is aborted', async () => {
    const tag = `race-${crypto.randomUUID()}`
    const res = await chat('fast', tag)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-target')).toBe('openai/gpt-4o-mini')
    expect(await res.json()).toMatchObject({ choices: openaiJson.choices })
    expect(await gateway.upstreamSeen(tag, (s) => s.aborted + s.finished === 2)).toMatchObject({ requests: 2, aborted: 1, finished: 1 })
    const rows = await gateway.usageRows(tag, 2)
    expect(rows.map((row) => [row.model, row.outcome])).toEqual(expect.arrayContaining([
      ['openai/gpt-4o-mini', 'success'],
      ['openai/slow-start', 'aborted'],
    ]))
  })
})

describe(`a client that goes away (${gateway.runtime})`, () => {
  let key: string
  beforeAll(async () => {
    key = (await gateway.createKey({ name: 'abort' })).key
  })

  it('mid-stream: the upstream stream is aborted and the attempt is metered as aborted', async () => {
    const tag = `abort-stream-${crypto.randomUUID()}`
    const controller = new AbortController()
    const res = await gateway.call('/v1/chat/completions', {
      method: 'POST', key, signal: controller.signal, headers: { 'content-type': 'application/json', 'x-request-id': tag },
      body: JSON.stringify({ model: 'openai/slow-stream', stream: true, messages: [{ role: 'user', content: tag }] }),
    })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{/)
    controller.abort()
    await reader.cancel().catch(() => undefined)

    expect(await gateway.upstreamSeen(tag, (s) => s.aborted + s.finished > 0)).toMatchObject({ requests: 1, aborted: 1, finished: 0 })
    expect(await gateway.usageRows(tag)).toEqual([expect.objectContaining({ model: 'openai/slow-stream', outcome: 'aborted', stream: 1 })])
  })

  it('before the first byte: the waiting upstream call is aborted and metered as aborted', async () => {
    const tag = `abort-early-${crypto.randomUUID()}`
    const controller = new AbortController()
    const pending = gateway.call('/v1/chat/completions', {
      method: 'POST', key, signal: controller.signal, headers: { 'content-type': 'application/json', 'x-request-id': tag },
      body: JSON.stringify({ model: 'openai/slow-start', messages: [{ role: 'user', content: tag }] }),
    }).then((res) => res.status, (err: unknown) => (err instanceof Error ? err.name : 'rejected'))
    expect(await gateway.upstreamSeen(tag)).toMatchObject({ requests: 1 })
    controller.abort()
    expect(await pending).toBe('AbortError')

    expect(await gateway.upstreamSeen(tag, (s) => s.aborted + s.finished > 0)).toMatchObject({ requests: 1, aborted: 1, finished: 0 })
    expect(await gateway.usageRows(tag)).toEqual([expect.objectContaining({ model: 'openai/slow-start', outcome: 'aborted' })])
  })
})
