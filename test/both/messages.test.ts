import { beforeAll, describe, expect, it } from 'vitest'
import recorded from '../fixtures/openai/vercel-openai-text.json' with { type: 'json' }
import { gateway } from './harness.js'

const messagesBody = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }], ...extra })

describe(`/v1/messages (${gateway.runtime})`, () => {
  let key: string
  beforeAll(async () => {
    key = (await gateway.createKey({ name: 'messages' })).key
  })

  it('refuses a call without a key in Anthropic\'s shape', async () => {
    const res = await gateway.call('/v1/messages', { method: 'POST', body: messagesBody('openai/gpt-4o-mini') })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.stringMatching(/didn't provide an API key/) } })
  })

  it('answers a translated call with a Message and records a messages usage row', async () => {
    const requestId = `msg-${crypto.randomUUID()}`
    const res = await gateway.call('/v1/messages', { method: 'POST', key, headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: messagesBody('openai/gpt-4o-mini') })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ type: 'message', stop_reason: 'end_turn', content: [{ type: 'text', text: recorded.choices[0]!.message.content }] })
    expect(await gateway.usageRows(requestId)).toEqual([expect.objectContaining({ provider: 'openai', surface: 'messages', outcome: 'success' })])
  })

  it('streams a tool call as Anthropic events with their event lines', async () => {
    const res = await gateway.call('/v1/messages', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: messagesBody('openai/tool-call', { stream: true }) })
    expect(res.status).toBe(200)
    const events = (await res.text()).split('\n').filter((line) => line.startsWith('event: ')).map((line) => line.slice(7))
    expect(events[0]).toBe('message_start')
    expect(events.slice(1, 3)).toEqual(['content_block_start', 'ping'])
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop'])
  })
})
