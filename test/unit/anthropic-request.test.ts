import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProviderError, type ChatRequest } from '../../providers/types.js'
import { fixtureJson } from '../support/fixtures.js'
import { chatRequest, startAnthropicHarness, UPSTREAM_KEY, type AnthropicHarness } from '../support/anthropic-harness.js'

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
}
const weatherToolOut = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
}

interface Case {
  name: string
  req: Partial<ChatRequest>
  /** The fields of the body Anthropic receives (model, max_tokens and stream are checked apart unless given). */
  body: Record<string, unknown>
}

const cases: Case[] = [
  {
    name: 'one system message → system string',
    req: { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] },
    body: { system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] },
  },
  {
    name: 'system and developer messages (text parts too) → system blocks',
    req: {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in ' }, { type: 'text', text: 'French.' }] },
        { role: 'user', content: 'Hi' },
      ],
    },
    body: { system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Answer in French.' }], messages: [{ role: 'user', content: 'Hi' }] },
  },
  {
    name: 'a system message after the first turn stays in place',
    req: {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'system', content: 'From now on, answer in French.' },
        { role: 'user', content: 'How are you?' },
      ],
    },
    body: {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'system', content: 'From now on, answer in French.' },
        { role: 'user', content: 'How are you?' },
      ],
    },
  },
  {
    name: 'multi-turn history; consecutive same-role messages merged',
    req: {
      messages: [
        { role: 'user', content: 'First.' },
        { role: 'user', content: 'Second.' },
        { role: 'assistant', content: 'Answer one.' },
        { role: 'assistant', content: [{ type: 'text', text: 'Answer two.' }] },
        { role: 'user', content: 'Third.' },
      ],
    },
    body: {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'First.' }, { type: 'text', text: 'Second.' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Answer one.' }, { type: 'text', text: 'Answer two.' }] },
        { role: 'user', content: 'Third.' },
      ],
    },
  },
  {
    name: 'content parts: text, a data: URL image (base64 source) and an https image (url source)',
    req: {
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      }],
    },
    body: {
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      }],
    },
  },
  {
    name: 'a PDF file part → document block',
    req: { messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } }] }] },
    body: { messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }] }] },
  },
  {
    name: 'tools with JSON schema → input_schema; no tool_choice stays unset',
    req: { tools: [weatherTool] },
    body: { tools: [weatherToolOut] },
  },
  {
    name: 'a tool without parameters gets an empty object schema; strict is kept',
    req: { tools: [{ type: 'function', function: { name: 'now', strict: true } }] },
    body: { tools: [{ name: 'now', input_schema: { type: 'object', properties: {} }, strict: true }] },
  },
  { name: 'tool_choice auto', req: { tools: [weatherTool], tool_choice: 'auto' }, body: { tools: [weatherToolOut], tool_choice: { type: 'auto' } } },
  { name: 'tool_choice none', req: { tools: [weatherTool], tool_choice: 'none' }, body: { tools: [weatherToolOut], tool_choice: { type: 'none' } } },
  { name: 'tool_choice required → any', req: { tools: [weatherTool], tool_choice: 'required' }, body: { tools: [weatherToolOut], tool_choice: { type: 'any' } } },
  {
    name: 'tool_choice naming a function → tool',
    req: { tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } } },
    body: { tools: [weatherToolOut], tool_choice: { type: 'tool', name: 'get_weather' } },
  },
  {
    name: 'parallel_tool_calls false → disable_parallel_tool_use (auto when no choice was given)',
    req: { tools: [weatherTool], parallel_tool_calls: false },
    body: { tools: [weatherToolOut], tool_choice: { type: 'auto', disable_parallel_tool_use: true } },
  },
  {
    name: 'parallel_tool_calls false with required',
    req: { tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false },
    body: { tools: [weatherToolOut], tool_choice: { type: 'any', disable_parallel_tool_use: true } },
  },
  {
    name: 'assistant tool_calls → tool_use (arguments parsed); consecutive tool results → one user turn, then the user text',
    req: {
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '4°C' }] },
        { role: 'user', content: 'Thanks, and which is warmer?' },
      ],
    },
    body: {
      tools: [weatherToolOut],
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: '4°C' },
            { type: 'text', text: 'Thanks, and which is warmer?' },
          ],
        },
      ],
    },
  },
  {
    name: 'response_format json_schema → output_config.format (schema closed for structured output)',
    req: {
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, founded: { type: 'integer', minimum: 0 } }, required: ['name', 'founded'] } },
      },
    },
    body: {
      output_config: {
        format: {
          type: 'json_schema',
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, founded: { type: 'integer', description: '{minimum: 0}' } },
            additionalProperties: false,
            required: ['name', 'founded'],
          },
        },
      },
    },
  },
  {
    name: 'response_format json_object → a forced `json` tool',
    req: { response_format: { type: 'json_object' } },
    body: {
      tools: [{ name: 'json', description: 'Respond with a JSON object.', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'json' },
    },
  },
  { name: 'response_format text → nothing', req: { response_format: { type: 'text' } }, body: {} },
  { name: 'stop string → stop_sequences', req: { stop: 'END' }, body: { stop_sequences: ['END'] } },
  { name: 'stop array → stop_sequences', req: { stop: ['END', '###'] }, body: { stop_sequences: ['END', '###'] } },
  { name: 'max_completion_tokens wins over max_tokens', req: { max_tokens: 100, max_completion_tokens: 250 }, body: { max_tokens: 250 } },
  { name: 'user → metadata.user_id', req: { user: 'user-123' }, body: { metadata: { user_id: 'user-123' } } },
  { name: 'safety_identifier → metadata.user_id', req: { safety_identifier: 'hash-9' }, body: { metadata: { user_id: 'hash-9' } } },
  { name: 'reasoning_effort → output_config.effort', req: { reasoning_effort: 'high' }, body: { output_config: { effort: 'high' } } },
]

describe('Anthropic adapter: request translation (the exact body the upstream receives)', () => {
  let h: AnthropicHarness
  beforeAll(async () => {
    h = await startAnthropicHarness({ maxOutputTokens: (model) => (model === 'claude-sonnet-4-6' ? 64000 : undefined) })
    h.upstream.setHandler(() => ({ json: fixtureJson('anthropic/vercel-anthropic-text.json') }))
  })
  afterAll(() => h.close())

  it.each(cases)('$name', async ({ req, body }) => {
    await h.provider.chat(chatRequest(req), h.ctx())
    expect(h.lastBody()).toEqual({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }], stream: false, ...body })
  })

  it('posts to /v1/messages with the key as a bearer token and API version 2026-10-21', async () => {
    await h.provider.chat(chatRequest(), h.ctx())
    const sent = h.upstream.requests.at(-1)!
    expect(sent.method).toBe('POST')
    expect(sent.path).toBe('/v1/messages')
    expect(sent.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`)
    expect(sent.headers['anthropic-version']).toBe('2026-10-21')
  })

  it('without max_tokens, uses the model output limit from the price table, else 4096', async () => {
    await h.provider.chat({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hello' }] }, h.ctx())
    expect(h.lastBody().max_tokens).toBe(64000)
    await h.provider.chat({ model: 'claude-unknown', messages: [{ role: 'user', content: 'Hello' }] }, h.ctx())
    expect(h.lastBody().max_tokens).toBe(4096)
  })

  it('streams with stream: true and the same translation', async () => {
    h.upstream.setHandler(() => ({ sse: [] }))
    await h.provider.chatStream(chatRequest({ stream: true, stop: 'END' }), h.ctx()).catch(() => undefined)
    expect(h.lastBody()).toEqual({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }], stop_sequences: ['END'], stream: true })
    h.upstream.setHandler(() => ({ json: fixtureJson('anthropic/vercel-anthropic-text.json') }))
  })

  it('lists models from GET /v1/models, or the configured list without asking', async () => {
    h.upstream.setHandler(() => ({
      json: {
        data: [
          { type: 'model', id: 'claude-opus-4-8', display_name: 'Claude Opus 4.8', created_at: '2026-09-01T00:00:00Z' },
          { type: 'model', id: 'claude-sonnet-4-6', display_name: 'Claude Sonnet 4.6', created_at: '2026-02-17T00:00:00Z' },
        ],
        has_more: false, first_id: 'claude-opus-4-8', last_id: 'claude-sonnet-4-6',
      },
    }))
    expect(await h.provider.listModels!(h.ctx())).toEqual(['claude-opus-4-8', 'claude-sonnet-4-6'])
    expect(h.upstream.requests.at(-1)!.path).toBe('/v1/models?limit=1000')
    const fixed = await startAnthropicHarness({ models: ['claude-opus-4-8'] })
    expect(await fixed.provider.listModels!(fixed.ctx())).toEqual(['claude-opus-4-8'])
    expect(fixed.upstream.requests).toHaveLength(0)
    await fixed.close()
    h.upstream.setHandler(() => ({ json: fixtureJson('anthropic/vercel-anthropic-text.json') }))
  })

  const unsupported: Array<[string, Partial<ChatRequest>]> = [
    ['temperature', { temperature: 0.2 }],
    ['top_p', { top_p: 0.9 }],
    ['seed', { seed: 7 }],
    ['presence_penalty', { presence_penalty: 0.5 }],
    ['frequency_penalty', { frequency_penalty: 0.5 }],
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { top_logprobs: 3 }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['reasoning_effort', { reasoning_effort: 'minimal' }],
    ['response_format', { response_format: { type: 'json_object' }, tools: [weatherTool] }],
  ]

  it.each(unsupported)('%s → 400 unsupported_parameter naming it, before any upstream call', async (param, fields) => {
    const before = h.upstream.requests.length
    const err = await h.provider.chat(chatRequest(fields), h.ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(err).toMatchObject({ status: 400, code: 'unsupported_parameter', param, retryable: false })
    expect((err as Error).message).toContain(`${param} is not supported by anthropic`)
    expect(h.upstream.requests.length).toBe(before)
  })

  it('n: 1 and logprobs: false are fine (they change nothing)', async () => {
    await h.provider.chat(chatRequest({ n: 1, logprobs: false }), h.ctx())
    expect(h.lastBody()).toEqual({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }], stream: false })
  })

  it('invalid content → 400 invalid_request_error with the param', async () => {
    const bad = async (req: Partial<ChatRequest>) => h.provider.chat(chatRequest(req), h.ctx()).catch((e: unknown) => e)
    expect(await bad({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }] }] }))
      .toMatchObject({ status: 400, code: 'invalid_request_error', param: 'messages[0].content[0].image_url.url' })
    expect(await bad({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } }] }] }))
      .toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url' })
    expect(await bad({ messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }))
      .toMatchObject({ status: 400, param: 'messages[0].tool_calls[0].function.arguments' })
    expect(await bad({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] }] }))
      .toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'messages[0].content[0]' })
  })
})

describe('Anthropic adapter: drop_unsupported_params', () => {
  let h: AnthropicHarness
  beforeAll(async () => {
    h = await startAnthropicHarness({ dropUnsupportedParams: true })
    h.upstream.setHandler(() => ({ json: fixtureJson('anthropic/vercel-anthropic-text.json') }))
  })
  afterAll(() => h.close())

  it('drops what Anthropic cannot honour and sends the rest', async () => {
    await h.provider.chat(chatRequest({
      temperature: 0.2, top_p: 0.9, seed: 7, presence_penalty: 0.1, frequency_penalty: 0.1, n: 2, logprobs: true, top_logprobs: 2,
      reasoning_effort: 'minimal', stop: ['END'], user: 'u-1',
    }), h.ctx())
    expect(h.lastBody()).toEqual({
      model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }], stream: false,
      stop_sequences: ['END'], metadata: { user_id: 'u-1' },
    })
  })

  it('json_object with tools: the tools win, the response_format is dropped', async () => {
    await h.provider.chat(chatRequest({ response_format: { type: 'json_object' }, tools: [weatherTool] }), h.ctx())
    expect(h.lastBody()).toEqual({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }], stream: false, tools: [weatherToolOut] })
  })
})
