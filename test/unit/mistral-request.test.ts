import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMistralProvider, mistralToolCallId } from '../../providers/mistral/index.js'
import { ProviderError, type CallContext, type ChatRequest, type Provider } from '../../providers/types.js'
import { fixtureJson } from '../support/fixtures.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'

const user = { role: 'user', content: 'Hi' } as const

describe('Mistral request translation (OpenAI request → the body Mistral receives)', () => {
  let upstream: MockUpstream
  let provider: Provider
  let dropping: Provider
  const ctx = (): CallContext => ({ signal: new AbortController().signal, apiKey: 'k', baseURL: `${upstream.url}/v1`, fetch: globalThis.fetch.bind(globalThis) })

  beforeAll(async () => {
    upstream = await startMockUpstream(() => ({ json: fixtureJson('mistral/vercel-mistral-text.json') }))
    provider = createMistralProvider({ id: 'mistral' })
    dropping = createMistralProvider({ id: 'mistral', dropUnsupportedParams: true })
  })
  afterAll(() => upstream.close())

  async function sent(fields: Partial<ChatRequest>, through = provider): Promise<Record<string, unknown>> {
    await through.chat({ model: 'mistral-small-latest', messages: [user], ...fields } as ChatRequest, ctx())
    const { model: _model, stream: _stream, ...rest } = upstream.requests.at(-1)!.body as Record<string, unknown>
    return rest
  }

  const cases: Array<[string, Partial<ChatRequest>, Record<string, unknown>]> = [
    ['system and developer messages become system messages', {
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] }, user],
    }, { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'system', content: 'Use French.' }, { role: 'user', content: 'Hi' }] }],
    ['text and images (https and data: URLs) as Mistral content chunks', {
      messages: [{ role: 'user', content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
      ] }],
    }, { messages: [{ role: 'user', content: [
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: 'https://example.com/cat.png' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
    ] }] }],
    ['sampling parameters, stop, seed and penalties', {
      temperature: 0.3, top_p: 0.9, max_tokens: 50, stop: ['END'], seed: 42, presence_penalty: 0.5, frequency_penalty: -0.5, n: 2,
    }, {
      messages: [user], temperature: 0.3, top_p: 0.9, max_tokens: 50, stop: ['END'], random_seed: 42, presence_penalty: 0.5, frequency_penalty: -0.5, n: 2,
    }],
    ['max_completion_tokens wins over max_tokens', { max_tokens: 10, max_completion_tokens: 20 }, { messages: [user], max_tokens: 20 }],
    ['tools, a named tool_choice and parallel_tool_calls', {
      tools: [{ type: 'function', function: { name: 'weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
    }, {
      messages: [user],
      tools: [{ type: 'function', function: { name: 'weather', description: 'Weather', strict: true, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
    }],
    ['tool_choice required', { tool_choice: 'required' }, { messages: [user], tool_choice: 'required' }],
    ['tool_choice none', { tool_choice: 'none' }, { messages: [user], tool_choice: 'none' }],
    ['response_format json_object', { response_format: { type: 'json_object' } }, { messages: [user], response_format: { type: 'json_object' } }],
    ['response_format json_schema', {
      response_format: { type: 'json_schema', json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } },
    }, {
      messages: [user],
      response_format: { type: 'json_schema', json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } },
    }],
    ['null parameters are left out', { temperature: null, seed: null, stop: null }, { messages: [user] }],
  ]

  it.each(cases)('%s', async (_name, fields, expected) => {
    expect(await sent(fields)).toEqual(expected)
  })

  it('a multi-turn tool conversation: ids become Mistral ids, tool results carry the function name', async () => {
    const openaiId = 'call_4XzlGBLtUe9dy3GVNV4jhq7h'
    const mistralId = mistralToolCallId(openaiId)
    expect(mistralId).toMatch(/^[A-Za-z0-9]{9}$/)
    const body = await sent({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: openaiId, type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: openaiId, content: '{"temp":21}' },
        { role: 'assistant', content: 'It is 21°C.' },
        { role: 'user', content: 'And tomorrow?' },
      ],
    })
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: mistralId, type: 'function', index: 0, function: { name: 'weather', arguments: '{"city":"Paris"}' } }], prefix: false },
      { role: 'tool', content: '{"temp":21}', tool_call_id: mistralId, name: 'weather' },
      { role: 'assistant', content: 'It is 21°C.', prefix: false },
      { role: 'user', content: 'And tomorrow?' },
    ])
  })

  it('ids Mistral issued itself pass unchanged, and mapping is the same on every turn', () => {
    expect(mistralToolCallId('call_abc')).toBe(mistralToolCallId('call_abc'))
    expect(mistralToolCallId('call_abc')).not.toBe(mistralToolCallId('call_abd'))
  })

  const refused: Array<[string, Partial<ChatRequest>, string]> = [
    ['user', { user: 'u-1' }, 'user'],
    ['logprobs', { logprobs: true, top_logprobs: 2 }, 'logprobs'],
    ['logit_bias', { logit_bias: { '50256': -100 } }, 'logit_bias'],
    ['service_tier', { service_tier: 'flex' }, 'service_tier'],
  ]

  it.each(refused)('%s Mistral cannot honour is a 400 unsupported_parameter naming it', async (_name, fields, param) => {
    const before = upstream.requests.length
    const err = await provider.chat({ model: 'mistral-small-latest', messages: [user], ...fields } as ChatRequest, ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(err).toMatchObject({ status: 400, code: 'unsupported_parameter', param, retryable: false })
    expect(upstream.requests.length).toBe(before)
  })

  it('drop_unsupported_params drops them instead', async () => {
    expect(await sent({ user: 'u-1', logprobs: true, logit_bias: { '1': 1 }, temperature: 0.2 }, dropping)).toEqual({ messages: [user], temperature: 0.2 })
  })
})
