import { describe, expect, it } from 'vitest'
import recorded from '../fixtures/openai/vercel-openai-text.json' with { type: 'json' }
import { call, createKey as createHarnessKey, usageRows } from './worker-harness.js'

const messagesBody = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }], ...extra })

describe('/v1/messages on workerd with D1', () => {
  it('refuses a call without a key in Anthropic\'s shape', async () => {
    const res = await call('/v1/messages', { method: 'POST', body: messagesBody('openai/gpt-4o-mini') })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.stringMatching(/didn't provide an API key/) } })
  })

  it('answers a translated call with a Message and records a messages usage row', async () => {
    const { key } = await createHarnessKey('workers-messages')
    const res = await call('/v1/messages', { method: 'POST', key, headers: { 'content-type': 'application/json', 'x-request-id': 'wk-msg-1' }, body: messagesBody('openai/gpt-4o-mini') })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { type: string; content: Array<{ type: string; text: string }>; stop_reason: string }
    expect(body).toMatchObject({ type: 'message', stop_reason: 'end_turn', content: [{ type: 'text', text: recorded.choices[0]!.message.content }] })
    const rows = await usageRows('wk-msg-1')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ provider: 'openai', surface: 'messages', outcome: 'success' })
  })

  it('streams a tool call as Anthropic events with their event lines', async () => {
    const { key } = await createHarnessKey('workers-messages-stream')
    const res = await call('/v1/messages', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: messagesBody('openai/tool-call', { stream: true }) })
    expect(res.status).toBe(200)
    const events = (await res.text()).split('\n').filter((line) => line.startsWith('event: ')).map((line) => line.slice(7))
    expect(events[0]).toBe('message_start')
    expect(events.slice(1, 3)).toEqual(['content_block_start', 'ping'])
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop'])
  })
})
