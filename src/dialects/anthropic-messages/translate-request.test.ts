import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startClientsHarness, type ClientsHarness } from '../../../test/support/clients-harness.js'

let h: ClientsHarness

beforeAll(async () => {
  h = await startClientsHarness({ aliases: { 'claude-haiku-4-5': 'openai/gpt-4o-mini', 'claude-sonnet-4-5': 'gemini/gemini-2.5-flash' } })
})
afterAll(() => h.close())
beforeEach(() => {
  h.upstream.requests.length = 0
  h.play('text')
})

/** A tool as Claude Code declares it: JSON Schema draft keywords Gemini does not take. */
const readTool = {
  name: 'Read',
  description: 'Reads a file',
  input_schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    properties: {
      file_path: { type: 'string', format: 'uri', pattern: '^/' },
      limit: { type: 'number', exclusiveMinimum: 0 },
      mode: { const: 'text' },
      env: { type: 'object', propertyNames: { pattern: '^[A-Z]+$' }, additionalProperties: { type: 'string' } },
      offset: { anyOf: [{ type: 'number' }, { type: 'null' }] },
    },
    required: ['file_path'],
  },
}

/** The shape of Claude Code's traffic (captured offline, issue 12), with a tool round trip in it. */
const claudeCodeRequest = {
  model: 'claude-haiku-4-5',
  max_tokens: 32000,
  stream: true,
  thinking: { type: 'enabled', budget_tokens: 31999 },
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  metadata: { user_id: JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: 'b4c1' }) },
  system: [
    { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197' },
    { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
    { type: 'text', text: 'Use tools when needed.', cache_control: { type: 'ephemeral' } },
  ],
  tools: [readTool],
  messages: [
    { role: 'user', content: [{ type: 'text', text: '<system-reminder>ctx</system-reminder>' }, { type: 'text', text: 'Read /tmp/a.txt', cache_control: { type: 'ephemeral' } }] },
    {
      role: 'assistant', content: [
        { type: 'thinking', thinking: 'I should read it.', signature: 'sig' },
        { type: 'text', text: 'Reading.' },
        { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '/tmp/a.txt' } },
      ],
    },
    {
      role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: 'hello from a' }] },
        { type: 'text', text: 'Now summarise.' },
      ],
    },
  ],
}

function post(body: unknown) {
  return fetch(`${h.gw.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${h.key}`, 'anthropic-version': '2026-10-21', 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' },
    body: JSON.stringify(body),
  })
}

describe('a Messages request translated for another backend', () => {
  it('reaches OpenAI as the equivalent chat request: clamped, tool ids kept, Anthropic-only fields and thinking (gpt-4o-mini does not reason) dropped', async () => {
    const res = await post(claudeCodeRequest)
    expect(res.status).toBe(200)
    await res.text()
    const [received] = h.received('openai')
    expect(received!.body).toEqual({
      model: 'gpt-4o-mini',
      max_completion_tokens: 16384,
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'x-anthropic-billing-header: cc_version=2.1.197\n\nYou are Claude Code.\n\nUse tools when needed.' },
        { role: 'user', content: [{ type: 'text', text: '<system-reminder>ctx</system-reminder>' }, { type: 'text', text: 'Read /tmp/a.txt' }] },
        { role: 'assistant', content: 'Reading.', tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'Read', arguments: '{"file_path":"/tmp/a.txt"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_01', content: 'hello from a' },
        { role: 'user', content: 'Now summarise.' },
      ],
      tools: [{ type: 'function', function: { name: 'Read', description: 'Reads a file', parameters: readTool.input_schema } }],
    })
  })

  it('reaches Gemini with its own schema subset and thinking budget, and no user id', async () => {
    const res = await post({ ...claudeCodeRequest, model: 'claude-sonnet-4-5' })
    expect(res.status).toBe(200)
    await res.text()
    const [received] = h.received('gemini')
    expect(received!.path).toContain('/models/gemini-2.5-flash:streamGenerateContent')
    const body = received!.body as Record<string, unknown>
    const text = JSON.stringify(body)
    for (const keyword of ['$schema', 'propertyNames', 'exclusiveMinimum', 'cache_control', 'context_management', 'user_id', 'I should read it.', '"sig"']) expect(text).not.toContain(keyword)
    expect(body.generationConfig).toEqual({ maxOutputTokens: 32000, thinkingConfig: { thinkingBudget: 24576, includeThoughts: true } })
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'x-anthropic-billing-header: cc_version=2.1.197\n\nYou are Claude Code.\n\nUse tools when needed.' }] })
  })

  it('maps thinking to reasoning_effort for an OpenAI model that reasons', async () => {
    const res = await post({ ...claudeCodeRequest, model: 'openai/o4-mini', stream: false })
    expect(res.status).toBe(200)
    expect(h.received('openai')[0]!.body).toMatchObject({ model: 'o4-mini', reasoning_effort: 'high' })
  })

  it('maps tool_choice, stop_sequences, images and documents', async () => {
    h.play('tool')
    const res = await post({
      model: 'openai/gpt-4.1-nano', max_tokens: 50, temperature: 0.2, top_k: 5, stop_sequences: ['END'],
      tools: [readTool], tool_choice: { type: 'tool', name: 'Read', disable_parallel_tool_use: true },
      messages: [{
        role: 'user', content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
          { type: 'text', text: 'Describe.' },
        ],
      }],
    })
    expect(res.status).toBe(200)
    const [received] = h.received('openai')
    expect(received!.body).toEqual({
      model: 'gpt-4.1-nano', stream: false, max_completion_tokens: 50, temperature: 0.2, stop: ['END'],
      tools: [{ type: 'function', function: { name: 'Read', description: 'Reads a file', parameters: readTool.input_schema } }],
      tool_choice: { type: 'function', function: { name: 'Read' } }, parallel_tool_calls: false,
      messages: [{
        role: 'user', content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          { type: 'text', text: 'plain words' },
          { type: 'text', text: 'Describe.' },
        ],
      }],
    })
    for (const [choice, expected] of [[{ type: 'any' }, 'required'], [{ type: 'none' }, 'none'], [{ type: 'auto' }, 'auto']] as const) {
      h.upstream.requests.length = 0
      await post({ model: 'openai/gpt-4.1-nano', max_tokens: 10, tools: [readTool], tool_choice: choice, messages: [{ role: 'user', content: 'x' }] })
      expect((h.received('openai')[0]!.body as { tool_choice: unknown }).tool_choice).toBe(expected)
    }
  })

  it('refuses what the backend cannot take, in Anthropic\'s error shape, before calling it', async () => {
    const res = await post({ model: 'openai/gpt-4.1-nano', max_tokens: 10, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'x' }] })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'tools[0]: the Anthropic tool "web_search_20250305" runs only on Anthropic; route the call to an Anthropic model to use it.' },
    })
    expect(h.upstream.requests).toHaveLength(0)
  })

  it('answers a non-streaming call with an Anthropic Message', async () => {
    h.play('tool')
    const res = await post({ model: 'openai/gpt-4.1-nano', max_tokens: 50, tools: [readTool], messages: [{ role: 'user', content: 'Weather?' }] })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-target')).toBe('openai/gpt-4.1-nano')
    expect(await res.json()).toEqual({
      id: 'msg_chatcmpl-ABfwERreu9s99xXsVuOWtIB2UOx62', type: 'message', role: 'assistant', model: 'openai/gpt-4.1-nano',
      content: [{ type: 'tool_use', id: 'call_4XzlGBLtUe9dy3GVNV4jhq7h', name: 'get_weather', input: { city: 'New York City' } }],
      stop_reason: 'tool_use', stop_sequence: null,
      usage: { input_tokens: 44, output_tokens: 16, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    })
    await h.gw.deps.usage.flush()
    const row = (await h.gw.deps.store.db.query.usage.findMany()).at(-1)!
    expect(row).toMatchObject({ surface: 'messages', provider: 'openai', outcome: 'success', promptTokens: 44, completionTokens: 16 })
  })
})
