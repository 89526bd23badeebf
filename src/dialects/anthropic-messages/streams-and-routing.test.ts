import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { anthropicFrames } from '../../../test/support/anthropic-harness.js'
import { providerCases, startClientsHarness, type ClientsHarness } from '../../../test/support/clients-harness.js'
import { describeEvents, parseAnthropicSse } from '../../../test/support/messages-sse.js'
import type { MockReply, ReceivedRequest } from '../../../test/support/mock-upstream.js'

let h: ClientsHarness

beforeAll(async () => {
  h = await startClientsHarness({
    routes: {
      backup: { strategy: 'fallback', targets: ['openai/gpt-4.1-nano', 'gemini/gemini-2.5-flash'] },
      'claude-pair': { strategy: 'fallback', targets: ['anthropic/claude-a', 'anthropic/claude-b'] },
      fastest: { strategy: 'race', targets: ['openai/gpt-4.1-nano', 'mistral/mistral-small-latest'] },
      spread: { strategy: 'loadbalance', targets: [{ model: 'openai/gpt-4.1-nano', weight: 1 }, { model: 'gemini/gemini-2.5-flash', weight: 1 }] },
    },
  })
})
afterAll(() => h.close())
beforeEach(() => {
  h.upstream.requests.length = 0
  h.play('text')
})

const request = (model: string, extra: Record<string, unknown> = {}) => ({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], ...extra })

function post(payload: unknown, init: { signal?: AbortSignal; headers?: Record<string, string> } = {}) {
  return fetch(`${h.gw.url}/v1/messages`, {
    method: 'POST', signal: init.signal,
    headers: { 'content-type': 'application/json', 'x-api-key': h.key, ...init.headers },
    body: JSON.stringify(payload),
  })
}

async function lastUsageRow() {
  await h.gw.deps.usage.flush()
  return (await h.gw.deps.store.db.query.usage.findMany()).at(-1)!
}

/** Waits (bounded: 200 turns of the event loop's timers) until the mock saw the gateway hang up. */
async function upstreamAborted(): Promise<ReceivedRequest> {
  for (let i = 0; i < 200; i++) {
    const aborted = h.upstream.requests.find((r) => r.abortedAt !== undefined)
    if (aborted) return aborted
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('the upstream request was never aborted')
}

const openaiText = providerCases.find((c) => c.provider === 'openai')!.recordings.text.frames

describe('a stream that fails after output began', () => {
  it('translated: the events so far, then an error event, and no message_stop', async () => {
    h.upstream.setHandler(() => ({ sse: openaiText, failAfterFrames: 5, frameDelayMs: 10 }))
    const res = await post(request('openai/gpt-4.1-nano', { stream: true }))
    expect(res.status).toBe(200)
    const frames = parseAnthropicSse(await res.text())
    expect(describeEvents(frames)).toEqual(['message_start', 'content_block_start 0 text', 'ping', 'text_delta 0 **', 'text_delta 0 Holiday', 'text_delta 0  Name', 'text_delta 0 :**', 'error'])
    expect(frames.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'api_error', message: expect.any(String) } } })
    expect(await lastUsageRow()).toMatchObject({ surface: 'messages', outcome: 'error', stream: true })
  })

  it('native: the upstream frames byte for byte, then an error event', async () => {
    const frames = anthropicFrames('vercel-anthropic-text.chunks.txt')
    h.upstream.setHandler(() => ({ sse: frames, failAfterFrames: 5, frameDelayMs: 10 }))
    const res = await post(request('anthropic/claude-sonnet-4-6', { stream: true }))
    const text = await res.text()
    expect(text.startsWith(frames.slice(0, 5).join(''))).toBe(true)
    const rest = parseAnthropicSse(text.slice(frames.slice(0, 5).join('').length))
    expect(rest).toEqual([{ event: 'error', data: { type: 'error', error: { type: 'api_error', message: expect.any(String) } } }])
    expect(await lastUsageRow()).toMatchObject({ surface: 'messages', outcome: 'error', promptTokens: 12 })
  })

  it('native: an error event Anthropic sends mid-stream reaches the client as sent, and the attempt is an error', async () => {
    const frames = [...anthropicFrames('sdk-basic_response.sse').slice(0, 4), 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n']
    h.upstream.setHandler(() => ({ sse: frames }))
    const res = await post(request('anthropic/claude-sonnet-4-6', { stream: true }))
    expect(await res.text()).toBe(frames.join(''))
    expect(await lastUsageRow()).toMatchObject({ outcome: 'error', status: 503, errorType: 'upstream_error' })
  })
})

describe('a client that goes away mid-stream', () => {
  it.each([
    ['translated', 'openai/gpt-4.1-nano', (): MockReply => ({ sse: openaiText, frameDelayMs: 20 })],
    ['native', 'anthropic/claude-sonnet-4-6', (): MockReply => ({ sse: anthropicFrames('vercel-anthropic-text.chunks.txt'), frameDelayMs: 20 })],
  ])('%s: the upstream call is aborted and the attempt recorded as aborted', async (_kind, model, reply) => {
    h.upstream.setHandler(reply)
    const controller = new AbortController()
    const res = await post(request(model, { stream: true }), { signal: controller.signal })
    const reader = res.body!.getReader()
    let seen = ''
    while (!seen.includes('content_block_delta')) seen += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    await reader.cancel().catch(() => undefined)
    const aborted = await upstreamAborted()
    expect(aborted.finishedAt).toBeUndefined()
    let row = await lastUsageRow()
    for (let i = 0; i < 100 && row.outcome !== 'aborted'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      row = await lastUsageRow()
    }
    expect(row).toMatchObject({ surface: 'messages', model, outcome: 'aborted', status: 499, stream: true })
  })
})

describe('routing strategies behind /v1/messages', () => {
  it('fallback (translated): the first target fails with 500, the second answers', async () => {
    h.upstream.setHandler((req) => (req.path.startsWith('/gemini/') ? { json: providerCases.find((c) => c.provider === 'gemini')!.recordings.text.json } : { status: 500, json: { error: { message: 'boom', type: 'server_error' } } }))
    const res = await post(request('backup'))
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-route')).toBe('backup')
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
    expect(res.headers.get('x-manifold-target')).toBe('gemini/gemini-2.5-flash')
    expect(((await res.json()) as { content: Array<{ text: string }> }).content[0]!.text).toBe(providerCases.find((c) => c.provider === 'gemini')!.jsonText)
  })

  it('fallback (native): Anthropic 529 on the first model, the second answers with the body as sent', async () => {
    const message = { id: 'msg_b', type: 'message', role: 'assistant', model: 'claude-b', content: [{ type: 'text', text: 'from b' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 5, output_tokens: 2 } }
    h.upstream.setHandler((req) => ((req.body as { model: string }).model === 'claude-a'
      ? { status: 529, json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }
      : { json: message }))
    const payload = request('claude-pair', { thinking: { type: 'enabled', budget_tokens: 1024 } })
    const res = await post(payload)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
    expect(res.headers.get('x-manifold-target')).toBe('anthropic/claude-b')
    expect(await res.json()).toEqual(message)
    expect(h.upstream.requests.map((r) => r.body)).toEqual([{ ...payload, model: 'claude-a' }, { ...payload, model: 'claude-b' }])
  })

  it('race: one target\'s answer, as a Message', async () => {
    const res = await post(request('fastest'))
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-route')).toBe('fastest')
    const target = res.headers.get('x-manifold-target')!
    const winner = providerCases.find((c) => c.model === target)!
    expect(await res.json()).toMatchObject({ type: 'message', content: [{ type: 'text', text: winner.jsonText }], stop_reason: 'end_turn' })
  })

  it('loadbalance: a streamed answer from the target it picked', async () => {
    const res = await post(request('spread', { stream: true }))
    const target = res.headers.get('x-manifold-target')!
    expect(['openai/gpt-4.1-nano', 'gemini/gemini-2.5-flash']).toContain(target)
    const frames = parseAnthropicSse(await res.text())
    const text = frames.map((f) => (f.data.delta as { text?: string } | undefined)?.text ?? '').join('')
    expect(text).toBe(providerCases.find((c) => c.model === target)!.streamText)
    expect(frames.at(-1)!.data.type).toBe('message_stop')
  })

  it('the x-manifold-route header routes the call', async () => {
    const res = await post(request('claude-sonnet-4-5'), { headers: { 'x-manifold-route': JSON.stringify({ strategy: 'fallback', targets: ['mistral/mistral-small-latest'] }) } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-target')).toBe('mistral/mistral-small-latest')
    expect(h.received('mistral')).toHaveLength(1)
  })
})
