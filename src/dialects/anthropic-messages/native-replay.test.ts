import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { anthropicFrames } from '../../../test/support/anthropic-harness.js'
import { startClientsHarness, type ClientsHarness } from '../../../test/support/clients-harness.js'

let h: ClientsHarness

beforeAll(async () => {
  h = await startClientsHarness({ aliases: { 'claude-sonnet-4-5': 'anthropic/claude-sonnet-4-5-20250929' } })
})
afterAll(() => h.close())
beforeEach(() => {
  h.upstream.requests.length = 0
})

const request = {
  model: 'anthropic/claude-sonnet-4-6',
  max_tokens: 1024,
  system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
  thinking: { type: 'enabled', budget_tokens: 512 },
  context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
  metadata: { user_id: '{"device_id":"abc","session_id":"s1"}' },
}

function post(body: unknown, headers: Record<string, string> = {}, path = '/v1/messages?beta=true') {
  return fetch(`${h.gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': h.key, 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  })
}

async function usageRows() {
  await h.gw.deps.usage.flush()
  return h.gw.deps.store.db.query.usage.findMany()
}

const fixtures = [
  'sdk-basic_response.sse',
  'sdk-tool_use_response.sse',
  'sdk-incomplete_partial_json_response.sse',
  'vercel-anthropic-text.chunks.txt',
  'vercel-anthropic-tool-no-args.chunks.txt',
  'vercel-anthropic-json-tool.1.chunks.txt',
  'vercel-anthropic-message-delta-input-tokens.chunks.txt',
]

describe('POST /v1/messages to an Anthropic backend (native)', () => {
  it.each(fixtures)('streams %s to the client byte for byte', async (fixture) => {
    const frames = anthropicFrames(fixture)
    h.upstream.setHandler(() => ({ sse: frames }))
    const res = await post({ ...request, stream: true }, { 'anthropic-beta': 'interleaved-thinking-2025-05-14,context-management-2025-06-27' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('x-manifold-target')).toBe('anthropic/claude-sonnet-4-6')
    expect(await res.text()).toBe(frames.join(''))
  })

  it('sends the body as the client sent it, with the upstream model, key, version and betas', async () => {
    h.upstream.setHandler(() => ({ sse: anthropicFrames('sdk-basic_response.sse') }))
    await (await post({ ...request, model: 'claude-sonnet-4-5', stream: true }, { 'anthropic-beta': 'context-management-2025-06-27' })).text()
    const [received] = h.received('anthropic')
    expect(received!.path).toBe('/anthropic/v1/messages')
    expect(received!.body).toEqual({ ...request, model: 'claude-sonnet-4-5-20250929', stream: true })
    expect(received!.headers['x-api-key']).toBe('upstream-anthropic')
    expect(received!.headers['anthropic-version']).toBe('2023-06-01')
    expect(received!.headers['anthropic-beta']).toBe('context-management-2025-06-27')
    expect(received!.headers.authorization).toBeUndefined()
  })

  it('answers a non-streaming call with the upstream Message unchanged, and meters it', async () => {
    const message = {
      id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [{ type: 'text', text: 'Hi' }],
      stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 4, cache_creation_input_tokens: 2 },
    }
    h.upstream.setHandler(() => ({ json: message }))
    const res = await post(request, { authorization: `Bearer ${h.key}`, 'x-api-key': '' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(message)
    const row = (await usageRows()).at(-1)!
    expect(row).toMatchObject({
      surface: 'messages', provider: 'anthropic', model: 'anthropic/claude-sonnet-4-6', stream: false, status: 200, outcome: 'success',
      promptTokens: 16, completionTokens: 3, cachedTokens: 4, cacheWriteTokens: 2,
    })
  })

  it('meters a native stream from message_start and message_delta usage', async () => {
    h.upstream.setHandler(() => ({ sse: anthropicFrames('vercel-anthropic-text.chunks.txt') }))
    const before = (await usageRows()).length
    await (await post({ ...request, stream: true })).text()
    const rows = await usageRows()
    expect(rows).toHaveLength(before + 1)
    expect(rows.at(-1)).toMatchObject({ surface: 'messages', stream: true, outcome: 'success', promptTokens: 12, completionTokens: 30 })
  })
})
