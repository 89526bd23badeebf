import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { sseFromChunkLines, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { postChat, postChatStream } from '../support/chat-through-gateway.js'
import { validateSchema } from '../support/openapi-validate.js'

const ask = { model: 'mistral/mistral-small-latest', messages: [{ role: 'user', content: 'Hello' }] }

describe('Mistral recorded responses through the gateway', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream()
    gw = await startTestGateway({ env: { MISTRAL_API_KEY: 'mistral-upstream-secret', MISTRAL_BASE_URL: upstream.url } })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })
  beforeEach(() => {
    upstream.requests.length = 0
  })

  it('vercel-mistral-text.json: the whole answer, usage and finish reason', async () => {
    const recorded = fixtureJson<{ choices: Array<{ message: { content: string } }> }>('mistral/vercel-mistral-text.json')
    upstream.setHandler(() => ({ json: recorded }))
    const res = await postChat(gw, ask)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      id: '5319bd0299614c679a0068a4f2c8ffd0',
      object: 'chat.completion',
      created: 1769088720,
      model: 'mistral-small-latest',
      choices: [{
        index: 0,
        message: { role: 'assistant', content: recorded.choices[0]!.message.content, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      }],
      usage: { prompt_tokens: 13, completion_tokens: 434, total_tokens: 447 },
    })
    expect(validateSchema('CreateChatCompletionResponse', res.body)).toEqual([])
    const sent = upstream.requests[0]!
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.headers.authorization).toBe('Bearer mistral-upstream-secret')
    expect(sent.body).toEqual({ model: 'mistral-small-latest', messages: [{ role: 'user', content: 'Hello' }], stream: false })
  })

  it('vercel-mistral-tool-call.json: the tool call gets its type, arguments stay a JSON string', async () => {
    upstream.setHandler(() => ({ json: fixtureJson('mistral/vercel-mistral-tool-call.json') }))
    const res = await postChat(gw, ask)
    expect(res.body).toEqual({
      id: 'b3999b8c93e04e11bcbff7bcab829667',
      object: 'chat.completion',
      created: 1769088854,
      model: 'mistral-small-latest',
      choices: [{
        index: 0,
        message: {
          role: 'assistant', content: null, refusal: null,
          tool_calls: [{ id: 'gSIMJiOkT', type: 'function', function: { name: 'weather', arguments: '{"location": "San Francisco"}' } }],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      }],
      usage: { prompt_tokens: 124, completion_tokens: 22, total_tokens: 146 },
    })
    expect(validateSchema('CreateChatCompletionResponse', res.body)).toEqual([])
  })

  it('vercel-mistral-text.chunks.txt: role first, text deltas, a finish chunk, then usage', async () => {
    upstream.setHandler(() => ({ sse: sseFromChunkLines(fixtureText('mistral/vercel-mistral-text.chunks.txt')) }))
    const res = await postChatStream(gw, { ...ask, stream_options: { include_usage: true } })
    expect(res.status).toBe(200)
    expect(res.done).toBe(true)
    const head = { id: '5319bd0299614c679a0068a4f2c8ffd0', object: 'chat.completion.chunk', created: 1769088720, model: 'mistral-small-latest' }
    const text = (content: string) => ({ ...head, choices: [{ index: 0, delta: { content }, finish_reason: null, logprobs: null }] })
    expect(res.chunks).toEqual([
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }] },
      text('Hello'), text(', '), text('world!'), text(' This'), text(' is a test'), text(' response.'),
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }] },
      { ...head, choices: [], usage: { prompt_tokens: 13, completion_tokens: 8, total_tokens: 21, cost_usd: 0.00000222 } },
    ])
    for (const chunk of res.chunks) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
  })

  it('vercel-mistral-tool-call.chunks.txt: the tool call gets index 0 and type function', async () => {
    upstream.setHandler(() => ({ sse: sseFromChunkLines(fixtureText('mistral/vercel-mistral-tool-call.chunks.txt')) }))
    const res = await postChatStream(gw, ask)
    const head = { id: 'b3999b8c93e04e11bcbff7bcab829667', object: 'chat.completion.chunk', created: 1769088854, model: 'mistral-small-latest' }
    expect(res.chunks).toEqual([
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }] },
      {
        ...head,
        choices: [{
          index: 0,
          delta: { tool_calls: [{ index: 0, id: 'gSIMJiOkT', type: 'function', function: { name: 'weather', arguments: '{"location": "San Francisco"}' } }] },
          finish_reason: null,
          logprobs: null,
        }],
      },
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls', logprobs: null }] },
    ])
    expect(JSON.parse(res.chunks[1]!.choices[0]!.delta.tool_calls![0]!.function!.arguments!)).toEqual({ location: 'San Francisco' })
    for (const chunk of res.chunks) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
  })
})
